"""Step: the intake form — the room's built-in fields and the clinic's own questions."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.booking.draft import load_draft, save_draft
from portal.booking.flow import Step, load_step, member_id, record_vsee_error
from portal.booking.intake_form import WHO, IntakeForm, build_intake_form
from portal.booking.people import MYSELF, SOMEONE_NEW, choose_person, who_choices
from portal.booking.prefill import fill_in_from_last_visit, prefilled_labels
from portal.booking.steps import next_url, progress
from portal.clinic import audit
from portal.http import PortalRequest
from portal.patients.decorators import patient_required
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.schemas import VisitType

log = logging.getLogger(__name__)

# VSee's intake `type`: 1 walk-in, 2 scheduled (reference §POST /intakes); none for e-consult.
INTAKE_TYPES = {"walkin": VisitType.WALKIN, "appointment": VisitType.APPOINTMENT}
# A form with problems is shown once, by the GET its POST redirects to (Post/Redirect/Get):
# Back or a refresh later shows the form as the draft holds it, without old problems.
PROBLEMS_KEY = "booking.intake_problems"


def intake(request: PortalRequest, code: str, option: str) -> HttpResponse:
    """Times first: an appointment with no time chosen yet starts at the times (a link,
    an embed or a bookmark may lead here), before anything asks for sign-in."""
    if option == "appointment" and request.method == "GET":
        draft = load_draft(request.session)
        held = draft and draft.room_code == code and draft.option == option
        if not (held and (draft.slot_start or draft.intake_id)):
            return HttpResponseRedirect(reverse("time", args=[code]))
    return intake_form_step(request, code, option)


@patient_required
@require_http_methods(["GET", "POST"])
def intake_form_step(request: PortalRequest, code: str, option: str) -> HttpResponse:
    step = load_step(request, code, option, needs_intake=False)
    if isinstance(step, HttpResponse):
        return step
    form_class = build_intake_form(step.room, option)
    people = who_choices(request, step)
    if request.method == "GET":
        problems = request.session.pop(PROBLEMS_KEY, None)
        if problems is not None:  # straight after a POST that had some: say them
            posted = {**step.draft.answers, WHO: problems.get(WHO) or MYSELF}
            form = _with_people(form_class(posted), people)
            if not form.is_valid():
                form.mark_invalid_fields()
            return _render(request, step, form)
        fill_in_from_last_visit(request, step, list(form_class.base_fields))
        initial = {**step.draft.answers, WHO: step.draft.person or MYSELF}
        return _render(request, step, _with_people(form_class(initial=initial), people))

    form = _with_people(form_class(request.POST), people)
    # Kept before validation: a refresh or a wrong field never loses what was typed.
    step.draft.answers.update(form.draft_answers())
    step.draft.prefill_checked = True  # answered now: nothing to fill in from before
    save_draft(request.session, step.draft)
    if people and request.POST.get(WHO) == SOMEONE_NEW:
        # Their details first; the answers so far wait in the draft.
        return HttpResponseRedirect(reverse("someone", args=[step.room.code, option]))
    if not form.is_valid():
        request.session[PROBLEMS_KEY] = {WHO: request.POST.get(WHO, "")}
        return HttpResponseRedirect(request.path)
    if people and form.cleaned_data[WHO]:
        chosen = form.cleaned_data[WHO]
        if choose_person(request, step, "" if chosen == MYSELF else chosen):
            messages.info(
                request,
                _(
                    "Answers filled in from a previous visit were for someone else: "
                    "please check the form for this visit."
                ),
            )
            return HttpResponseRedirect(request.path)
    try:
        _save_intake(request, step, form)
    except VSeeAuthExpired:
        raise
    except VSeeError as exc:
        log.warning("intake save failed: %s", exc)
        record_vsee_error(request, exc, room_code=step.room.code, option=option)
        return _render(request, step, form, vsee_down=True)
    return HttpResponseRedirect(next_url(step.room, option, "intake"))


def _with_people(form: IntakeForm, people: list[tuple[str, str]]) -> IntakeForm:
    if people:
        form.offer_people(people)
    return form


def _render(
    request: PortalRequest, step: Step, form: IntakeForm, *, vsee_down: bool = False
) -> HttpResponse:
    ctx = {
        "room": step.room,
        "option": step.option,
        "progress": progress(step.room, step.option.key, "intake"),
        "form": form,
        "prefilled": prefilled_labels(step, form.fields),
        "vsee_down": vsee_down,
    }
    return render(request, "booking/intake.html", ctx, status=503 if vsee_down else 200)


def _save_intake(request: PortalRequest, step: Step, form: IntakeForm) -> None:
    """Create the VSee intake once; later submits update that same intake."""
    vsee = step.vsee()
    draft, option = step.draft, step.option.key
    fields = {
        **form.vsee_fields(),
        "type": INTAKE_TYPES.get(option),
        "attachments": draft.file_ids,
    }
    if draft.intake_id:
        vsee.intake_update(draft.intake_id, **fields)
        action = audit.Action.INTAKE_UPDATED
    else:
        created = vsee.intake_create(room_code=step.room.code, **fields)
        draft.intake_id = created.id
        save_draft(request.session, draft)
        action = audit.Action.INTAKE_CREATED
    audit.record(
        action,
        member_id=member_id(request),
        room_code=step.room.code,
        visit_kind=option,
    )
