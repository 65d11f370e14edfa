"""Queue the emails a patient's action calls for; the worker (sending.py) sends them.

Each email is a row keyed by visit and kind, so a retried request or a double click
queues nothing twice. Only patients who signed in with an email address get emails
(guests and hand-offs without one do not), and only the kinds admin has switched on.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from portal.booking.timezones import chosen_time_zone
from portal.http import PortalRequest
from portal.notices.models import EmailSettings, Kind, Notice
from portal.patients.identity import seal
from portal.patients.signin import CONTACT_KEY
from portal.vsee.schemas import Visit

CONFIRMATION_KIND = {
    "appointment": Kind.BOOKED,
    "walkin": Kind.WALKIN,
    "econsult": Kind.ECONSULT,
}


def _address(request: PortalRequest) -> str:
    if not settings.PORTAL_SENDS_EMAILS:
        return ""
    return request.session.get(CONTACT_KEY) or ""


def _queue(
    request: PortalRequest,
    key: str,
    kind: str,
    visit: Visit,
    *,
    to: str,
    due_at: datetime | None = None,
    changed_at: int | None = None,
) -> None:
    fields = {
        "key": key,
        "kind": kind,
        "visit_id": str(visit.id),
        "room_code": visit.room_code or "",
        "starts_at": visit.start,
        "ends_at": visit.end,
        "made_at": visit.created,
        "changed_at": changed_at or visit.modified,
        # The zone the patient's browser gave, or none: the clinic's is used then.
        "time_zone": chosen_time_zone(request.session) or "",
        "portal_url": request.build_absolute_uri("/"),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "sealed_to": seal({"to": to}),
        "due_at": due_at or timezone.now(),
    }
    try:
        with transaction.atomic():
            Notice.objects.create(**fields)
    except IntegrityError:
        pass  # queued already: by a retried request, or the other tab


def reminders_due(
    visit_id: str, starts_at: int | None, chosen: EmailSettings
) -> list[tuple[str, datetime]]:
    """The reminders to queue for a visit starting then, as (key, due), those still
    ahead; the key names the start, so a moved visit's reminders are new ones."""
    if not (chosen.sends(Kind.REMINDER) and starts_at):
        return []
    now = time.time()
    return [
        (
            f"{visit_id}:reminder:{hours}:{starts_at}",
            datetime.fromtimestamp(starts_at - hours * 3600, tz=UTC),
        )
        for hours in chosen.hours_before
        if starts_at - hours * 3600 > now
    ]


def _reminders(
    request: PortalRequest, visit: Visit, to: str, chosen: EmailSettings
) -> None:
    for key, due in reminders_due(str(visit.id), visit.start, chosen):
        _queue(request, key, Kind.REMINDER, visit, to=to, due_at=due)


def drop_reminders(visit_id: str) -> None:
    Notice.objects.filter(visit_id=visit_id, kind=Kind.REMINDER, sent_at=None).delete()


def visit_made(request: PortalRequest, visit: Visit, option: str) -> None:
    """A visit was booked through the portal: its confirmation, and any reminders."""
    to = _address(request)
    if not to:
        return
    chosen = EmailSettings.load()
    kind = CONFIRMATION_KIND[option]
    if chosen.sends(kind):
        _queue(request, f"{visit.id}:{kind}", kind, visit, to=to)
    if option == "appointment":
        _reminders(request, visit, to, chosen)


def visit_moved(request: PortalRequest, visit: Visit) -> None:
    """An appointment moved: the reminders follow it, and the patient is told."""
    drop_reminders(str(visit.id))
    to = _address(request)
    if not to:
        return
    chosen = EmailSettings.load()
    changed = _later_than(visit)
    if chosen.sends(Kind.RESCHEDULED):
        key = f"{visit.id}:{Kind.RESCHEDULED}:{visit.start}"
        _queue(request, key, Kind.RESCHEDULED, visit, to=to, changed_at=changed)
    _reminders(request, visit, to, chosen)


def visit_cancelled(request: PortalRequest, visit: Visit) -> None:
    """An appointment was cancelled: no more reminders, and the calendar event goes."""
    drop_reminders(str(visit.id))
    to = _address(request)
    if not to or not EmailSettings.load().sends(Kind.CANCELLED):
        return
    key = f"{visit.id}:{Kind.CANCELLED}"
    _queue(request, key, Kind.CANCELLED, visit, to=to, changed_at=_later_than(visit))


def _later_than(visit: Visit) -> int:
    """Now, as a revision time later than any the patient's calendar has for the visit
    (its .ics SEQUENCE must grow, even within VSee's second)."""
    return max(int(time.time()), (visit.modified or visit.created or 0) + 1)


# Sent or given up, and the visit over: the row and its address go. An appointment is
# over an hour after its start; a walk-in at once; a question when its reply is told,
# or after QUESTION_KEPT without one.
DONE_KEPT = timedelta(hours=1)
QUESTION_KEPT = timedelta(days=30)
QUESTIONS = [Kind.ECONSULT, Kind.REPLY]


def sweep_done() -> int:
    """Delete what was sent (or given up) once its visit is over; return how many."""
    now = timezone.now()
    over = int(now.timestamp() - DONE_KEPT.total_seconds())
    finished = Notice.objects.exclude(sent_at=None, gave_up_at=None)
    replied = finished.filter(kind=Kind.REPLY).values_list("visit_id", flat=True)
    over_now = (
        Q(kind=Kind.WALKIN)
        | (~Q(kind__in=QUESTIONS) & (Q(starts_at=None) | Q(starts_at__lt=over)))
        | (Q(kind__in=QUESTIONS) & Q(created__lt=now - QUESTION_KEPT))
        | Q(visit_id__in=list(replied))
    )
    gone, _ = finished.filter(over_now).delete()
    return gone
