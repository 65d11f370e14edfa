"""How a visit reads on the history page: kind and status in plain words, and what the
patient can do with it now. VSee's codes are reconstructed (beyond-the-seed §8); an
unknown code reads "Status N", never an error."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.vsee.schemas import CloseReason, Visit, VisitStatus, VisitType

KINDS = {
    VisitType.WALKIN: gettext_lazy("Video visit"),
    VisitType.APPOINTMENT: gettext_lazy("Appointment"),
    VisitType.ECONSULT: gettext_lazy("E-consult"),
}
STATUSES = {
    VisitStatus.PENDING: gettext_lazy("Waiting"),
    VisitStatus.CONFIRMED: gettext_lazy("Booked"),
    VisitStatus.IN_PROGRESS: gettext_lazy("In progress"),
    VisitStatus.COMPLETED: gettext_lazy("Completed"),
    VisitStatus.CANCELLED: gettext_lazy("Cancelled"),
}
OPEN, LIVE, DONE = VisitStatus.PENDING, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED
BOOKED, CANCELLED = VisitStatus.CONFIRMED, VisitStatus.CANCELLED
WALKIN, APPOINTMENT, ECONSULT = (
    VisitType.WALKIN,
    VisitType.APPOINTMENT,
    VisitType.ECONSULT,
)
# VSee lets a patient in about 15 minutes before an appointment (its help desk says so).
JOIN_EARLY_SECONDS = 15 * 60


def kind_name(visit: Visit) -> str:
    return str(KINDS.get(visit.type or 0, _("Visit")))


# Why a walk-in was closed, in the patient's words (reference: POST /visits/close).
WALKIN_CLOSED = {
    CloseReason.PATIENT_EXIT_ROOM: gettext_lazy("Left the waiting room"),
    CloseReason.MAX_WAITING_TIME_REACHED: gettext_lazy("Waiting time ran out"),
}


def status_name(visit: Visit) -> str:
    if visit.status is None:
        return _("Status unknown")
    if visit.type == ECONSULT and visit.status == BOOKED:
        return _("Sent")  # a new e-consult is "confirmed" in VSee's words
    if visit.type == WALKIN and visit.status == CANCELLED:
        # A walk-in ends "cancelled" only by leaving the queue or waiting too long.
        reason = (visit.model_extra or {}).get("close_reason")
        return str(
            WALKIN_CLOSED.get(str(reason), WALKIN_CLOSED[CloseReason.PATIENT_EXIT_ROOM])
        )
    if visit.status in STATUSES:
        return str(STATUSES[visit.status])
    return _("Status %(code)s") % {"code": visit.status}


def is_upcoming(visit: Visit, now: int) -> bool:
    return (
        visit.type == APPOINTMENT
        and visit.status in (OPEN, BOOKED)
        and bool(visit.start)
        and (visit.end or visit.start) > now
    )


def awaits_reply(visit: Visit) -> bool:
    """A question sent and not yet answered (the provider's reply completes it)."""
    return visit.type == ECONSULT and visit.status in (OPEN, BOOKED, LIVE)


def can_join(visit: Visit, now: int, *, in_progress: bool = False) -> bool:
    """An appointment from shortly before its start until its end, or a visit under way."""
    if in_progress:
        return visit.status not in (DONE, CANCELLED)
    if visit.type == WALKIN:
        return visit.status in (OPEN, LIVE)
    if (
        visit.type == APPOINTMENT
        and visit.status in (OPEN, BOOKED, LIVE)
        and visit.start
    ):
        return visit.start - JOIN_EARLY_SECONDS <= now <= (visit.end or visit.start)
    return False


def join_opens(visit: Visit, now: int) -> int | None:
    """When an appointment not yet open to join will be, or None."""
    if (
        visit.type == APPOINTMENT
        and visit.status in (OPEN, BOOKED)
        and visit.start
        and now < visit.start - JOIN_EARLY_SECONDS
    ):
        return visit.start - JOIN_EARLY_SECONDS
    return None


def can_change(visit: Visit, now: int) -> bool:
    """Cancel or reschedule: appointments that have not started."""
    return is_upcoming(visit, now) and (visit.start or 0) > now


def can_leave(visit: Visit) -> bool:
    """A walk-in still in the queue: the patient may leave it."""
    return visit.type == WALKIN and visit.status == OPEN


def has_summary(visit: Visit) -> bool:
    return visit.status == DONE


@dataclass(frozen=True)
class HistoryRow:
    visit: Visit
    kind: str
    status: str
    when: str
    provider: str
    join: bool
    change: bool
    summary: bool
    leave: bool = False
    person: str = ""  # the first name of the person in care it is for; "" the patient's
    join_from: str = ""  # an appointment not yet open: when Join will be there
