"""Consent documents a room asks patients to accept before a visit is made."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from portal.clinic.rooms import Room


class ConsentDocumentQuerySet(models.QuerySet["ConsentDocument"]):
    def for_patient(self, room: Room, option: str) -> ConsentDocumentQuerySet:
        """The documents a patient is asked to accept in this room for this option."""
        return self.filter(room=room, active=True, **{f"for_{option}": True})


class ConsentDocument(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="consents")
    position = models.PositiveIntegerField(
        default=0, help_text="Documents are shown in this order."
    )
    title = models.CharField(
        max_length=120,
        help_text="As patients see it, e.g. “Consent to telehealth”. Also the title of "
        "the signed record sent to VSee.",
    )
    text = models.TextField(
        help_text="The whole document. Patients can read it before accepting; blank "
        "lines start new paragraphs."
    )
    version = models.CharField(
        max_length=20,
        default="1",
        help_text="Change it when the text changes: every patient is asked again. "
        "A patient who accepted this version is not asked again.",
    )
    required = models.BooleanField(
        default=True,
        help_text="Patients must accept it to book. Untick for a document they may "
        "decline (for example, consent to be contacted for research).",
    )
    signature = models.BooleanField(
        "ask for a signature",
        default=False,
        help_text="Patients also type their full name as their signature; it goes into "
        "the signed record sent to VSee, and is not kept by the portal.",
    )
    for_walkin = models.BooleanField("walk-in", default=True)
    for_appointment = models.BooleanField("appointment", default=True)
    for_econsult = models.BooleanField("e-consult", default=True)
    active = models.BooleanField(
        "asked", default=True, help_text="Untick to stop asking for it."
    )

    objects = ConsentDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "consent document"

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def clean(self) -> None:
        if not (self.for_walkin or self.for_appointment or self.for_econsult):
            raise ValidationError(
                {"for_walkin": "Ask for it for at least one visit option."}
            )
