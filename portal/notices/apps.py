from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "portal.notices"
    verbose_name = "Emails to patients"
    default_auto_field = "django.db.models.BigAutoField"
