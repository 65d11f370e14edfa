"""Guest walk-ins: where a room allows them, a patient may start a walk-in or e-consult
with just a name and date of birth. Guests have no history with the clinic."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from portal.clinic.rooms import Room
from portal.http import client_ip
from portal.patients import ratelimit
from portal.patients.signin import OWNER_KEY
from portal.vsee.service import current_patient

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


def guest_may_open_a_visit(request: HttpRequest) -> bool:
    """Count a visit a guest opens; False past the limits per guest and per IP address.
    Patients who signed in by email or hand-off are not limited here."""
    patient = current_patient(request.session)
    if patient is None or not patient.is_guest:
        return True
    window = settings.SIGN_IN_CODE_WINDOW_MINUTES * 60
    guest = request.session.get(OWNER_KEY, patient.member_id)
    ip = client_ip(request)
    return ratelimit.hit(
        f"guest-visit:{guest}", settings.GUEST_VISITS_PER_GUEST, window
    ) and ratelimit.hit(f"guest-visit-ip:{ip}", settings.GUEST_VISITS_PER_IP, window)
