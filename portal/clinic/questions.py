"""The clinic's own intake questions, sent to VSee as custom_<key> answers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from portal.clinic.rooms import Room

question_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    "Use lower-case letters, digits and '_', starting with a letter (at most 40), "
    "e.g. insurance_member_id. VSee receives it as custom_<key>.",
)


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    YES_NO = "yes_no", "Yes / no"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"


CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}


class IntakeQuestionQuerySet(models.QuerySet["IntakeQuestion"]):
    def for_patient(self, room: Room, option: str) -> IntakeQuestionQuerySet:
        """The active questions a patient answers in this room for this visit option."""
        return self.filter(
            Q(room=room) | Q(room__isnull=True),
            active=True,
            **{f"for_{option}": True},
        ).order_by("position", "pk")


class IntakeQuestion(models.Model):
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        help_text="Leave blank to ask this question in every room.",
    )
    position = models.PositiveIntegerField(
        default=0,
        db_index=True,
        help_text="Questions are asked in this order (shared and room questions together).",
    )
    key = models.CharField(
        max_length=40,
        blank=True,
        validators=[question_key_validator],
        help_text="Leave blank to make one from the question. "
        "Sent to VSee with custom_ in front (custom_allergies for allergies). "
        "Keep it once patients have answered: "
        "retire the question instead of reusing its key for something else.",
    )
    label = models.CharField(
        max_length=200, help_text="The question, as patients see it."
    )
    help_text = models.CharField(
        max_length=300, blank=True, help_text="A hint shown under the question."
    )
    kind = models.CharField(
        max_length=16, choices=QuestionKind.choices, default=QuestionKind.SHORT_TEXT
    )
    choices = models.TextField(
        blank=True,
        help_text="For single and multiple choice: one choice per line, as patients see it. "
        "In Spanish, give the same choices in the same order; VSee always receives the "
        "English choice, whichever language the patient used.",
    )
    required = models.BooleanField(default=False)
    remember = models.BooleanField(
        "remember for next time",
        default=False,
        help_text="Fill in the patient's answer from their previous visit (read from "
        "VSee, not kept by the portal), for answers that rarely change, like insurance. "
        "They see it was filled in and can change it.",
    )
    for_walkin = models.BooleanField("walk-in", default=True)
    for_appointment = models.BooleanField("appointment", default=True)
    for_econsult = models.BooleanField("e-consult", default=True)
    active = models.BooleanField(
        "asked",
        default=True,
        help_text="Untick to retire the question: patients stop seeing it, and answers "
        "already sent to VSee keep their key.",
    )

    objects = IntakeQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "key"], name="question_key_unique_in_room"
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(room__isnull=True),
                name="shared_question_key_unique",
                violation_error_message="A shared question already uses this key.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        """The choices as sent to VSee: the English ones, whatever the patient reads."""
        return list(dict(self.choice_pairs()))

    def choice_pairs(self) -> list[tuple[str, str]]:
        """(value sent to VSee, label in the patient's language) for each choice. The
        translated line at the same place labels each English choice; a translation with
        another number of lines is not used (the clean below refuses one)."""
        english = _lines(self.choices_en)
        shown = _lines(self.choices)  # the patient's language, or English
        if len(shown) != len(english):
            shown = english
        pairs: dict[str, str] = {}
        for value, label in zip(english, shown, strict=True):
            pairs.setdefault(value, label)
        return list(pairs.items())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.key and self.label_en:
            self.key = self._key_from_label()
        english = _lines(self.choices_en)
        if self.kind in CHOICE_KINDS and len(set(english)) < 2:
            errors["choices_en"] = "Give at least two choices, one per line."
        if self.kind not in CHOICE_KINDS and english:
            errors["choices_en"] = (
                "Only single and multiple choice questions have choices."
            )
        spanish = _lines(self.choices_es)
        if spanish and len(spanish) != len(english):
            errors["choices_es"] = (
                f"Give one Spanish choice for each English one, in the same order "
                f"({len(english)} in English, {len(spanish)} here)."
            )
        if not (self.for_walkin or self.for_appointment or self.for_econsult):
            errors["for_walkin"] = "Ask the question for at least one visit option."
        if self.key and self._key_clashes():
            errors["key"] = (
                "This key is already used by a shared question or one of this room's "
                "questions; both would be sent to VSee as the same field."
            )
        if errors:
            raise ValidationError(errors)

    def _key_from_label(self) -> str:
        """ "Which pharmacy do you use?" → which_pharmacy_do_you_use, made unique."""
        words = re.findall(r"[a-z0-9]+", slugify(self.label_en).replace("-", " "))
        base = "_".join(words)[:36].strip("_") or "question"
        if not base[0].isalpha():
            base = f"q_{base}"[:36]
        key, n = base, 1
        while self._key_taken(key):
            n += 1
            key = f"{base}_{n}"
        return key

    def _key_taken(self, key: str) -> bool:
        others = IntakeQuestion.objects.filter(key=key).exclude(pk=self.pk)
        if self.room_id is None and self.room is None:
            return others.exists()
        return others.filter(Q(room__isnull=True) | Q(room_id=self.room_id)).exists()

    def _key_clashes(self) -> bool:
        # Shared and per-room keys share one namespace on the intake (custom_<key>).
        others = IntakeQuestion.objects.filter(key=self.key).exclude(pk=self.pk)
        # A question added inline with a new room has room_id None but an (unsaved) room.
        if self.room_id is None and self.room is None:
            return others.filter(room__isnull=False).exists()
        return others.filter(room__isnull=True).exists()


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
