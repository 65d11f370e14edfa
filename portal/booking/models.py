from __future__ import annotations

import time
from datetime import timedelta

from django.db import IntegrityError, OperationalError, models, transaction
from django.utils import timezone

# A claim with no visit after this long belongs to a request that died mid-call.
STALE_AFTER = timedelta(seconds=60)
LOCKED_RETRIES = 40


class BookingClaim(models.Model):
    """One row per intake being turned into a visit: the database's unique key makes sure
    only one request (in any worker) asks VSee to make it, and remembers what was made."""

    intake_id = models.CharField(max_length=64, unique=True)
    visit_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Booking claim for intake {self.intake_id}"


def claim(intake_id: str) -> BookingClaim | None:
    """Return a new claim for this intake, or None when another request holds one."""
    for _ in range(LOCKED_RETRIES):
        try:
            return _claim(intake_id)
        except OperationalError:
            # SQLite answers "locked" rather than waiting when two writers meet in
            # shared-cache mode; the other writer is done within milliseconds.
            time.sleep(0.05)
    return _claim(intake_id)


def _claim(intake_id: str) -> BookingClaim | None:
    BookingClaim.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=1)
    ).delete()
    BookingClaim.objects.filter(
        intake_id=intake_id,
        visit_id="",
        created_at__lt=timezone.now() - STALE_AFTER,
    ).delete()
    try:
        with transaction.atomic():
            return BookingClaim.objects.create(intake_id=intake_id)
    except IntegrityError:
        return None


def made_for(intake_id: str) -> str:
    """The visit already made for this intake, or "" (also when the table is busy)."""
    try:
        row = (
            BookingClaim.objects.filter(intake_id=intake_id)
            .exclude(visit_id="")
            .first()
        )
    except OperationalError:
        return ""
    return row.visit_id if row else ""


def in_flight(intake_id: str) -> bool:
    """Whether a request is still making the visit for this intake."""
    try:
        return BookingClaim.objects.filter(intake_id=intake_id, visit_id="").exists()
    except OperationalError:
        return True
