"""Emails to patients, one row per (visit, kind) in an outbox, sent by the worker.

A row holds what the email says that is not sensitive (the kind, the visit's time and
the patient's zone, the room) and the address, encrypted. Rows are deleted once sent
(or given up) and their visit is over, address and all.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class Kind(models.TextChoices):
    BOOKED = "booked", "Appointment booked"
    WALKIN = "walkin", "Walk-in: in the waiting room"
    ECONSULT = "econsult", "Question sent"
    RESCHEDULED = "rescheduled", "Appointment moved"
    CANCELLED = "cancelled", "Appointment cancelled"
    REMINDER = "reminder", "Reminder before an appointment"
    CLINIC_CANCELLED = "clinic_cancelled", "Appointment cancelled by the clinic"
    REPLY = "reply", "A reply to a question"


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
    language = models.CharField(
        max_length=8, default="en"
    )  # the patient's, as they booked
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

    booked = models.BooleanField(
        "appointment booked",
        default=True,
        help_text="With a calendar file that adds it to the patient's calendar.",
    )
    walkin = models.BooleanField(
        "walk-in checked in",
        default=True,
        help_text="Says how to get back to the waiting room.",
    )
    econsult = models.BooleanField("question sent", default=True)
    rescheduled = models.BooleanField(
        "appointment moved",
        default=True,
        help_text="In the portal, or by the clinic in VSee (with webhooks). The calendar "
        "file updates the saved event.",
    )
    cancelled = models.BooleanField(
        "appointment cancelled",
        default=True,
        help_text="By the patient in the portal, or by the clinic in VSee (with "
        "webhooks). The calendar file removes the event.",
    )
    reminders = models.BooleanField(
        "reminders",
        default=True,
        help_text="Emails before an appointment, with a link to join.",
    )
    replies = models.BooleanField(
        "reply to a question",
        default=True,
        help_text="When the provider signs and sends the note of an e-consult (needs "
        "VSee's webhooks). It says only that there is a reply: the patient reads it in "
        "the portal after signing in.",
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

    def sends(self, kind: str) -> bool:
        """Whether admin has this kind of email switched on."""
        switch = {
            Kind.BOOKED: self.booked,
            Kind.WALKIN: self.walkin,
            Kind.ECONSULT: self.econsult,
            Kind.RESCHEDULED: self.rescheduled,
            Kind.CANCELLED: self.cancelled,
            Kind.CLINIC_CANCELLED: self.cancelled,
            Kind.REMINDER: self.reminders,
            Kind.REPLY: self.replies,
        }
        return switch[Kind(kind)]

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


class WebhookSecret(models.Model):
    """The secret part of the address VSee posts its webhooks to (VSee signs nothing, so
    the address is the credential). Only a hash is kept: the address is shown once."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook address"

    def __str__(self) -> str:
        state = "retired" if self.retired_at else "current"
        return f"Webhook address {self.digest[:8]} ({state})"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def rotate(cls) -> str:
        """Make a new current secret, retire the old one, and return the new one (once)."""
        raw = secrets.token_urlsafe(32)
        with transaction.atomic():
            cls.objects.filter(retired_at=None).update(retired_at=timezone.now())
            cls.objects.create(digest=cls.digest_of(raw))
        return raw

    @classmethod
    def accepts(cls, secret: str) -> bool:
        """The current secret, or a retired one still in its grace period."""
        since = timezone.now() - timedelta(hours=settings.HANDOFF_SECRET_GRACE_HOURS)
        return cls.objects.filter(
            models.Q(retired_at=None) | models.Q(retired_at__gt=since),
            digest=cls.digest_of(secret),
        ).exists()


class WebhookSettings(models.Model):
    """One row: where VSee's webhooks may come from."""

    allowed_sources = models.TextField(
        "allowed source addresses",
        blank=True,
        help_text="VSee's addresses, one per line (an IP address or a network such as "
        "203.0.113.0/24). Blank: any source with the address's secret is accepted.",
    )

    class Meta:
        verbose_name = "VSee webhooks"
        verbose_name_plural = "VSee webhooks"

    def __str__(self) -> str:
        return "VSee webhooks"

    @classmethod
    def load(cls) -> WebhookSettings:
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        found = []
        for line in self.allowed_sources.splitlines():
            try:
                found.append(ipaddress.ip_network(line.strip(), strict=False))
            except ValueError:
                continue
        return found

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        for line in self.allowed_sources.splitlines():
            if line.strip():
                try:
                    ipaddress.ip_network(line.strip(), strict=False)
                except ValueError:
                    raise ValidationError(
                        {
                            "allowed_sources": f"“{line.strip()}” is not an IP address "
                            "or network (e.g. 203.0.113.7 or 203.0.113.0/24)."
                        }
                    ) from None

    def allows(self, address: str) -> bool:
        networks = self.networks
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)


class WebhookEvent(models.Model):
    """One event from VSee, kept by its id so a replay changes nothing; the worker acts
    on it. Only ids, statuses and times: VSee's payloads carry no names."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=64)
    visit_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.IntegerField(null=True, blank=True)
    starts_at = models.BigIntegerField(null=True, blank=True)
    ends_at = models.BigIntegerField(null=True, blank=True)
    note_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "webhook event"

    def __str__(self) -> str:
        return f"{self.type} · visit {self.visit_id}"
