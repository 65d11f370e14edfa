"""Embedding settings: which sites may frame the portal, and the hand-off secret they sign with."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone


def normalise_origin(value: str) -> str:
    """Return an origin as scheme://host[:port], lower-cased; raise ValidationError if it is not one."""
    raw = value.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ValidationError(f"{raw!r} is not a valid origin.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(
            f"{raw!r} must start with https:// (or http://) and name a host."
        )
    if (
        parts.username
        or parts.password
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValidationError(
            f"{raw!r} must be only scheme, host and port, e.g. https://www.yourclinic.com"
        )
    if "*" in parts.hostname:
        raise ValidationError(f"{raw!r}: wildcards are not allowed; list each site.")
    origin = f"{parts.scheme}://{parts.hostname.lower()}"
    return f"{origin}:{port}" if port else origin


class EmbeddingSettings(models.Model):
    """The one row of embedding settings (pk=1)."""

    allowed_origins = models.TextField(
        blank=True,
        help_text="Websites allowed to show the portal inside a frame and to send patients "
        "to it with a signed hand-off, one per line, e.g. https://www.yourclinic.com. "
        "Leave empty to forbid both.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "embedding"

    def __str__(self) -> str:
        return "Embedding settings"

    def clean(self) -> None:
        origins, errors = [], []
        for line in self.allowed_origins.splitlines():
            if not line.strip():
                continue
            try:
                origins.append(normalise_origin(line))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError({"allowed_origins": errors})
        self.allowed_origins = "\n".join(dict.fromkeys(origins))

    @property
    def origins(self) -> list[str]:
        return [line for line in self.allowed_origins.splitlines() if line.strip()]

    @classmethod
    def load(cls) -> EmbeddingSettings:
        return cls.objects.get_or_create(pk=1)[0]


class HandoffSecret(models.Model):
    """A shared secret for signed patient hand-offs; kept to verify, shown only when made."""

    secret = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "hand-off secret"

    def __str__(self) -> str:
        return (
            f"Secret {self.fingerprint} ({'retired' if self.retired_at else 'current'})"
        )

    @property
    def fingerprint(self) -> str:
        """Return a short, harmless way to tell secrets apart."""
        return hashlib.sha256(self.secret.encode()).hexdigest()[:8]

    @classmethod
    def rotate(cls) -> str:
        """Make a new current secret, retire the old one, and return the new one (once)."""
        raw = secrets.token_urlsafe(32)
        with transaction.atomic():
            cls.objects.filter(retired_at__isnull=True).update(
                retired_at=timezone.now()
            )
            cls.objects.create(secret=raw)
        return raw

    @classmethod
    def accepted(cls) -> list[str]:
        """Return the secrets a hand-off may be signed with: the current one, and retired ones in their grace period."""
        grace = timedelta(hours=settings.HANDOFF_SECRET_GRACE_HOURS)
        since = timezone.now() - grace
        rows = cls.objects.filter(
            models.Q(retired_at__isnull=True) | models.Q(retired_at__gt=since)
        )
        return [row.secret for row in rows]


class UnlistedEmbed(models.Model):
    """A website not on the list that loaded embed.js: the frame will be refused there.

    Browsers don't name the framing site in CSP reports, so the script's Referer (its
    origin only, nothing about any patient) is how the clinic learns of it.
    """

    origin = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField()

    MAX_ROWS = 50  # a handful of real sites; a flood of made-up ones is not kept

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.origin

    @classmethod
    def note(cls, origin: str) -> None:
        now = timezone.now()
        seen = cls.objects.filter(origin=origin)
        if seen.update(count=models.F("count") + 1, last_seen=now):
            return
        if cls.objects.count() < cls.MAX_ROWS:
            cls.objects.get_or_create(
                origin=origin, defaults={"count": 1, "last_seen": now}
            )


class PolicyViolation(models.Model):
    """How many times a day browsers refused something under our CSP, by directive only.

    frame-ancestors counts are the portal refused inside a site not on the list; the report
    itself doesn't say which site (browsers keep that from us), and no address is kept.
    """

    day = models.DateField()
    directive = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "directive"], name="one_count_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.directive} on {self.day}"

    @classmethod
    def note(cls, directive: str) -> None:
        today = timezone.localdate()
        rows = cls.objects.filter(day=today, directive=directive)
        if not rows.update(count=models.F("count") + 1):
            try:
                with transaction.atomic():
                    cls.objects.create(day=today, directive=directive, count=1)
            except IntegrityError:  # a report racing this one made the row
                rows.update(count=models.F("count") + 1)

    @classmethod
    def refused_frames(cls, days: int = 7) -> int:
        since = timezone.localdate() - timedelta(days=days - 1)
        found = cls.objects.filter(directive="frame-ancestors", day__gte=since)
        return sum(found.values_list("count", flat=True))
