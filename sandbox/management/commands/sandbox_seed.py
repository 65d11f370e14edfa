"""`manage.py sandbox_seed`: create the sandbox's demo clinic (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sandbox.seed import DAYS, seed_demo


class Command(BaseCommand):
    help = "Create the sandbox demo clinic and top up provider availability for the next 14 days."

    def handle(self, *args: Any, **options: Any) -> None:
        """Seed the demo data and print a one-line summary."""
        made = seed_demo()
        self.stdout.write(
            f"Sandbox seeded: room {made['room_code']}, "
            f"{len(made['consultation_ids'])} consultations, "
            f"{len(made['provider_ids'])} providers, "
            f"patients {', '.join(made['patient_codes'])}, "
            f"{made['new_blocks']} new availability blocks over {DAYS} days."
        )
