"""Reschedule an appointment: the same picker the booking uses, a check step (old time,
new time), one POST to VSee, then a confirmation with an updated calendar file."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.booking.flow import member_id, record_vsee_error
from portal.booking.picker import PickerPage
from portal.booking.picker_view import Picker, open_picker, render_picker
from portal.booking.summary import format_when, when
from portal.booking.timezones import clinic_time_zone, patient_time_zone
from portal.clinic import audit
from portal.clinic.rooms import Room
from portal.http import PortalRequest
from portal.notices import outbox
from portal.patients.decorators import patient_required
from portal.visits.access import own_visit_or_404, visit_vsee
from portal.visits.rows import can_change
from portal.vsee.errors import (
    VSeeAuthExpired,
    VSeeError,
    VSeeRejected,
    VSeeSlotTaken,
)
from portal.vsee.schemas import Slot, Visit
from portal.vsee.service import get_room

log = logging.getLogger(__name__)

# The start of a time that was taken while the patient chose it: ?taken=1 shows the nearest.
TAKEN_KEY = "visits.reschedule_taken"


@patient_required
@require_http_methods(["GET", "POST"])
def reschedule(request: PortalRequest, visit_id: str) -> HttpResponse:
    visit = own_visit_or_404(request, visit_id)
    vsee_room = get_room(visit.room_code or "")
    if not can_change(visit, int(time.time())):
        messages.info(request, _("This visit can no longer be moved online."))
        return HttpResponseRedirect(reverse("visits:detail", args=[visit.id]))

    room = Room.objects.filter(code=vsee_room.code).first()
    consultations = room.consultations(vsee_room) if room else vsee_room.consultations
    booked_type = (visit.intake.consultation or {}).get("id") if visit.intake else None
    picker = open_picker(
        request,
        visit_vsee(request, visit.id),
        base_url=reverse("visits:reschedule", args=[visit.id]),
        room_code=vsee_room.code,
        intake_id=visit.intake_id or "",
        consultations=consultations,
        provider_ids=vsee_room.provider_ids,
        clinic_zone=room.time_zone_for(vsee_room)
        if room
        else vsee_room.timezone or "UTC",
        # The visit keeps its type of visit: moving it changes only the time.
        default_consultation=str(
            booked_type or (consultations[0].id if consultations else "")
        ),
        consultation_name=room.consultation_name if room else None,
    )
    if not isinstance(picker, Picker):
        raise Http404  # VSee lists no type of visit for the room: nothing to move to
    if request.method == "POST":
        return _move(request, visit, picker)
    taken = request.GET.get("taken") == "1"
    picker.show_week(
        request, taken_near=request.session.get(TAKEN_KEY) if taken else None
    )
    return _render(request, visit, picker.page)


def _move(request: PortalRequest, visit: Visit, picker: Picker) -> HttpResponse:
    slot = picker.chosen_slot(request)
    if slot is None:
        return _render(request, visit, picker.page, status=400)
    provider_id = picker.provider_for(slot)
    if request.POST.get("confirm") != "1":
        return _check(request, visit, picker, slot, provider_id)
    try:
        visit_vsee(request, visit.id).visit_update(
            visit.id,
            slot_start=slot.start,
            slot_end=slot.end,
            provider_id=provider_id or None,
        )
    except VSeeAuthExpired:
        raise
    except VSeeRejected as exc:
        # "Just taken" when the time is gone from VSee's availability, whatever its words
        # (they decide only when availability can't be asked).
        offered = picker.still_offers(slot, provider_id)
        if offered is False or (offered is None and isinstance(exc, VSeeSlotTaken)):
            request.session[TAKEN_KEY] = slot.start
            _audit(request, visit, outcome=audit.Outcome.FAILURE, detail="slot_taken")
            url = reverse("visits:reschedule", args=[visit.id])
            return HttpResponseRedirect(f"{url}?taken=1")
        picker.page.error = exc
        return _render(request, visit, picker.page)
    except VSeeError as exc:
        picker.page.error = exc
        return _render(request, visit, picker.page)
    request.session.pop(TAKEN_KEY, None)
    _audit(request, visit)
    outbox.visit_moved(
        request, visit.model_copy(update={"start": slot.start, "end": slot.end})
    )
    return HttpResponseRedirect(reverse("visits:moved", args=[visit.id]))


def _check(
    request: PortalRequest, visit: Visit, picker: Picker, slot: Slot, provider_id: str
) -> HttpResponse:
    """Old time, new time, and one button: a tap in a grid of times moves nothing yet."""
    page = picker.page
    ctx = {
        "visit": visit,
        "was": when(visit.start, page.zone, page.clinic_zone),
        "becomes": when(slot.start, page.zone, page.clinic_zone),
        "provider": picker.names.get(provider_id, ""),
        # What the picker posted, sent again with the confirmation (checked again then).
        "carried": [
            (name, value)
            for name, value in request.POST.items()
            if name in ("slot", "consultation", "provider", "week", "tz")
        ],
    }
    return render(request, "visits/reschedule_check.html", ctx)


@patient_required
@require_GET
def moved(request: PortalRequest, visit_id: str) -> HttpResponse:
    """The appointment's new time, with a calendar file that updates the old event."""
    visit = own_visit_or_404(request, visit_id)
    room = Room.objects.filter(code=visit.room_code or "").first()
    clinic_zone = clinic_time_zone(room) if room else "UTC"
    ctx = {
        "visit": visit,
        "when": when(visit.start, patient_time_zone(request, clinic_zone), clinic_zone),
    }
    return render(request, "visits/moved.html", ctx)


def _audit(
    request: PortalRequest,
    visit: Visit,
    *,
    outcome: str = audit.Outcome.SUCCESS,
    detail: str = "",
) -> None:
    audit.record(
        audit.Action.VISIT_RESCHEDULED,
        outcome=outcome,
        member_id=member_id(request),
        room_code=visit.room_code or "",
        visit_id=visit.id,
        visit_kind="appointment",
        detail=detail,
    )


def _render(
    request: PortalRequest, visit: Visit, page: PickerPage, *, status: int = 200
) -> HttpResponse:
    if page.error:
        log.warning("reschedule availability failed: %s", page.error)
        record_vsee_error(
            request,
            page.error,
            room_code=visit.room_code or "",
            option="appointment",
            visit_id=visit.id,
        )
    ctx = {"visit": visit, "when": format_when(visit.start, page.zone)}
    return render_picker(request, "visits/reschedule.html", ctx, page, status=status)
