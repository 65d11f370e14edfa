"""What the review and confirmation pages say about a visit, in the patient's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.booking.flow import Step
from portal.booking.picker.page import provider_names
from portal.booking.picker.slots import time_label
from portal.booking.timezones import patient_time_zone
from portal.http import PortalRequest
from portal.patients.family import person

KIND_NAMES = {
    1: gettext_lazy("Video visit now"),
    2: gettext_lazy("Video appointment"),
    3: gettext_lazy("Question for a provider"),
}


def _local(timestamp: int, zone: str) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC).astimezone(ZoneInfo(zone))


def format_time(timestamp: int | None, zone: str) -> str:
    """E.g. "10:45 AM EST" — the time of day alone, as the picker shows it, and its zone."""
    if not timestamp:
        return ""
    local = _local(timestamp, zone)
    return f"{time_label(local)} {local:%Z}"


def format_when(timestamp: int | None, zone: str) -> str:
    """E.g. "Tuesday, December 1, 2026 at 9:30 AM EST"."""
    if not timestamp:
        return ""
    local = _local(timestamp, zone)
    return _("%(weekday)s, %(month)s %(day)s, %(year)s at %(time)s") % {
        "weekday": WEEKDAYS[local.weekday()],
        "month": MONTHS[local.month],
        "day": local.day,
        "year": local.year,
        "time": format_time(timestamp, zone),
    }


@dataclass(frozen=True)
class When:
    patient: str  # in the patient's zone
    clinic: str  # in the clinic's zone, when it differs
    patient_zone: str
    clinic_zone: str


def when(timestamp: int | None, patient_zone: str, clinic_zone: str) -> When | None:
    if not timestamp:
        return None
    mine = format_when(timestamp, patient_zone)
    theirs = format_when(timestamp, clinic_zone)
    return When(
        patient=mine,
        clinic=theirs if theirs != mine else "",
        patient_zone=patient_zone,
        clinic_zone=clinic_zone,
    )


def describe_draft(request: PortalRequest, step: Step) -> dict:
    """The review page's summary of what is about to be made."""
    draft = step.draft
    consultation = next(
        (
            c
            for c in step.room.consultations(step.vsee_room)
            if c.id == draft.consultation_id
        ),
        None,
    )
    clinic_zone = step.room.time_zone_for(step.vsee_room)
    for_person = person(request.session, draft.person) if draft.person else None
    return {
        "for": for_person.first_name if for_person else "",
        # Named when the patient chose one (names are cached; none when VSee can't say).
        "provider": provider_names(step.room.code).get(draft.provider_id, "")
        if draft.provider_id
        else "",
        "reason": draft.answers.get("reason_for_visit", ""),
        "file_count": len(draft.file_ids),
        "consultation": consultation,
        "consultation_name": step.room.consultation_name(consultation)
        if consultation
        else "",
        "when": when(
            draft.slot_start, patient_time_zone(request, clinic_zone), clinic_zone
        ),
    }
