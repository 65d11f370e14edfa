"""URL parts the portal accepts: anything else is an ordinary 404 before any view runs."""

from __future__ import annotations

from django.urls import register_converter


class VSeeIdConverter:
    """A VSee id as it appears in our URLs (visit and file ids: digits, hex, uuid)."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(VSeeIdConverter, "vsee_id")
