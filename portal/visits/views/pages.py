"""The visit history and one visit's details."""

from __future__ import annotations

import datetime
import logging
import time

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.booking.summary import format_when
from portal.booking.timezones import clinic_time_zone, patient_time_zone
from portal.clinic.questions import IntakeQuestion, QuestionKind
from portal.http import PortalRequest
from portal.patients.decorators import patient_required, sign_in_url
from portal.patients.family import (
    ME,
    Person,
    owner_of,
    people_in_care,
    person,
    remember_owner,
    vsee_for,
)
from portal.visits.access import own_merged_visit_or_404
from portal.visits.history import build_history, row_for
from portal.visits.notes import clean_note
from portal.visits.related import merge_related, merged
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.schemas import Visit
from portal.vsee.service import PatientVSee, current_patient
from portal.vsee.together import together

log = logging.getLogger(__name__)

PAST_PAGE = 10
PAST_MAX = 500


def _past_limit(raw: str | None) -> int:
    """`?past=` from the "show more" link; anything odd is the first page."""
    try:
        value = int(raw or PAST_PAGE)
    except ValueError:
        return PAST_PAGE
    return min(max(value, PAST_PAGE), PAST_MAX)


@patient_required
@require_GET
def history(request: PortalRequest) -> HttpResponse:
    if current_patient(request.session).is_guest:
        ctx = {"sign_in_url": sign_in_url("/visits/")}
        return render(request, "visits/guest.html", ctx)
    people = people_in_care(request.session)
    shown, unknown_person = _whose(request.GET.get("person"), people)
    visits: list[Visit] = []
    current: Visit | None = None
    names: dict[str, str] = {}
    unreadable, not_loaded = 0, []

    def failed(who: Person, exc: VSeeError) -> None:
        if isinstance(exc, VSeeAuthExpired) or who.is_me:
            raise exc  # the patient's own visits: the "try again" page
        log.warning("history: a person's visits failed: %s", type(exc).__name__)
        not_loaded.append(who.first_name)

    asking: list[tuple[Person, PatientVSee]] = []
    for who in shown:
        try:
            asking.append((who, vsee_for(request.session, who.key)))
        except VSeeError as exc:
            failed(who, exc)
    # Everyone's list and visit in progress at once: the page waits for the slowest.
    answers = together(
        *(call for _, vsee in asking for call in (vsee.visit_list, vsee.visit_current))
    )
    for (who, _vsee), listed_said, current_said in zip(
        asking, answers[::2], answers[1::2], strict=True
    ):
        try:
            listed = listed_said.get()
            now_on = _as_known(current_said.get(), listed)
        except VSeeError as exc:
            failed(who, exc)
            continue
        mine = merge_related(listed)
        ids = [v.id for v in listed] + ([now_on.id] if now_on else [])
        remember_owner(request.session, ids, who.key)
        if not who.is_me:
            names.update(dict.fromkeys(ids, who.first_name))
        visits += mine
        current = current or now_on
        unreadable += listed.skipped
    clinic_zone = clinic_time_zone()
    zone = patient_time_zone(request, clinic_zone)
    limit = _past_limit(request.GET.get("past"))
    chosen = request.GET.get("person", "") if not unknown_person else ""
    ctx = {
        "history": build_history(visits, current, zone, int(time.time()), limit, names),
        "zone": zone,
        "clinic_zone": clinic_zone,
        "next_past": limit + PAST_PAGE,
        "unreadable": unreadable,
        "people": people,
        "chosen": chosen,
        "person_query": f"person={chosen}&" if chosen else "",
        "unknown_person": unknown_person,
        "not_loaded": not_loaded,
    }
    return render(request, "visits/history.html", ctx)


def _whose(asked: str | None, people: list[Person]) -> tuple[list[Person], bool]:
    """Whose visits `?person=` asks for (everyone's when absent), and whether it named
    someone not on the list (then everyone's, with a note)."""
    me = Person(ME, "")
    everyone = [me, *people]
    if not asked:
        return everyone, False
    if asked == "me":
        return [me], False
    found = [p for p in people if p.key == asked]
    return (found, False) if found else (everyone, True)


def _as_known(current: Visit | None, listed: list[Visit]) -> Visit | None:
    """The visit in progress as the patient knows it: a started appointment's walk-in is
    that appointment."""
    if current is None or not current.related_appointment_id:
        return current
    appointment = next(
        (v for v in listed if v.id == str(current.related_appointment_id)), None
    )
    return merged(appointment, current) if appointment else current


@patient_required
@require_GET
def detail(request: PortalRequest, visit_id: str) -> HttpResponse:
    visit = own_merged_visit_or_404(request, visit_id)
    clinic_zone = clinic_time_zone()
    zone = patient_time_zone(request, clinic_zone)
    now = int(time.time())
    owner = owner_of(request.session, visit.id) or ME
    for_person = person(request.session, owner) if owner != ME else None
    intake = visit.intake
    notes = visit.postvisit
    ctx = {
        "row": row_for(
            visit, zone, now, person=for_person.first_name if for_person else ""
        ),
        "visit": visit,
        "zone": zone,
        "clinic_zone": clinic_zone,
        "ends": format_when(visit.end, zone) if visit.end else "",
        "reason": intake.reason_for_visit if intake else "",
        "answers": _answers(intake.custom_answers if intake else {}),
        "attachments": [a.name or _("Attached file") for a in intake.attachments]
        if intake
        else [],
        "notes": [
            (title, clean_note(getattr(notes, field)))
            for field, title in NOTE_FIELDS
            if notes and not notes.draft and getattr(notes, field)
        ],
        "prescriptions": [_prescription(p) for p in visit.prescriptions],
    }
    return render(request, "visits/detail.html", ctx)


NOTE_FIELDS = [
    ("assessment_plan", gettext_lazy("Assessment and plan")),
    ("diagnosis", gettext_lazy("Diagnosis")),
    ("patient_instructions", gettext_lazy("Instructions for you")),
]


def _answers(custom: dict[str, object]) -> list[tuple[str, str]]:
    """The patient's answers as they gave them, labelled with the question as asked
    (retired ones too): Yes or No, dates in words, several choices as a list."""
    questions = {q.key: q for q in IntakeQuestion.objects.all()}
    answers = []
    for key, value in custom.items():
        if value in (None, "", []):
            continue
        question = questions.get(key)
        label = question.label if question else key.replace("_", " ").capitalize()
        answers.append((label, as_given(value, question.kind if question else "")))
    return answers


def as_given(value: object, kind: str) -> str:
    """An answer as VSee keeps it, in the words the patient chose it in."""
    if isinstance(value, bool) or kind == QuestionKind.YES_NO:
        yes = value is True or str(value).lower() in ("yes", "true", "1")
        return _("Yes") if yes else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == QuestionKind.DATE:
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return _("%(month)s %(day)s, %(year)s") % {
            "month": MONTHS[day.month],
            "day": day.day,
            "year": day.year,
        }
    return str(value)


def _prescription(raw: dict) -> dict[str, str]:
    """A prescription in VSee's (DoseSpot-like) shape: Drug, Directions, Qty, Refills."""
    name = raw.get("Drug") or raw.get("drug") or raw.get("name") or _("Prescription")
    quantity = " ".join(str(raw[k]) for k in ("Qty", "QtyQual") if raw.get(k))
    refills = raw.get("Refills")
    parts = [
        str(raw.get("Directions") or ""),
        _("Quantity %(quantity)s") % {"quantity": quantity} if quantity else "",
        _("Refills %(refills)s") % {"refills": refills}
        if refills not in (None, "")
        else "",
        str(raw.get("PrescriberName") or ""),
    ]
    return {"name": str(name), "detail": " · ".join(p for p in parts if p)}
