"""Step: the intake form — the room's built-in fields and the clinic's own questions."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.booking.draft import Draft, draft_for, save_draft
from portal.booking.intake_form import IntakeForm, build_intake_form
from portal.booking.options import visit_options
from portal.booking.steps import progress
from portal.booking.views.rooms import no_such_room
from portal.clinic import audit
from portal.clinic.rooms import Room
from portal.http import PortalRequest
from portal.patients.decorators import patient_required, sign_in_url
from portal.patients.guests import guest_allowed
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.service import PatientVSee, current_patient, get_room

log = logging.getLogger(__name__)

# VSee's intake `type`: 1 walk-in, 2 scheduled (reference §POST /intakes); none for e-consult.
INTAKE_TYPES = {"walkin": 1, "appointment": 2}


@patient_required
@require_http_methods(["GET", "POST"])
def intake(request: PortalRequest, code: str, option: str) -> HttpResponse:
    room = Room.objects.offered().filter(code=code).first()
    if room is None:
        return no_such_room(request)
    try:
        vsee_room = get_room(room.code)
    except VSeeError as exc:
        log.warning("room lookup failed: %s", exc)
        return render(request, "vsee/unavailable.html", status=503)
    offered = {o.key: o for o in visit_options(room, vsee_room)}
    if option not in offered or not offered[option].available:
        messages.info(request, "That way of being seen isn't available right now.")
        return HttpResponseRedirect(reverse("room", args=[room.code]))

    patient = current_patient(request.session)
    if patient and patient.is_guest and not guest_allowed(room, option):
        messages.info(request, "To book a time, please sign in with your email.")
        return HttpResponseRedirect(sign_in_url(request.path))

    draft = draft_for(request.session, room.code, option)
    form_class = build_intake_form(room, option)
    if request.method == "POST":
        form = form_class(request.POST)
        # Kept before validation: a refresh or a wrong field never loses what was typed.
        draft.answers.update(form.draft_answers())
        save_draft(request.session, draft)
        if form.is_valid():
            try:
                _save_intake(request, room, option, draft, form)
            except VSeeAuthExpired:
                raise
            except VSeeError as exc:
                log.warning("intake save failed: %s", exc)
                audit.record(
                    audit.Action.VSEE_ERROR,
                    outcome=audit.Outcome.FAILURE,
                    member_id=_member_id(request),
                    room_code=room.code,
                    visit_kind=option,
                    detail=_error_detail(exc),
                )
                return _render(request, room, option, offered, form, vsee_down=True)
            messages.success(request, "Your answers are saved.")
            return HttpResponseRedirect(request.path)
        form.mark_invalid_fields()
    else:
        form = form_class(initial=draft.answers)
    return _render(request, room, option, offered, form)


def _render(
    request: PortalRequest,
    room: Room,
    option: str,
    offered: dict[str, Any],
    form: IntakeForm,
    *,
    vsee_down: bool = False,
) -> HttpResponse:
    ctx = {
        "room": room,
        "option": offered[option],
        "progress": progress(room, option, "intake"),
        "form": form,
        "vsee_down": vsee_down,
    }
    return render(request, "booking/intake.html", ctx, status=503 if vsee_down else 200)


def _save_intake(
    request: PortalRequest, room: Room, option: str, draft: Draft, form: IntakeForm
) -> None:
    """Create the VSee intake once; later submits update that same intake."""
    vsee = PatientVSee(request.session)
    fields = {
        **form.vsee_fields(),
        "type": INTAKE_TYPES.get(option),
        "attachments": draft.file_ids,
    }
    if draft.intake_id:
        vsee.intake_update(draft.intake_id, **fields)
        action = audit.Action.INTAKE_UPDATED
    else:
        created = vsee.intake_create(room_code=room.code, **fields)
        draft.intake_id = created.id
        save_draft(request.session, draft)
        action = audit.Action.INTAKE_CREATED
    audit.record(
        action, member_id=_member_id(request), room_code=room.code, visit_kind=option
    )


def _member_id(request: PortalRequest) -> str:
    patient = current_patient(request.session)
    return patient.member_id if patient else ""


def _error_detail(exc: VSeeError) -> str:
    # The class, status and request id: enough to find it in VSee's logs, never content.
    return f"{type(exc).__name__} status={exc.status} request={exc.request_id or '-'}"
