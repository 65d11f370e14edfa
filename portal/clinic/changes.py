"""The clinic's configuration generation: any save or delete of it (a room, the branding,
embedding, a question…) makes the next number, and what is kept in a cache from the
configuration is kept under the number it was made from, so every worker and instance
makes it again at once (kept pages: portal/booking/page_cache.py; the branding; the
embedding origins).

The number is in the database, not the cache: without REDIS_URL each worker has a cache
of its own, and a number kept there would reach only the worker that took the change.
It is one more row in the same transaction as the change, so a worker that sees the new
number sees the change too. A request reads it at most once (ClinicGenerationMiddleware),
and only if something asks.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

# The number as this request first read it (no entry until something asks).
_this_request: ContextVar[dict[str, int] | None] = ContextVar(
    "clinic_generation", default=None
)


class ClinicGeneration(models.Model):
    """One row: the configuration's generation number."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "configuration generation"


def current_generation() -> int:
    memo = _this_request.get()
    if memo is not None and "number" in memo:
        return memo["number"]
    number = (
        ClinicGeneration.objects.filter(pk=1).values_list("number", flat=True).first()
        or 0
    )
    if memo is not None:
        memo["number"] = number
    return number


def clinic_changed(**_signal: Any) -> None:
    """Start the next generation, in the transaction of the change (if any)."""
    if not ClinicGeneration.objects.filter(pk=1).update(number=F("number") + 1):
        ClinicGeneration.objects.get_or_create(pk=1, defaults={"number": 1})
    memo = _this_request.get()
    if memo is not None:
        memo.clear()  # what this request makes from here on shows its own change


class ClinicGenerationMiddleware:
    """A request works from one generation, read when first asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _this_request.set({})
        try:
            return self.get_response(request)
        finally:
            _this_request.reset(token)


def watch_for_changes() -> None:
    """Start a new generation on any save or delete of the configuration (bulk updates
    send no signal: code that makes them calls clinic_changed itself). What patients'
    requests write here (the audit log, embeds seen, policy reports) is not configuration."""
    from portal.clinic.models import (
        Branding,
        ConsentDocument,
        EmbeddingSettings,
        IntakeQuestion,
        Room,
    )

    for model in (Branding, Room, ConsentDocument, EmbeddingSettings, IntakeQuestion):
        for signal in (post_save, post_delete):
            signal.connect(
                clinic_changed,
                sender=model,
                dispatch_uid=f"clinic-changed:{id(signal)}:{model._meta.label}",
            )
