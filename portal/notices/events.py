"""What the worker does with VSee's webhook events: keep reminders in step with the visit
(moved, cancelled or ended in VSee) and tell the patient what the clinic did.

Only visits the portal has queued emails for are acted on: their rows hold the address.
Every email queued here has the same key as the one the portal's own action would queue,
so a change made in the portal and echoed by VSee's webhook is told once.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from portal.notices.models import EmailSettings, Kind, Notice, WebhookEvent
from portal.notices.outbox import drop_reminders, reminders_due

log = logging.getLogger(__name__)

CANCELLED, COMPLETED = 40, 30  # VSee's visit statuses
APPOINTMENT_KINDS = [Kind.BOOKED, Kind.RESCHEDULED, Kind.REMINDER]
BATCH = 50


def process_events(batch: int = BATCH) -> int:
    """Act on the events not yet acted on; return how many."""
    done = 0
    waiting = WebhookEvent.objects.filter(processed_at=None).order_by("pk")
    for pk in list(waiting.values_list("pk", flat=True)[:batch]):
        try:
            with transaction.atomic():
                # Taken by one worker only; if acting on it fails, it waits for the next.
                if not WebhookEvent.objects.filter(pk=pk, processed_at=None).update(
                    processed_at=timezone.now()
                ):
                    continue
                act_on(WebhookEvent.objects.get(pk=pk))
        except DatabaseError:
            log.exception("webhook event %s: not acted on; trying again later", pk)
            continue
        done += 1
    return done


def act_on(event: WebhookEvent) -> None:
    last = _last_row(event.visit_id)
    if last is None:
        return  # not a visit the portal emails about
    if event.type == "visit.note.signed_and_sent":
        asked = Notice.objects.filter(visit_id=event.visit_id, kind=Kind.ECONSULT)
        if asked.exists() and EmailSettings.load().sends(Kind.REPLY):
            _queue_like(last, Kind.REPLY, f"{event.visit_id}:reply:{event.note_id}")
        return
    appointment = Notice.objects.filter(
        visit_id=event.visit_id, kind__in=APPOINTMENT_KINDS
    ).exists()
    if not (event.type.startswith("visit.") and appointment):
        return  # only an appointment has reminders to keep in step, or a time to move
    if event.status == CANCELLED:
        drop_reminders(event.visit_id)
        if EmailSettings.load().sends(Kind.CLINIC_CANCELLED):
            _queue_like(last, Kind.CLINIC_CANCELLED, f"{event.visit_id}:cancelled")
    elif event.status == COMPLETED or event.type == "visit.ended":
        drop_reminders(event.visit_id)
    elif event.starts_at and last.starts_at and event.starts_at != last.starts_at:
        _moved(last, event)


def _moved(last: Notice, event: WebhookEvent) -> None:
    """The clinic moved the appointment in VSee: the reminders follow it."""
    drop_reminders(event.visit_id)
    chosen = EmailSettings.load()
    moved = {"starts_at": event.starts_at, "ends_at": event.ends_at or last.ends_at}
    changed = max(int(timezone.now().timestamp()), (last.changed_at or 0) + 1)
    if chosen.sends(Kind.RESCHEDULED):
        key = f"{event.visit_id}:{Kind.RESCHEDULED}:{event.starts_at}"
        _queue_like(last, Kind.RESCHEDULED, key, changed_at=changed, **moved)
    for key, due in reminders_due(event.visit_id, event.starts_at, chosen):
        _queue_like(last, Kind.REMINDER, key, due_at=due, **moved)


def _last_row(visit_id: str) -> Notice | None:
    if not visit_id:
        return None
    return (
        Notice.objects.filter(visit_id=visit_id)
        .exclude(sealed_to="")
        .order_by("-created")
        .first()
    )


def _queue_like(last: Notice, kind: str, key: str, **changes: object) -> None:
    fields = {
        field: getattr(last, field)
        for field in (
            "visit_id",
            "room_code",
            "starts_at",
            "ends_at",
            "made_at",
            "changed_at",
            "time_zone",
            "language",
            "portal_url",
            "sealed_to",
        )
    }
    fields.update(key=key, kind=kind, due_at=timezone.now())
    fields.update(changes)
    try:
        with transaction.atomic():
            Notice.objects.create(**fields)
    except IntegrityError:
        pass  # told already: by the portal's own action, or an earlier event
