"""The worker: send the emails that are due. Keep it running (the Procfile's `worker`),
or run it once a minute from cron with --once. Any number may run at once."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from portal.notices.sending import send_due

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send patients the emails that are due (confirmations, reminders, changes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Send what is due now, then exit."
        )
        parser.add_argument(
            "--every",
            type=float,
            default=5.0,
            metavar="SECONDS",
            help="How often to look for due emails when running on (default 5).",
        )

    def handle(self, *args: Any, once: bool, every: float, **options: Any) -> None:
        while True:
            sent = 0
            try:
                while batch := send_due():
                    sent += batch  # some went: there may be more due
            except DatabaseError:
                if once:
                    raise
                log.exception("worker: the database failed; trying again")
            if once:
                self.stdout.write(f"Sent {sent} emails.")
                return
            time.sleep(every)
