"""Delete what has ended: sessions past their idle expiry (and the drafts in them),
hand-off nonces past the life of their token, hand-offs never taken up in a new tab,
rate-limit counters of past windows, and CSP report counts older than 30 days. Run it from cron every few minutes, or keep
it running with --every (the Procfile's housekeeping process)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from portal.clinic.embedding import PolicyViolation
from portal.patients.models import HandoffExchange, RateCounter, UsedHandoffNonce

log = logging.getLogger(__name__)

POLICY_COUNTS_KEPT = timedelta(days=30)


def sweep() -> tuple[int, int]:
    """Delete ended sessions, expired nonces and counters; return how many sessions and nonces."""
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lte=now).delete()
    nonces, _ = UsedHandoffNonce.objects.filter(expires_at__lte=now).delete()
    RateCounter.objects.filter(expires_at__lte=now).delete()
    HandoffExchange.objects.filter(expires_at__lte=now).delete()
    PolicyViolation.objects.filter(
        day__lt=timezone.localdate() - POLICY_COUNTS_KEPT
    ).delete()
    return sessions, nonces


class Command(BaseCommand):
    help = "Delete ended sessions (with their drafts), expired hand-off nonces and counters."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS (default: sweep once and exit).",
        )

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        while True:
            try:
                sessions, nonces = sweep()
                self.stdout.write(
                    f"Deleted {sessions} ended sessions and {nonces} expired hand-off nonces."
                )
            except DatabaseError:
                if not every:
                    raise
                log.exception(
                    "housekeeping: the database is unavailable; next try soon"
                )
            if not every:
                return
            time.sleep(every)
