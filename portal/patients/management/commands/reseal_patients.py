"""Re-encrypt what the portal keeps about known patients under the newest key."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from portal.patients.identity import reseal_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every known patient's record under the first of PATIENT_DATA_KEYS "
        "(run after putting a new key first; then the old key can be removed)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = reseal_all()
        except InvalidToken:
            raise CommandError(
                "A record could not be decrypted with any of PATIENT_DATA_KEYS: "
                "keep the old key in the list until this command succeeds."
            ) from None
        self.stdout.write(f"Re-encrypted {done} known patient record(s).")
