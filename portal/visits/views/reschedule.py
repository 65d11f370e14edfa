"""Reschedule an appointment with the same picker the booking uses, then one POST to VSee."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.booking.flow import member_id, record_vsee_error
from portal.booking.picker import PickerPage
from portal.booking.picker_view import Picker, open_picker, render_picker
from portal.booking.summary import format_when
from portal.clinic import audit
from portal.clinic.rooms import Room
from portal.http import PortalRequest
from portal.patients.decorators import patient_required
from portal.visits.access import own_visit_or_404, visit_vsee
from portal.visits.rows import can_change
from portal.vsee.errors import (
    VSeeAuthExpired,
    VSeeError,
    VSeeRejected,
    VSeeSlotTaken,
)
from portal.vsee.schemas import Visit
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
        messages.info(request, "This visit can no longer be moved online.")
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
    when = format_when(slot.start, picker.page.zone)
    messages.success(request, f"Your appointment is moved to {when}.")
    return HttpResponseRedirect(reverse("visits:detail", args=[visit.id]))


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
