"""The patient's own time zone, kept in the session once detected or chosen.

The browser says which zone it is in (static/timezone.js adds `tz=` to the page's address
once); the patient can change it on the page. Until then times are shown in the clinic's
zone. Every name is checked against zoneinfo, so a made-up `tz` is ignored, never a 500.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from portal.clinic.rooms import Room
from portal.vsee.errors import VSeeError
from portal.vsee.service import get_room

TIME_ZONE_KEY = "portal.time_zone"
# The query parameter the picker's time zone form and timezone.js send.
TIME_ZONE_PARAM = "tz"


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


@cache
def time_zone_names() -> list[str]:
    """Return every zone a patient may choose, sorted, for the page's select."""
    return sorted(known_time_zones())


def valid_time_zone(name: object) -> str | None:
    """Return the zone's name if zoneinfo knows it, else None."""
    if isinstance(name, str) and name.strip() in known_time_zones():
        return name.strip()
    return None


def remember_time_zone(session: SessionBase, name: str) -> bool:
    """Keep a valid zone as the patient's; return whether it was kept."""
    zone = valid_time_zone(name)
    if zone is None:
        return False
    if session.get(TIME_ZONE_KEY) != zone:
        session[TIME_ZONE_KEY] = zone
    return True


def chosen_time_zone(session: SessionBase) -> str | None:
    """Return the zone the patient (or their browser) set, or None when none was."""
    return valid_time_zone(session.get(TIME_ZONE_KEY))


def patient_time_zone(request: HttpRequest, default: str = "UTC") -> str:
    """Return the patient's zone: `?tz=` (kept when valid), else the session's, else `default`.

    `default` is the clinic's zone for the room (Room.time_zone_for); an invalid default
    falls back to UTC.
    """
    asked = request.GET.get(TIME_ZONE_PARAM)
    if asked:
        remember_time_zone(request.session, asked)
    return chosen_time_zone(request.session) or valid_time_zone(default) or "UTC"


def clinic_time_zone(room: Room | None = None) -> str:
    """The clinic's zone for a room (default: the first one offered): the room's own
    setting, else the zone set on it in VSee (cached), else UTC."""
    room = room or Room.objects.offered().first()
    if room is None:
        return "UTC"
    if room.time_zone:
        return room.time_zone
    try:
        return room.time_zone_for(get_room(room.code))
    except VSeeError:
        return "UTC"
