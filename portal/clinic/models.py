from __future__ import annotations

from django.db import models
from django.utils import timezone

# Branding's and embedding's models live beside their helpers; importing them here registers them.
from portal.clinic.branding import Branding
from portal.clinic.changes import ClinicGeneration
from portal.clinic.consents import ConsentDocument
from portal.clinic.embedding import (
    EmbeddingSettings,
    HandoffSecret,
    PolicyViolation,
    UnlistedEmbed,
)
from portal.clinic.questions import IntakeQuestion
from portal.clinic.rooms import Room

__all__ = [
    "AuditEvent",
    "Branding",
    "ClinicGeneration",
    "EmbeddingSettings",
    "HandoffSecret",
    "ConsentDocument",
    "IntakeQuestion",
    "PolicyViolation",
    "Room",
    "UnlistedEmbed",
]


class AuditEvent(models.Model):
    """One patient action or upstream failure. Never names, birth dates, answers or file names."""

    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        INTAKE_CREATED = "intake_created", "Intake created"
        INTAKE_UPDATED = "intake_updated", "Intake updated"
        FILE_UPLOADED = "file_uploaded", "File uploaded"
        VISIT_CREATED = "visit_created", "Visit created"
        VISIT_CANCELLED = "visit_cancelled", "Visit cancelled"
        VISIT_RESCHEDULED = "visit_rescheduled", "Visit rescheduled"
        SUMMARY_DOWNLOADED = "summary_downloaded", "Summary downloaded"
        ACCESS_DENIED = "access_denied", "Access denied"
        VSEE_ERROR = "vsee_error", "VSee error"
        PATIENT_RECORD_RESET = "patient_record_reset", "Patient's sign-in record reset"
        CONSENT_GIVEN = "consent_given", "Consent given"
        EMAIL_GIVEN_UP = "email_given_up", "Email given up"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    room_code = models.CharField(max_length=64, blank=True, db_index=True)
    visit_id = models.CharField("VSee visit id", max_length=64, blank=True)
    visit_kind = models.CharField(
        max_length=16, blank=True, help_text="walk-in, appointment or e-consult"
    )
    patient_ref = models.CharField(
        "patient reference",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="A keyed hash of the VSee member id: the same patient always has the same "
        "reference, but it cannot be turned back into who they are.",
    )
    detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="Technical detail only: an error class, a status, a request id.",
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.outcome}) at {self.at:%Y-%m-%d %H:%M:%S}"
