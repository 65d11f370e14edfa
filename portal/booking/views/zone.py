"""POST /time-zone/: the browser's own zone, sent once per session by timezone.js."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from portal.booking.timezones import chosen_time_zone, remember_time_zone
from portal.http import PortalRequest


@require_POST
def time_zone(request: PortalRequest) -> HttpResponse:
    """Keep the browser's zone unless the patient (or an earlier page) set one already."""
    if chosen_time_zone(request.session) is not None:
        return HttpResponse(status=204)
    if not remember_time_zone(request.session, request.POST.get("tz", "")):
        return HttpResponse("Unknown time zone", status=400, content_type="text/plain")
    return HttpResponse(status=204)
