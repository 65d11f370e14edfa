"""The patient's own time zone, kept in the session once detected or chosen, and its name
in words ("Central Time (Chicago)").

On the first page of a visit the browser says which zone it is in (static/timezone.js posts
it to /time-zone/ once); every page of the session then uses it: picker, review,
confirmation, history, visit pages. The patient can change it in the picker, from a short
list of the zones that matter for the clinic or any other by name. Until the browser has
said, times are shown in the clinic's zone. Every name is checked against zoneinfo, so a
made-up zone is ignored, never a 500.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.clinic.rooms import Room
from portal.vsee.errors import VSeeError
from portal.vsee.service import get_room

TIME_ZONE_KEY = "portal.time_zone"
# The query parameter the picker's time zone form and timezone.js send.
TIME_ZONE_PARAM = "tz"
# The picker's "Other…" field: a zone or a city, typed.
OTHER_PARAM = "tz_other"


def unknown_zone_typed(request: HttpRequest) -> bool:
    """Whether the patient typed a zone that matches none."""
    typed = request.GET.get(OTHER_PARAM, "")
    return bool(typed.strip()) and find_time_zone(typed) is None


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


# The zones of the US, where VSee's clinics see patients by state, in the words people use.
US_ZONES = {
    "America/New_York": gettext_lazy("Eastern Time (New York)"),
    "America/Chicago": gettext_lazy("Central Time (Chicago)"),
    "America/Denver": gettext_lazy("Mountain Time (Denver)"),
    "America/Phoenix": gettext_lazy("Mountain Time, no daylight saving (Phoenix)"),
    "America/Los_Angeles": gettext_lazy("Pacific Time (Los Angeles)"),
    "America/Anchorage": gettext_lazy("Alaska Time (Anchorage)"),
    "Pacific/Honolulu": gettext_lazy("Hawaii Time (Honolulu)"),
    "America/Puerto_Rico": gettext_lazy("Atlantic Time (Puerto Rico)"),
}
_MORE_US_ZONES = {
    "America/Detroit": gettext_lazy("Eastern Time (Detroit)"),
    "America/Indiana/Indianapolis": gettext_lazy("Eastern Time (Indianapolis)"),
    "America/Boise": gettext_lazy("Mountain Time (Boise)"),
}
_NAMED = {
    **US_ZONES,
    **_MORE_US_ZONES,
    "America/Toronto": gettext_lazy("Eastern Time (Toronto)"),
    "America/Vancouver": gettext_lazy("Pacific Time (Vancouver)"),
    "Europe/London": gettext_lazy("UK Time (London)"),
    "UTC": gettext_lazy("Coordinated Universal Time (UTC)"),
}


def zone_label(name: str) -> str:
    """ "Central Time (Chicago)" for the zones people know by such a name, else the city and
    its region: "Berlin (Europe)"."""
    if name in _NAMED:
        return str(_NAMED[name])
    region, _slash, city = name.rpartition("/")
    if not region:
        return name.replace("_", " ")
    # Translators: a time zone by its city and region, e.g. "Berlin (Europe)".
    return _("%(city)s (%(region)s)") % {
        "city": city.replace("_", " "),
        "region": region.replace("_", " "),
    }


def zone_choices(clinic_zone: str, current: str) -> list[tuple[str, str]]:
    """The short list to choose from: the clinic's country's zones (the US's, for a US
    clinic), else the clinic's own; and the zone in use, if it is none of those."""
    in_us = clinic_zone in US_ZONES or clinic_zone in _MORE_US_ZONES
    names = list(US_ZONES) if in_us else []
    for name in (clinic_zone, current):
        if valid_time_zone(name) and name not in names:
            names.append(name)
    return [(name, zone_label(name)) for name in names]


def find_time_zone(text: object) -> str | None:
    """A zone from what a patient typed: its name ("Europe/Berlin") or its city ("berlin",
    "New York"); None when nothing matches."""
    if not isinstance(text, str) or not text.strip():
        return None
    exact = valid_time_zone(text)
    if exact:
        return exact
    wanted = text.strip().lower().replace(" ", "_")
    for name in time_zone_names():
        if name.rpartition("/")[2].lower() == wanted:
            return name
    return None


@cache
def time_zone_names() -> list[str]:
    """Return every zone a patient may choose, sorted, for the page's select."""
    return sorted(known_time_zones())


@cache
def time_zone_options() -> SafeString:
    """Every zone as a datalist's options, written once per process: the ~600 of them
    cost the picker page several milliseconds a look as a template loop."""
    return format_html_join(
        "", '<option value="{}"></option>', ((name,) for name in time_zone_names())
    )


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
    """Return the patient's zone: `?tz=` or a zone named in `?tz_other=` (kept when valid),
    else the session's, else `default`.

    `default` is the clinic's zone for the room (Room.time_zone_for); an invalid default
    falls back to UTC.
    """
    # A zone typed by name counts over the list's choice: typing is the deliberate act.
    asked = find_time_zone(request.GET.get(OTHER_PARAM)) or request.GET.get(
        TIME_ZONE_PARAM
    )
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
