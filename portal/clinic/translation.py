"""The clinic's patient-facing texts, in English and Spanish (django-modeltranslation).

Each field below gets a column per language (display_name_en, display_name_es). Reading
the field gives the patient's language, and a Spanish value left blank falls back to the
English one: a patient never sees an empty heading because a translation is missing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from modeltranslation.translator import TranslationOptions, register

from portal.clinic.branding import Branding
from portal.clinic.consents import ConsentDocument
from portal.clinic.questions import IntakeQuestion
from portal.clinic.rooms import Room


class ClinicText(TranslationOptions):
    # A blank Spanish value is "not translated" (fall back to English); a blank English
    # value stays blank (an emergency notice left empty is a choice, not the model's default).
    fallback_undefined = ""
    fallback_values = ""
    required_languages = {"en": ()}


@register(Room)
class RoomText(ClinicText):
    fields = (
        "display_name",
        "welcome_text",
        "emergency_notice",
        "closed_message",
        "attachment_prompt",
    )
    required_languages = {"en": ("display_name",)}


@register(IntakeQuestion)
class QuestionText(ClinicText):
    fields = ("label", "help_text", "choices")
    required_languages = {"en": ("label",)}


@register(ConsentDocument)
class ConsentText(ClinicText):
    fields = ("title", "text")
    required_languages = {"en": ("title", "text")}


@register(Branding)
class BrandingText(ClinicText):
    fields = ("clinic_name",)


def translate_defaults(model: type[models.Model], names: tuple[str, ...]) -> None:
    """Start each language's column of a shipped English default (marked with
    gettext_noop) as the catalogue's translation: a new room asks "Si es una
    emergencia, llame al 911." in Spanish, not the English sentence."""
    for name in names:
        english = model._meta.get_field(name).default
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                model._meta.get_field(f"{name}_{code}").default = translation.gettext(
                    english
                )


translate_defaults(Room, ("emergency_notice", "closed_message", "attachment_prompt"))
