"""Emails to patients, one row per (visit, kind) in an outbox, sent by the worker.

A row holds what the email says that is not sensitive (the kind, the visit's time and
the patient's zone, the room) and the address, encrypted. Rows are deleted once sent
(or given up) and their visit is over, address and all.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    BOOKED = "booked", "Appointment booked"
    WALKIN = "walkin", "Walk-in: in the waiting room"
    ECONSULT = "econsult", "Question sent"
    RESCHEDULED = "rescheduled", "Appointment moved"
    CANCELLED = "cancelled", "Appointment cancelled"
    REMINDER = "reminder", "Reminder before an appointment"


class Notice(models.Model):
    # "<visit id>:<kind>[:<detail>]": the same email can never be queued twice.
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    visit_id = models.CharField(max_length=64, db_index=True)
    room_code = models.CharField(max_length=64, blank=True)
    starts_at = models.BigIntegerField(null=True, blank=True)  # UTC seconds
    ends_at = models.BigIntegerField(null=True, blank=True)
    made_at = models.BigIntegerField(null=True, blank=True)  # the visit's making
    changed_at = models.BigIntegerField(null=True, blank=True)  # its last change
    time_zone = models.CharField(max_length=64, blank=True)  # the patient's
    portal_url = models.CharField(max_length=300)  # where the patient signs in
    sealed_to = models.TextField()  # the address, encrypted (portal.patients.identity)
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "email to a patient"
        verbose_name_plural = "emails to patients"
        indexes = [models.Index(fields=["sent_at", "gave_up_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · visit {self.visit_id}"


class EmailSettings(models.Model):
    """One row: which emails the portal sends (admin: Emails to patients → Settings)."""

    confirmations = models.BooleanField(
        "confirmations",
        default=True,
        help_text="An email when an appointment is booked (with a calendar file), a "
        "walk-in checks in, or a question is sent.",
    )
    changes = models.BooleanField(
        "moved and cancelled",
        default=True,
        help_text="An email when an appointment is moved (the calendar event updates) "
        "or cancelled (the calendar event is removed).",
    )
    reminders = models.BooleanField(
        "reminders",
        default=True,
        help_text="Emails before an appointment, with a link to join.",
    )
    reminder_hours = models.CharField(
        "reminders, hours before",
        max_length=40,
        default="24, 1",
        help_text="Comma-separated, e.g. “24, 1”: one reminder that many hours before "
        "each appointment. A reminder whose time has passed when the visit is booked "
        "is not sent.",
    )

    class Meta:
        verbose_name = "email settings"
        verbose_name_plural = "email settings"

    def __str__(self) -> str:
        return "Email settings"

    @classmethod
    def load(cls) -> EmailSettings:
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def hours_before(self) -> list[int]:
        hours = set()
        for part in self.reminder_hours.split(","):
            part = part.strip()
            if part.isdigit() and 0 < int(part) <= 24 * 14:
                hours.add(int(part))
        return sorted(hours, reverse=True)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        parts = [p.strip() for p in self.reminder_hours.split(",") if p.strip()]
        if self.reminders and (
            not parts or any(not p.isdigit() or not 0 < int(p) <= 336 for p in parts)
        ):
            raise ValidationError(
                {
                    "reminder_hours": "Give whole hours between 1 and 336, separated "
                    "by commas, e.g. “24, 1”."
                }
            )
