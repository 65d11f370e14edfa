"""Last step: check the details, then make the visit — exactly once per draft."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.booking.consent import (
    ConsentForm,
    consent_form_class,
    documents_to_ask,
    give_consent,
)
from portal.booking.draft import Draft, last_booked, load_draft, save_draft
from portal.booking.flow import Step, load_step, member_id, record_vsee_error
from portal.booking.models import claim, in_flight, made_for
from portal.booking.reconcile import answer_may_be_lost, made_from_draft, slot_gone
from portal.booking.steps import progress
from portal.booking.summary import describe_draft
from portal.clinic import audit
from portal.clinic.framing import is_framed
from portal.forms import form_with_problems, redirect_with_problems
from portal.http import PortalRequest
from portal.notices import outbox
from portal.patients.decorators import patient_required
from portal.patients.family import remember_owner
from portal.patients.guests import guest_may_open_a_visit
from portal.patients.ratelimit import slow_down_page
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected, VSeeSlotTaken
from portal.vsee.schemas import Visit
from portal.vsee.service import PatientVSee

log = logging.getLogger(__name__)

# How long a second submit of the same draft waits for the first to finish.
IN_FLIGHT_WAIT_SECONDS = 10.0


@patient_required
@require_http_methods(["GET", "POST"])
def review(request: PortalRequest, code: str, option: str) -> HttpResponse:
    # Back, refresh or a resubmit after the visit was made: show that visit.
    draft = load_draft(request.session)
    if draft and draft.visit_id and (draft.room_code, draft.option) == (code, option):
        if request.method == "POST":  # pressed again: where the first press went
            return _go_to_booked(request, draft, draft.visit_id)
        return HttpResponseRedirect(reverse("booked", args=[draft.visit_id]))
    done = last_booked(request.session, code, option)
    if done and not (draft and draft.intake_id):
        return HttpResponseRedirect(reverse("booked", args=[done]))
    step = load_step(request, code, option)
    if isinstance(step, HttpResponse):
        return step
    draft = step.draft
    if option == "appointment" and not (draft.slot_start and draft.slot_end):
        return HttpResponseRedirect(reverse("time", args=[step.room.code]))
    if request.method == "GET":
        return _render(request, step)

    made = draft.visit_id or made_for(draft.intake_id)
    if made:
        return _go_to_booked(request, draft, made)
    consent = _consent_form(request, step)
    if consent is not None and not consent.is_valid():
        return redirect_with_problems(request, consent)
    if not guest_may_open_a_visit(request):
        _not_created(request, step, "rate_limited")
        return slow_down_page(request, "visit")
    held = claim(draft.intake_id)
    if held is None:
        # A double click or a retried request: the first one is making the visit.
        made = _wait_for_first_submit(draft)
        if made:
            return _go_to_booked(request, draft, made)
        messages.info(
            request,
            _(
                "We couldn't confirm this just now. Please check your visits, or try "
                "again."
            ),
        )
        return _render(request, step, status=409)
    vsee = step.vsee()
    made_now: Visit | None = None
    try:
        # The last try's answer was lost: VSee may have made the visit then.
        visit_id = made_from_draft(vsee, draft) if draft.unconfirmed else ""
        if not visit_id and consent is not None:
            give_consent(request, step, consent.accepted())
            save_draft(request.session, draft)  # the record's id, kept with the files
        if not visit_id:
            made_now = _make_visit(request, step)
            visit_id = made_now.id
    except BaseException as exc:
        visit_id = ""
        if isinstance(exc, VSeeError) and answer_may_be_lost(exc):
            found = _ask_vsee_what_was_made(vsee, draft)
            visit_id = found or ""
            draft.unconfirmed = found is None  # unknown: the next try asks VSee first
            save_draft(request.session, draft)
        if not visit_id:
            held.delete()  # nothing is known to be made: a retry may go ahead
            if isinstance(exc, VSeeError) and not isinstance(exc, VSeeAuthExpired):
                return _not_made(request, step, exc)
            raise
    held.visit_id = visit_id
    held.save(update_fields=["visit_id"])
    audit.record(
        audit.Action.VISIT_CREATED,
        member_id=member_id(request),
        room_code=step.room.code,
        visit_id=visit_id,
        visit_kind=option,
    )
    outbox.visit_made(request, _as_made(step, visit_id, made_now), option)
    return _go_to_booked(request, draft, visit_id)


def _as_made(step: Step, visit_id: str, made_now: Visit | None) -> Visit:
    """The visit as VSee answered its making; a visit found after a lost answer is
    described from the draft (its time, its room)."""
    if made_now is not None:
        return made_now.model_copy(
            update={"room_code": made_now.room_code or step.room.code}
        )
    draft = step.draft
    return Visit.model_construct(
        id=visit_id,
        room_code=step.room.code,
        start=draft.slot_start,
        end=draft.slot_end,
        created=None,
        modified=None,
    )


def _ask_vsee_what_was_made(vsee: PatientVSee, draft: Draft) -> str | None:
    """Return the visit VSee made from the draft after all, "" if none, None if VSee
    can't say."""
    try:
        return made_from_draft(vsee, draft)
    except VSeeError as exc:
        log.warning("could not check whether the visit was made: %s", exc)
        return None


def _not_made(request: PortalRequest, step: Step, exc: VSeeError) -> HttpResponse:
    """The time went to someone else: back to the picker. VSee failed: say so, keep all."""
    option = step.option.key
    if _slot_was_taken(request, step, exc):
        log.info("slot taken before booking")
        _not_created(request, step, "slot_taken")
        return HttpResponseRedirect(f"{reverse('time', args=[step.room.code])}?taken=1")
    log.warning("visit creation failed: %s", exc)
    record_vsee_error(request, exc, room_code=step.room.code, option=option)
    return _render(request, step, vsee_down=True, status=503)


def _slot_was_taken(request: PortalRequest, step: Step, exc: VSeeError) -> bool:
    """A refused appointment is "just taken" when VSee no longer offers its time; VSee's
    words decide only when its availability can't be asked."""
    if step.option.key != "appointment" or not isinstance(exc, VSeeRejected):
        return False
    gone = slot_gone(step.vsee(), step.draft)
    return isinstance(exc, VSeeSlotTaken) if gone is None else gone


def _not_created(request: PortalRequest, step: Step, why: str) -> None:
    audit.record(
        audit.Action.VISIT_CREATED,
        outcome=audit.Outcome.FAILURE,
        member_id=member_id(request),
        room_code=step.room.code,
        visit_kind=step.option.key,
        detail=why,
    )


def _make_visit(request: PortalRequest, step: Step) -> Visit:
    vsee = step.vsee()
    draft, room_code = step.draft, step.room.code
    if draft.option == "walkin":
        return vsee.visit_add_walkin(intake_id=draft.intake_id, room_code=room_code)
    if draft.option == "econsult":
        return vsee.visit_add_econsult(intake_id=draft.intake_id, room_code=room_code)
    consultation = next(
        (
            c
            for c in step.room.consultations(step.vsee_room)
            if c.id == draft.consultation_id
        ),
        None,
    )
    if consultation is not None:
        # VSee reads the visit's type (and any fee) from the intake (beyond-the-seed §9).
        vsee.intake_update(
            draft.intake_id,
            consultation=consultation.model_dump(mode="json", exclude_none=True),
        )
    return vsee.visit_create(
        room_code=room_code,
        intake_id=draft.intake_id,
        slot_start=draft.slot_start,
        slot_end=draft.slot_end,
        provider_id=draft.provider_id or None,
    )


def _wait_for_first_submit(draft: Draft) -> str:
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while time.monotonic() < deadline:
        made = made_for(draft.intake_id)
        if made:
            return made
        if not in_flight(draft.intake_id):
            # It finished between the two reads (made), or failed and let go ("": try
            # again): ask once more which.
            return made_for(draft.intake_id)
        time.sleep(0.2)
    return ""


def _go_to_booked(request: PortalRequest, draft: Draft, visit_id: str) -> HttpResponse:
    remember_owner(request.session, [visit_id], draft.person)
    draft.visit_id = visit_id
    draft.unconfirmed = False
    save_draft(request.session, draft)
    if draft.option == "walkin" and not is_framed(request):
        # One tap: straight into VSee's waiting room. The confirmation is one Back away
        # (the review then shows it). Framed, video needs a tab of its own: the
        # confirmation's button opens it.
        return HttpResponseRedirect(reverse("join", args=[visit_id]))
    return HttpResponseRedirect(reverse("booked", args=[visit_id]))


def _consent_form(request: PortalRequest, step: Step) -> ConsentForm | None:
    """The room's consent documents still to accept, as posted; None when there are none."""
    documents = documents_to_ask(request, step)
    return consent_form_class(documents)(request.POST) if documents else None


def _consents_shown(request: PortalRequest, step: Step) -> dict[str, object]:
    documents = documents_to_ask(request, step)
    if not documents:
        return {}
    form_class = consent_form_class(documents)
    # Shown again after VSee failed on a POST: as ticked and signed, nothing lost.
    posted = form_class(request.POST) if request.method == "POST" else form_class()
    form = form_with_problems(request, form_class) or posted
    consents = [
        {
            "document": doc,
            "accept": form[f"accept_{doc.pk}"],
            "name": form[f"name_{doc.pk}"] if doc.signature else None,
        }
        for doc in documents
    ]
    return {"form": form, "consents": consents}


def _render(
    request: PortalRequest, step: Step, *, vsee_down: bool = False, status: int = 200
) -> HttpResponse:
    ctx = {
        **_consents_shown(request, step),
        "room": step.room,
        "option": step.option,
        "progress": progress(step.room, step.option.key, "done"),
        "summary": describe_draft(request, step),
        "vsee_down": vsee_down,
        "unconfirmed": step.draft.unconfirmed,
    }
    return render(request, "booking/review.html", ctx, status=status)
