"""Guest walk-ins: where a room allows them, a patient may start a walk-in or e-consult
with just a name and date of birth. Guests have no history with the clinic."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.urls import Resolver404, resolve

from portal.clinic.rooms import Room

GUEST_OPTIONS = ("walkin", "econsult")


def guest_room_for(next_path: str) -> Room | None:
    """Return the room a guest could continue into at `next_path`, or None."""
    try:
        match = resolve(next_path.split("?", 1)[0])
    except Resolver404:
        return None
    if match.url_name != "intake" or match.kwargs.get("option") not in GUEST_OPTIONS:
        return None
    return (
        Room.objects.offered()
        .filter(code=match.kwargs.get("code"), allow_guests=True)
        .first()
    )


def guest_allowed(room: Room, option: str) -> bool:
    return room.allow_guests and option in GUEST_OPTIONS


def guest_owner(first_name: str, last_name: str, dob: str) -> str:
    """Who the guest is, for keeping their draft across a second sign-in; a keyed hash."""
    message = f"{first_name.casefold()}|{last_name.casefold()}|{dob}".encode()
    key = f"guest-owner:{settings.SECRET_KEY}".encode()
    return "guest:" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
