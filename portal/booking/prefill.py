"""A returning patient's stable answers, filled in from their previous visit.

State, phone, and the clinic's questions marked "remember for next time" are read from
the intake of the person's most recent visit in VSee, not kept by the portal. They go
into the draft like anything typed, and the form says which were filled in.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from portal.booking.draft import Draft, save_draft
from portal.booking.flow import Step
from portal.clinic.questions import IntakeQuestion, QuestionKind
from portal.http import PortalRequest
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.schemas import Intake
from portal.vsee.service import current_patient

log = logging.getLogger(__name__)

STABLE_BUILT_INS = ("location", "phone")


def fill_in_from_last_visit(
    request: PortalRequest, step: Step, field_names: list[str]
) -> None:
    """Once per draft and person: fill the empty remembered fields from the last intake."""
    draft = step.draft
    if draft.prefill_checked:
        return
    draft.prefill_checked = True
    patient = current_patient(request.session)
    if patient is not None and not patient.is_guest:
        try:
            found = _last_answers(step, field_names)
        except VSeeAuthExpired:
            raise
        except VSeeError as exc:  # a nicety: the patient types them instead
            log.info("prefill: no previous answers: %s", type(exc).__name__)
            found = {}
        empty = {
            k: v for k, v in found.items() if draft.answers.get(k) in (None, "", [])
        }
        draft.answers.update(empty)
        draft.prefilled = empty
    save_draft(request.session, draft)


def forget_prefill(draft: Draft) -> bool:
    """The visit is now for someone else: drop what was filled in for the one before and
    still stands as it was; return whether anything was dropped."""
    dropped = False
    for name, value in draft.prefilled.items():
        if draft.answers.get(name) == value:
            draft.answers.pop(name, None)
            dropped = True
    draft.prefilled, draft.prefill_checked = {}, False
    return dropped


def prefilled_labels(step: Step, form_fields: dict[str, Any]) -> list[str]:
    """The labels of the fields still showing what was filled in."""
    draft = step.draft
    return [
        str(form_fields[name].label)
        for name, value in draft.prefilled.items()
        if name in form_fields and draft.answers.get(name) == value
    ]


def _last_answers(step: Step, field_names: list[str]) -> dict[str, Any]:
    intake = _last_intake(step)
    if intake is None:
        return {}
    remembered = {
        f"custom_{q.key}": q
        for q in IntakeQuestion.objects.for_patient(step.room, step.option.key)
        if q.remember
    }
    answers: dict[str, Any] = {}
    for name in STABLE_BUILT_INS:
        value = getattr(intake, name, None)
        if name in field_names and value:
            answers[name] = str(value)
    custom = intake.custom_answers
    for name, question in remembered.items():
        if name in field_names and question.key in custom:
            value = _as_posted(question, custom[question.key])
            if value not in (None, "", []):
                answers[name] = value
    return answers


def _last_intake(step: Step) -> Intake | None:
    """The intake of the person's most recent visit that has one."""
    visits = step.vsee().visit_list()
    with_intake = [v for v in visits if v.intake is not None]
    if not with_intake:
        return None
    latest = max(with_intake, key=lambda v: v.created or v.start or 0)
    return latest.intake


def _as_posted(question: IntakeQuestion, value: Any) -> Any:
    """An answer as VSee keeps it, back in the form's terms (the reverse of what the
    intake form sends)."""
    if question.kind == QuestionKind.YES_NO:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return {"1": "yes", "true": "yes", "0": "no", "false": "no"}.get(
            str(value).lower(), ""
        )
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return [str(v) for v in value] if isinstance(value, list) else []
    if question.kind == QuestionKind.DATE:
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            return ""
    return str(value)
