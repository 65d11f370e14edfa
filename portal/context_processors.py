"""Template context every patient page needs, from outside any one app."""

from __future__ import annotations

from django.http import HttpRequest

from portal.language import switch_context


def language_switch(request: HttpRequest) -> dict[str, object]:
    return switch_context(request)
