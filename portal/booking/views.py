from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.booking.options import visit_options
from portal.http import PortalRequest
from portal.vsee.errors import VSeeError, VSeeRejected
from portal.vsee.service import get_room

log = logging.getLogger(__name__)


@require_GET
def landing(request: PortalRequest) -> HttpResponse:
    """Show the clinic's room and the visit options it offers."""
    try:
        room = get_room(settings.VSEE_ROOM_CODE)
    except VSeeRejected as exc:
        log.error("room lookup refused: %s", exc)
        return render(request, "vsee/misconfigured.html", status=503)
    except VSeeError as exc:
        log.warning("room lookup failed: %s", exc)
        return render(request, "vsee/unavailable.html", status=503)
    options = visit_options(room)
    ctx = {
        "room": room,
        "options": options,
        "offered": [o for o in options if o.available],
    }
    return render(request, "booking/landing.html", ctx)
