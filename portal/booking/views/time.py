"""Step: choose a time — the consultation type, then a week of free times from VSee.

The picker itself (portal/booking/picker/, picker_view.py and
templates/booking/partials/picker.html) knows nothing of the draft; this view feeds it
the draft's intake and stores the chosen slot.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from portal.booking.draft import save_draft
from portal.booking.flow import Step, load_step, record_vsee_error
from portal.booking.picker import PickerPage, consultation_choices
from portal.booking.picker_view import Picker, open_picker, render_picker
from portal.booking.steps import next_url, progress
from portal.http import PortalRequest
from portal.patients.decorators import patient_required
from portal.vsee.schemas import Consultation

log = logging.getLogger(__name__)

OPTION = "appointment"
CHOOSE_CONSULTATION = "Please choose a type of visit first."


@patient_required
@require_http_methods(["GET", "POST"])
def time_step(request: PortalRequest, code: str) -> HttpResponse:
    step = load_step(request, code, OPTION)
    if isinstance(step, HttpResponse):
        return step
    consultations = step.room.consultations(step.vsee_room)
    picker = open_picker(
        request,
        step.vsee(),
        base_url=reverse("time", args=[step.room.code]),
        room_code=step.room.code,
        intake_id=step.draft.intake_id,
        consultations=consultations,
        provider_ids=step.vsee_room.provider_ids,
        clinic_zone=step.room.time_zone_for(step.vsee_room),
        default_consultation=step.draft.consultation_id,
        can_change_consultation=len(consultations) > 1,
    )
    if not isinstance(picker, Picker):
        problem = CHOOSE_CONSULTATION if request.method == "POST" else ""
        return _render_choice(request, step, consultations, problem=problem)
    if request.method == "POST":
        return _choose(request, step, picker)
    taken = request.GET.get("taken") == "1"
    picker.show_week(
        request,
        taken_near=(step.draft.slot_start or int(picker.now.timestamp()))
        if taken
        else None,
    )
    return _render(request, step, picker.page)


def _choose(request: PortalRequest, step: Step, picker: Picker) -> HttpResponse:
    slot = picker.chosen_slot(request)
    if slot is None:
        if picker.page.problem:
            log.info("refused a slot that was not offered")
        return _render(request, step, picker.page, status=400)
    draft = step.draft
    draft.consultation_id = picker.params.consultation.id or ""
    draft.slot_start, draft.slot_end = slot.start, slot.end
    draft.provider_id = picker.provider_for(slot)
    save_draft(request.session, draft)
    return HttpResponseRedirect(next_url(step.room, OPTION, "time"))


def _render(
    request: PortalRequest, step: Step, page: PickerPage, *, status: int = 200
) -> HttpResponse:
    if page.error:
        log.warning("availability failed: %s", page.error)
        record_vsee_error(request, page.error, room_code=step.room.code, option=OPTION)
    ctx = {
        "room": step.room,
        "option": step.option,
        "progress": progress(step.room, OPTION, "time"),
    }
    return render_picker(request, "booking/time.html", ctx, page, status=status)


def _render_choice(
    request: PortalRequest,
    step: Step,
    consultations: list[Consultation],
    *,
    problem: str = "",
) -> HttpResponse:
    ctx = {
        "room": step.room,
        "option": step.option,
        "progress": progress(step.room, OPTION, "time"),
        "choices": consultation_choices(consultations),
        "choice_url": reverse("time", args=[step.room.code]),
        "problem": problem,
    }
    response = render(request, "booking/time.html", ctx, status=400 if problem else 200)
    patch_vary_headers(response, ("HX-Request",))
    return response
