from __future__ import annotations

from django.apps import AppConfig


class VSeeConfig(AppConfig):
    name = "portal.vsee"
    label = "vsee"
    verbose_name = "VSee"

    def ready(self) -> None:
        from portal.vsee import checks  # noqa: F401  (registers the system checks)
