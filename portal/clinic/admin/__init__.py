"""Clinic admin; importing the modules registers their ModelAdmins (admin autodiscovery)."""

from __future__ import annotations

from portal.clinic.admin.audit import CSV_FIELDS, AuditEventAdmin
from portal.clinic.admin.questions import (
    IntakeQuestionAdmin,
    IntakeQuestionForm,
    IntakeQuestionInline,
    QuestionFormSet,
)
from portal.clinic.admin.rooms import RoomAdmin, RoomForm
from portal.clinic.admin.singletons import (
    BrandingAdmin,
    BrandingForm,
    EmbeddingSettingsAdmin,
    SingletonAdmin,
)

__all__ = [
    "CSV_FIELDS",
    "AuditEventAdmin",
    "BrandingAdmin",
    "BrandingForm",
    "EmbeddingSettingsAdmin",
    "IntakeQuestionAdmin",
    "IntakeQuestionForm",
    "IntakeQuestionInline",
    "QuestionFormSet",
    "RoomAdmin",
    "RoomForm",
    "SingletonAdmin",
]
