"""System checks: say at start-up which VSee variable is missing, not at a patient's first click."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def vsee_credentials(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from portal.vsee.service import missing_credentials

    errors = [
        Error(
            f"{name} is not set",
            hint="Set it in the environment (see .env.example).",
            id="vsee.E001",
        )
        for name in missing_credentials()
    ]
    if not settings.VSEE_CLINIC_URL:
        errors.append(
            Error(
                "VSEE_CLINIC_URL is not set",
                hint="VSee's patient-facing base URL.",
                id="vsee.E002",
            )
        )
    return errors
