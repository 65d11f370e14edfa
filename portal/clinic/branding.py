"""Branding: the clinic's name, logo, colour and contact links on every patient page."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, override

from portal.clinic.changes import current_generation

# Versioned by the shape of what is kept: a shared cache (Redis) may still hold the last
# release's shape for up to an hour after a deploy.
CACHE_KEY = "clinic:branding:2"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
MAX_LOGO_BYTES = 512 * 1024
# Checked by content, not by file name (an .exe renamed .png is refused).
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """Return the WCAG contrast ratio of a #rrggbb colour against white."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


def validate_primary_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError("Use a colour like #0b5cad (a # and six hex digits).")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            f"White text on this colour has a contrast of {ratio:.1f}:1; patients need at least "
            f"{MIN_CONTRAST}:1 to read it (WCAG AA). Choose a darker colour."
        )


def logo_content_type(data: bytes) -> str:
    """Return the logo's content type from its first bytes; raise ValidationError if not PNG/JPEG."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo is {len(data) // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB."
        )
    for signature, content_type in LOGO_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    raise ValidationError("The logo must be a PNG or JPEG image.")


class Branding(models.Model):
    """The one row of branding (pk=1). Changes apply to the next page a patient opens."""

    clinic_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shown at the top of every page. Empty: the room's name.",
    )
    primary_colour = models.CharField(
        max_length=7,
        default="#0b5cad",
        validators=[validate_primary_colour],
        help_text="Header and buttons. White text must be readable on it (checked: WCAG AA, 4.5:1).",
    )
    logo = models.BinaryField(blank=True, null=True, editable=False)
    logo_content_type = models.CharField(max_length=32, blank=True, editable=False)
    support_phone = models.CharField(
        max_length=32, blank=True, help_text="Shown in the footer of every page."
    )
    support_email = models.EmailField(
        blank=True, help_text="Shown in the footer of every page."
    )
    privacy_url = models.URLField("privacy policy link", blank=True)
    terms_url = models.URLField("terms link", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "branding"

    def __str__(self) -> str:
        return self.clinic_name or "Branding"

    @property
    def logo_version(self) -> str:
        return hashlib.sha256(bytes(self.logo)).hexdigest()[:12] if self.logo else ""

    @classmethod
    def load(cls) -> Branding:
        return cls.objects.get_or_create(pk=1)[0]


def current_branding() -> dict:
    """Return what pages need of the branding, in the current language, cached until the
    next change to the clinic's configuration."""
    key = f"{CACHE_KEY}:{current_generation()}"
    cached = cache.get(key)
    if cached is None:
        b = Branding.load()
        cached = {
            # Each language's name (a Spanish one left blank is the English one).
            "clinic_names": {
                code: _in_language(b, "clinic_name", code)
                for code, _name in settings.LANGUAGES
            },
            "primary_colour": b.primary_colour,
            "logo_version": b.logo_version,
            "support_phone": b.support_phone,
            "support_email": b.support_email,
            "privacy_url": b.privacy_url,
            "terms_url": b.terms_url,
        }
        cache.set(key, cached, 3600)
    names = cached["clinic_names"]
    return {**cached, "clinic_name": names.get(get_language(), names.get("en", ""))}


def _in_language(obj: models.Model, name: str, code: str) -> str:
    with override(code):
        return getattr(obj, name)
