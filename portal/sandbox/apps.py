from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "portal.sandbox"
    label = "sandbox"
    verbose_name = "VSee sandbox"
