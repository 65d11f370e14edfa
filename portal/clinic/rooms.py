"""A room the portal offers: a VSee room code plus what the clinic chose to offer in it."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils.translation import get_language, gettext_noop

from portal.vsee.schemas import Consultation
from portal.vsee.schemas import Room as VSeeRoom


class VisitOption(models.TextChoices):
    WALKIN = "walkin", "See a doctor now (walk-in)"
    APPOINTMENT = "appointment", "Book a time (appointment)"
    ECONSULT = "econsult", "Send a question (e-consult)"


class FieldMode(models.TextChoices):
    HIDDEN = "hidden", "Not asked"
    OPTIONAL = "optional", "Asked, optional"
    REQUIRED = "required", "Asked, required"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF document"
    JPEG = "jpeg", "JPEG photo"
    PNG = "png", "PNG image"
    HEIC = "heic", "HEIC photo (iPhone)"


DEFAULT_ATTACHMENT_KINDS = ["pdf", "jpeg", "png", "heic"]

room_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
    "A VSee room code: letters, digits, '-' and '_' (as in the room's VSee link).",
)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [("", "Use the room's VSee time zone"), *((n, n) for n in names)]


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class RoomQuerySet(models.QuerySet["Room"]):
    def offered(self) -> RoomQuerySet:
        return self.filter(active=True)


class Room(models.Model):
    """What the portal offers in one VSee room. VSee stays the source of what the room is."""

    code = models.CharField(
        "VSee room code",
        max_length=64,
        unique=True,
        validators=[room_code_validator],
        help_text="The room's code in VSee Clinic. Checked against VSee when you save. "
        "The link that opens this room directly is shown below it.",
    )
    display_name = models.CharField(
        max_length=120,
        help_text="What patients see, e.g. “Urgent care” or “Dermatology”.",
    )
    active = models.BooleanField(
        default=True,
        help_text="Untick to hide the room from patients without losing its settings.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Rooms are listed to patients in this order."
    )
    offers_walkin = models.BooleanField(
        "See a doctor now (walk-in)",
        default=True,
        help_text="Patients join a video waiting room for the next free provider.",
    )
    offers_appointment = models.BooleanField(
        "Book a time (appointment)",
        default=True,
        help_text="Patients pick a day and time from the providers' availability.",
    )
    offers_econsult = models.BooleanField(
        "Send a question (e-consult)",
        default=True,
        help_text="Patients send their intake; a provider replies later.",
    )
    consultation_ids = models.JSONField(
        "consultation types",
        default=list,
        blank=True,
        help_text="The room's VSee consultation types patients may book. "
        "Leave all unticked to offer every type VSee lists for the room.",
    )
    # VSee names a consultation type in one language: {consultation id: {"es": name}}.
    consultation_names = models.JSONField(
        "consultation types' names in other languages",
        default=dict,
        blank=True,
        help_text="What patients reading another language see for each consultation "
        "type. Left blank, they see VSee's own name.",
    )
    allow_guests = models.BooleanField(
        "allow guest walk-ins",
        default=False,
        help_text="Patients may start a walk-in or e-consult with just their name and "
        "date of birth. Guests have no visit history. VSee must allow guests too.",
    )
    allow_family = models.BooleanField(
        "patients may book for people in their care",
        default=True,
        help_text="A signed-in patient may start a visit for a child, parent or partner "
        "in their care, who gets their own VSee patient record.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="The clinic's time zone for this room, shown beside the patient's own "
        "on appointment times. Blank uses the time zone set on the room in VSee.",
    )
    welcome_text = models.TextField(
        blank=True,
        help_text="A short greeting shown at the top of the room's page.",
    )
    emergency_notice = models.CharField(
        max_length=300,
        blank=True,
        # Marked for the catalogue: a new room's Spanish text starts as its translation.
        default=gettext_noop("If this is an emergency, call 911."),
        help_text="Shown prominently on the room's page and the intake form, and at the "
        "foot of every page of a visit. Blank: only the foot of the page, saying “If this is an emergency, call 911.”",
    )
    closed_message = models.TextField(
        blank=True,
        default=gettext_noop(
            "We're closed right now. You can still book a time or send a question."
        ),
        help_text="Shown when VSee says the room is closed. Walk-ins are not offered then.",
    )

    # The built-in VSee intake fields, configurable like the clinic's own questions.
    reason_mode = models.CharField(
        "reason for visit",
        max_length=8,
        choices=FieldMode.choices,
        default=FieldMode.REQUIRED,
        help_text="Patients see “What brings you in today?” with the hint “A few words "
        "about your symptoms or question.” Sent to VSee as reason_for_visit.",
    )
    location_mode = models.CharField(
        "state",
        max_length=8,
        choices=FieldMode.choices,
        default=FieldMode.REQUIRED,
        help_text="Patients see “Which state are you in right now?” (providers must be "
        "licensed there): when booking a time, before the free times, which then show "
        "only providers licensed in that state; and on the form.",
    )
    phone_mode = models.CharField(
        "phone",
        max_length=8,
        choices=FieldMode.choices,
        default=FieldMode.OPTIONAL,
        help_text="Patients see “Phone number”, with the hint “In case the video call drops.”",
    )

    # Attachment rules.
    attachments_mode = models.CharField(
        "attachments",
        max_length=8,
        choices=FieldMode.choices,
        default=FieldMode.OPTIONAL,
        help_text="Whether patients may (or must) add files such as an insurance card, on "
        "an “Add files” page after the form (buttons “Choose files” and, on phones, "
        "“Take a photo”).",
    )
    attachment_kinds = models.JSONField(
        "allowed kinds",
        default=list,
        blank=True,
        help_text="Files are checked by their content, not their name.",
    )
    attachment_max_mb = models.PositiveSmallIntegerField(
        "maximum size per file (MB)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
    )
    attachment_max_files = models.PositiveSmallIntegerField(
        "maximum number of files",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    attachment_prompt = models.CharField(
        "prompt",
        max_length=200,
        blank=True,
        default=gettext_noop("Photo of your insurance card, front and back"),
        help_text="Shown above the “Add files” buttons: tells patients what to attach.",
    )

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ["position", "display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    def clean(self) -> None:
        if not (self.offers_walkin or self.offers_appointment or self.offers_econsult):
            raise ValidationError("Offer at least one visit option.")
        kinds = self.attachment_kinds or []
        unknown = set(kinds) - set(AttachmentKind.values)
        if unknown:
            raise ValidationError(
                {"attachment_kinds": f"Unknown kinds: {', '.join(sorted(unknown))}."}
            )
        if self.attachments_mode != FieldMode.HIDDEN and not kinds:
            raise ValidationError(
                {
                    "attachment_kinds": "Pick at least one kind of file patients may send."
                }
            )

    def offers(self, option: str) -> bool:
        return bool(getattr(self, f"offers_{option}", False))

    @property
    def attachments_offered(self) -> bool:
        return self.attachments_mode != FieldMode.HIDDEN

    @property
    def attachments_required(self) -> bool:
        return self.attachments_mode == FieldMode.REQUIRED

    def consultations(self, vsee_room: VSeeRoom) -> list:
        """Return the consultation types to offer: the chosen ones VSee still lists."""
        listed = vsee_room.consultations
        if not self.consultation_ids:
            return listed
        chosen = {str(i) for i in self.consultation_ids}
        return [c for c in listed if c.id in chosen]

    def consultation_name(self, consultation: Consultation) -> str:
        """The consultation type's name in the patient's language: the clinic's own,
        else VSee's."""
        named = (self.consultation_names or {}).get(str(consultation.id), {})
        return str(named.get(get_language(), "")) or consultation.description

    def time_zone_for(self, vsee_room: VSeeRoom) -> str:
        return self.time_zone or vsee_room.timezone or "UTC"


def vsee_problems(room: Room, vsee_room: VSeeRoom) -> dict[str, str]:
    """Return what the clinic switched on here but VSee has off, keyed by our field name."""
    problems: dict[str, str] = {}
    if room.offers_walkin and not vsee_room.walkin_enabled:
        problems["offers_walkin"] = (
            "Walk-ins are switched off for this room in VSee. Turn them on in VSee "
            "Clinic first, or untick this."
        )
    if room.offers_appointment and not vsee_room.appointment_enabled:
        problems["offers_appointment"] = (
            "Appointments are switched off for this room in VSee. Turn them on in VSee "
            "Clinic first, or untick this."
        )
    elif room.offers_appointment and not vsee_room.consultations:
        problems["offers_appointment"] = (
            "VSee lists no consultation types for this room, so nothing can be booked."
        )
    if room.allow_guests and not vsee_room.guest_enabled:
        problems["allow_guests"] = (
            "Guest sign-in is switched off for this room in VSee. Turn it on in VSee "
            "Clinic first, or untick this."
        )
    listed = {c.id for c in vsee_room.consultations}
    gone = [str(i) for i in room.consultation_ids or [] if str(i) not in listed]
    if gone:
        problems["consultation_ids"] = (
            "VSee no longer lists these consultation types for the room: "
            + ", ".join(gone)
        )
    return problems
