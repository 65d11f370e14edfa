from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.booking.flow import no_such_room, open_room
from portal.booking.options import visit_options
from portal.booking.page_cache import kept_for_strangers
from portal.booking.picker import consultation_choices
from portal.clinic.rooms import Room, room_code_validator
from portal.http import PortalRequest

log = logging.getLogger(__name__)


def _looks_like_room_code(value: str) -> bool:
    try:
        room_code_validator(value)
    except ValidationError:
        return False
    return True


@require_GET
@kept_for_strangers
def landing(request: PortalRequest) -> HttpResponse:
    """Show the one room, or let the patient pick when the clinic has several."""
    named = request.GET.get("room", "").strip()
    if named:
        # A link or embed may name the room: ?room=<code>.
        if not _looks_like_room_code(named):
            return no_such_room(request)
        return HttpResponseRedirect(reverse("room", args=[named]))
    rooms = list(Room.objects.offered())
    if not rooms:
        log.error("no active room is configured")
        return render(request, "vsee/misconfigured.html", status=503)
    if len(rooms) == 1:
        return _room(request, rooms[0].code)  # kept, if at all, as this page
    return render(request, "booking/rooms.html", {"rooms": rooms})


@require_GET
@kept_for_strangers
def room_page(request: PortalRequest, code: str) -> HttpResponse:
    return _room(request, code)


def _room(request: PortalRequest, code: str) -> HttpResponse:
    """Show a room's welcome, emergency notice and the visit options that work now."""
    opened = open_room(request, code)
    if isinstance(opened, HttpResponse):
        return opened
    room, vsee_room = opened
    options = visit_options(room, vsee_room)
    ctx = {
        "room": room,
        "vsee_room": vsee_room,
        "options": options,
        # "Book a time" lists the types of visit, each straight to its free times.
        "appointment_kinds": consultation_choices(
            room.consultations(vsee_room), room.consultation_name
        ),
        "offered": [o for o in options if o.available],
        "several_rooms": Room.objects.offered().count() > 1,
    }
    return render(request, "booking/room.html", ctx)
