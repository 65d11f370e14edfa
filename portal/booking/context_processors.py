from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.booking.timezones import chosen_time_zone


def time_zone(request: HttpRequest) -> dict[str, Any]:
    """Whether the session knows the patient's zone (else timezone.js sends the browser's)."""
    session = getattr(request, "session", None)
    return {"time_zone_known": bool(session is not None and chosen_time_zone(session))}
