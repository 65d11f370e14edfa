from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "portal.clinic"
    label = "clinic"
    verbose_name = "Clinic configuration"

    def ready(self) -> None:
        from portal.clinic.changes import watch_for_changes

        watch_for_changes()
