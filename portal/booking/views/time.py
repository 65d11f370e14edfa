"""Step: choose a time — before sign-in, or again after the intake.

"Book a time" starts here: the type of visit, the patient's state when the room asks it
(where.py), then a week of free times asked of VSee with the clinic's key, so a patient
sees times before signing in. The chosen time waits in the session's draft through
sign-in, the intake and the files; the review asks VSee again before booking. Once the
intake is made (choosing another time from the review, or after one was taken) VSee is
asked as the patient, for that intake.

The picker itself (portal/booking/picker/, picker_view.py and
templates/booking/partials/picker.html) knows nothing of the draft.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.booking.draft import save_draft
from portal.booking.flow import Step, load_step, record_vsee_error
from portal.booking.intake_form import build_intake_form, location_field
from portal.booking.picker import PickerPage, consultation_choices
from portal.booking.picker_view import Picker, open_picker, render_picker
from portal.booking.prefill import fill_in_from_last_visit
from portal.booking.steps import next_url, progress
from portal.booking.us_states import US_STATES
from portal.http import PortalRequest
from portal.patients.decorators import vsee_failures_answered
from portal.vsee.schemas import Consultation
from portal.vsee.service import current_patient

log = logging.getLogger(__name__)

OPTION = "appointment"
CHOOSE_CONSULTATION = gettext_lazy("Please choose a type of visit first.")
# What a link into the picker may carry through the state question; the picker checks them.
PICKER_PARAMS = ("consultation", "provider", "week", "day", "first")
STATE_NAMES = dict(US_STATES)


def picker_query(query: Mapping[str, str]) -> str:
    """The picker's own parameters from a query, as "?a=b" ("" when there are none)."""
    kept = {name: query[name][:40] for name in PICKER_PARAMS if query.get(name)}
    return f"?{urlencode(kept)}" if kept else ""


def needs_state(step: Step) -> bool:
    """Whether the room asks for the patient's state and the draft has no answer yet.

    An optional question counts as answered once asked, even if left blank.
    """
    field = location_field(step.room)
    if field is None:
        return False
    answers = step.draft.answers
    return not answers.get("location") if field.required else "location" not in answers


def as_patient(request: PortalRequest, step: Step) -> bool:
    """With the intake made, VSee is asked as the patient for that intake."""
    return bool(step.draft.intake_id) and current_patient(request.session) is not None


@vsee_failures_answered
@require_http_methods(["GET", "POST"])
def time_step(request: PortalRequest, code: str) -> HttpResponse:
    step = load_step(request, code, OPTION, needs_intake=False)
    if isinstance(step, HttpResponse):
        return step
    patient_view = as_patient(request, step)
    if not patient_view:
        _fill_in_state(request, step)
        if needs_state(step):
            where = reverse("time_where", args=[step.room.code])
            return HttpResponseRedirect(where + picker_query(request.GET))
    consultations = step.room.consultations(step.vsee_room)
    picker = open_picker(
        request,
        step.vsee() if patient_view else None,
        base_url=reverse("time", args=[step.room.code]),
        room_code=step.room.code,
        intake_id=step.draft.intake_id if patient_view else "",
        consultations=consultations,
        provider_ids=step.vsee_room.provider_ids,
        clinic_zone=step.room.time_zone_for(step.vsee_room),
        default_consultation=step.draft.consultation_id,
        can_change_consultation=len(consultations) > 1,
        location="" if patient_view else step.draft.answers.get("location") or "",
        consultation_name=step.room.consultation_name,
    )
    if not isinstance(picker, Picker):
        problem = str(CHOOSE_CONSULTATION) if request.method == "POST" else ""
        return _render_choice(request, step, consultations, problem=problem)
    if request.method == "POST":
        return _choose(request, step, picker, patient_view)
    taken = request.GET.get("taken") == "1"
    picker.show_week(
        request,
        taken_near=(step.draft.slot_start or int(picker.now.timestamp()))
        if taken
        else None,
    )
    return _render(request, step, picker.page, patient_view)


def _fill_in_state(request: PortalRequest, step: Step) -> None:
    """A returning patient's state comes from their last visit, as in the intake."""
    if needs_state(step) and current_patient(request.session) is not None:
        fields = list(build_intake_form(step.room, OPTION).base_fields)
        fill_in_from_last_visit(request, step, fields)


def _choose(
    request: PortalRequest, step: Step, picker: Picker, patient_view: bool
) -> HttpResponse:
    slot = picker.chosen_slot(request)
    if slot is None:
        if picker.page.problem:
            log.info("refused a slot that was not offered")
        return _render(request, step, picker.page, patient_view, status=400)
    draft = step.draft
    draft.consultation_id = picker.params.consultation.id or ""
    draft.slot_start, draft.slot_end = slot.start, slot.end
    draft.provider_id = picker.provider_for(slot)
    save_draft(request.session, draft)
    if patient_view:
        return HttpResponseRedirect(reverse("review", args=[step.room.code, OPTION]))
    return HttpResponseRedirect(next_url(step.room, OPTION, "time"))


def _context(request: PortalRequest, step: Step, patient_view: bool) -> dict:
    location = step.draft.answers.get("location") or ""
    return {
        "room": step.room,
        "option": step.option,
        "progress": progress(step.room, OPTION, "time"),
        "back_to_answers": patient_view,
        "state_name": "" if patient_view else str(STATE_NAMES.get(location, "")),
        "where_url": reverse("time_where", args=[step.room.code])
        + picker_query(request.GET),
    }


def _render(
    request: PortalRequest,
    step: Step,
    page: PickerPage,
    patient_view: bool,
    *,
    status: int = 200,
) -> HttpResponse:
    if page.error:
        log.warning("availability failed: %s", page.error)
        record_vsee_error(request, page.error, room_code=step.room.code, option=OPTION)
    ctx = _context(request, step, patient_view)
    return render_picker(request, "booking/time.html", ctx, page, status=status)


def _render_choice(
    request: PortalRequest,
    step: Step,
    consultations: list[Consultation],
    *,
    problem: str = "",
) -> HttpResponse:
    ctx = {
        **_context(request, step, as_patient(request, step)),
        "choices": consultation_choices(consultations, step.room.consultation_name),
        "choice_url": reverse("time", args=[step.room.code]),
        "problem": problem,
    }
    response = render(request, "booking/time.html", ctx, status=400 if problem else 200)
    patch_vary_headers(response, ("HX-Request",))
    return response
