from __future__ import annotations

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "portal.visits"
    label = "visits"
    verbose_name = "Visit history"
