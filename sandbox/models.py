"""The sandbox's state: a small VSee account kept in the database so every worker shares it."""

from __future__ import annotations

import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def hex32() -> str:
    """Return 32 random hex characters, the shape of VSee codes, usernames and tokens."""
    return secrets.token_hex(16)


class SandboxUser(models.Model):
    """A patient, guest or provider of the sandbox account."""

    PATIENT = 200
    PROVIDER = 400
    GUEST = 600
    TYPES = [(PATIENT, "Patient"), (PROVIDER, "Provider"), (GUEST, "Guest")]

    code = models.CharField(max_length=128, unique=True, null=True, blank=True)
    type = models.PositiveSmallIntegerField(choices=TYPES, default=PATIENT)
    username = models.CharField(max_length=64, default=hex32, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    dob = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=40, blank=True)
    suffix = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sandbox user"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_type_display()} {self.pk})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class SandboxToken(models.Model):
    """An access token issued by POST /users/sso."""

    user = models.ForeignKey(
        SandboxUser, on_delete=models.CASCADE, related_name="tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=hex32)
    expires_at = models.DateTimeField()
    refresh_token = models.CharField(max_length=64, default=hex32)
    refresh_expires_at = models.DateTimeField()
    created = models.DateTimeField()

    class Meta:
        verbose_name = "sandbox token"

    def __str__(self) -> str:
        return f"Token for user {self.user_id}"


class SandboxRoom(models.Model):
    """A VSee room: the visit kinds it accepts, its hours message and its providers."""

    code = models.SlugField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, blank=True)
    name = models.CharField(max_length=120)
    subtitle = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    walkin_enabled = models.BooleanField("walk-in enabled", default=True)
    appointment_enabled = models.BooleanField(default=True)
    guest_login_enabled = models.BooleanField("guest log-in enabled", default=False)
    is_closed = models.BooleanField(default=False)
    close_msg = models.CharField("closed message", max_length=300, blank=True)
    default_timezone = models.CharField(max_length=64, default="America/New_York")
    currency = models.CharField(max_length=3, default="USD")
    providers = models.ManyToManyField(
        SandboxUser, blank=True, related_name="rooms", limit_choices_to={"type": 400}
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sandbox room"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SandboxConsultation(models.Model):
    """A visit option of a room (room.payment.consultations[] in VSee)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    room = models.ForeignKey(
        SandboxRoom, on_delete=models.CASCADE, related_name="consultations"
    )
    description = models.CharField(max_length=200)
    duration = models.PositiveSmallIntegerField(help_text="Minutes", default=15)
    amount = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    charge = models.BooleanField(default=False)
    group = models.BooleanField(default=False)
    slots = models.PositiveSmallIntegerField(default=1)
    visible_to_patient = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "sandbox consultation"
        ordering = ["position", "duration"]

    def __str__(self) -> str:
        return f"{self.description} ({self.duration} min)"


class SandboxAvailability(models.Model):
    """A block of time a provider offers in a room; slots are cut from it."""

    provider = models.ForeignKey(
        SandboxUser, on_delete=models.CASCADE, related_name="blocks"
    )
    room = models.ForeignKey(
        SandboxRoom, on_delete=models.CASCADE, related_name="blocks"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    group_id = models.UUIDField(default=uuid.uuid4, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sandbox availability block"
        ordering = ["start", "provider_id"]
        indexes = [models.Index(fields=["room", "start"])]

    def __str__(self) -> str:
        return f"Provider {self.provider_id}: {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class SandboxFile(models.Model):
    """An uploaded file's metadata; the sandbox never keeps the bytes."""

    CATEGORIES = ["intake_attachment", "user_document", "user_consent", "user_avatar"]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        SandboxUser, on_delete=models.CASCADE, related_name="files"
    )
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    ext = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=32, choices=[(c, c) for c in CATEGORIES])
    created = models.DateTimeField()

    class Meta:
        verbose_name = "sandbox file"

    def __str__(self) -> str:
        return self.name


class SandboxIntake(models.Model):
    """A patient's intake: the documented fields and any custom ones, kept as JSON."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(
        SandboxUser, on_delete=models.CASCADE, related_name="intakes"
    )
    room = models.ForeignKey(
        SandboxRoom, on_delete=models.SET_NULL, null=True, blank=True
    )
    data = models.JSONField(default=dict, blank=True)
    attachment_ids = models.JSONField(default=list, blank=True)
    created = models.DateTimeField()
    modified = models.DateTimeField()

    class Meta:
        verbose_name = "sandbox intake"

    def __str__(self) -> str:
        return f"Intake {self.id}"


class SandboxVisit(models.Model):
    """A walk-in, appointment or e-consult; ids start at 1000 (migration 0002)."""

    WALKIN, APPOINTMENT, ECONSULT = 1, 2, 3
    TYPES = [(WALKIN, "Walk-in"), (APPOINTMENT, "Appointment"), (ECONSULT, "E-consult")]
    PENDING, CONFIRMED, IN_PROGRESS, COMPLETED, CANCELLED = 10, 20, 25, 30, 40
    STATUSES = [
        (PENDING, "Pending"),
        (CONFIRMED, "Confirmed"),
        (IN_PROGRESS, "In progress"),
        (COMPLETED, "Completed"),
        (CANCELLED, "Cancelled"),
    ]

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(max_length=32, unique=True, default=hex32)
    member = models.ForeignKey(
        SandboxUser, on_delete=models.CASCADE, related_name="visits"
    )
    provider = models.ForeignKey(
        SandboxUser,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provider_visits",
    )
    room = models.ForeignKey(
        SandboxRoom, on_delete=models.CASCADE, related_name="visits"
    )
    intake = models.ForeignKey(
        SandboxIntake,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    type = models.PositiveSmallIntegerField(choices=TYPES)
    status = models.PositiveSmallIntegerField(choices=STATUSES)
    subtype = models.PositiveSmallIntegerField(null=True, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    expiry = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=64, blank=True)
    # A walk-in VSee opened when this appointment started (reference: "Understanding
    # Visit object ID"): related_appointment_id on it, related_walkin_id on the appointment.
    related_appointment = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="started_walkins",
    )
    postvisit = models.JSONField(default=dict, blank=True)
    prescriptions = models.JSONField(default=list, blank=True)
    created = models.DateTimeField()
    modified = models.DateTimeField()

    class Meta:
        verbose_name = "sandbox visit"
        indexes = [models.Index(fields=["provider", "start"])]

    def __str__(self) -> str:
        return (
            f"Visit {self.pk} ({self.get_type_display()}, {self.get_status_display()})"
        )


# The names views register with @api_endpoint, in the client's resource.action spelling.
ENDPOINTS = (
    "users.sso",
    "rooms.get",
    "rooms.providers",
    "intakes.create",
    "intakes.update",
    "intakes.get",
    "files.upload",
    "availability.get",
    "visits.add_walkin",
    "visits.add_econsult",
    "visits.create",
    "visits.list",
    "visits.get",
    "visits.update",
    "visits.current",
    "visits.close",
    "visits.delete",
    "visits.summary_export",
)


class SandboxFault(models.Model):
    """A fault-injection rule, applied together with settings.SANDBOX_FAULTS."""

    endpoint = models.CharField(
        max_length=40,
        default="*",
        choices=[("*", "* (every endpoint)"), *((name, name) for name in ENDPOINTS)],
    )
    latency_ms = models.PositiveIntegerField("latency (ms)", default=0)
    error_rate = models.FloatField(
        default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    error_status = models.PositiveSmallIntegerField(
        default=503, validators=[MinValueValidator(400), MaxValueValidator(599)]
    )
    force_timeout = models.BooleanField(default=False)
    drop_answer = models.BooleanField(
        default=False,
        help_text="Carry the call out, then answer with the error status (after the "
        "latency, or the hang if forced): VSee did it, the portal never heard.",
    )
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "sandbox fault"
        ordering = ["endpoint", "id"]

    def __str__(self) -> str:
        return f"Fault on {self.endpoint}"


class SandboxWebhook(models.Model):
    """Where the sandbox posts its webhooks, as a clinic sets the URL in VSee's admin."""

    url = models.URLField(max_length=400)

    class Meta:
        verbose_name = "sandbox webhook"

    def __str__(self) -> str:
        return "Webhook to the portal"
