"""{{ zone|zone_words }}: a time zone as people say it ("Central Time (Chicago)")."""

from __future__ import annotations

from django import template

from portal.booking.timezones import zone_label

register = template.Library()


@register.filter
def zone_words(name: str) -> str:
    return zone_label(str(name or "UTC"))
