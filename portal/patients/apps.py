from __future__ import annotations

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "portal.patients"
    label = "patients"
    verbose_name = "Patient sign-in"
