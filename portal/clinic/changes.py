"""The clinic's configuration generation: any save or delete of it (a room, the branding,
embedding, a question…) gives it a new number, and what is kept from the configuration
is kept under the number it was made from, so every worker and instance makes it again
at once: the pages kept for strangers (portal/booking/page_cache.py), the branding, the
embedding origins, the intake form classes (portal/booking/intake_form.py).

The number is in the database, not the cache: without REDIS_URL each worker has a cache
of its own, and a number kept there would reach only the worker that took the change.
It is one row, written in the same transaction as the change, so a worker that sees the
new number sees the change too. A request reads it at most once
(ClinicGenerationMiddleware), and only if something asks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import connection, models
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
    # Plain SQL: most pages ask, and the ORM's query costs twenty times as much CPU.
    table = connection.ops.quote_name(ClinicGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    number = row[0] if row else 0
    if memo is not None:
        memo["number"] = number
    return number


def clinic_changed(**_signal: Any) -> None:
    """Start the next generation, in the transaction of the change (if any).

    Its number is random, not the last plus one: a change rolled back, or a database
    restored, would otherwise bring back a number already used for other rows."""
    number = secrets.randbits(62)
    if not ClinicGeneration.objects.filter(pk=1).update(number=number):
        ClinicGeneration.objects.update_or_create(pk=1, defaults={"number": number})
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
