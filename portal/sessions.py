"""The session store: in the database, encrypted, and written only when it changes.

- In the database in every configuration. A per-process cache in front of it (cached_db
  over local memory) let each gunicorn worker serve its own stale copy: answers went
  missing and a signed-out session still worked on the other worker. A primary-key read
  per request is cheap on SQLite and PostgreSQL alike, and shared by every worker and
  instance.
- Encrypted (Fernet, keyed from SECRET_KEY and SECRET_KEY_FALLBACKS): the draft holds the
  patient's answers and their VSee token, and nothing about a patient rests in plaintext.
  Rotating SECRET_KEY with the old key in SECRET_KEY_FALLBACKS keeps sessions readable.
- A save that meets SQLite's writer lock (two requests of one patient finishing at
  once, e.g. a double-clicked booking) is tried again briefly instead of failing the
  request; PostgreSQL rarely needs it.
- Idle expiry without a write per read: a request that changed nothing (or wrote values
  back as they were) writes nothing; it pushes the stored
  expiry forward (one UPDATE of that column, not the data) at most once a minute, so the
  session ends SESSION_COOKIE_AGE after the patient's last request, give or take a minute.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.utils import timezone

from portal.crypto import cipher_for

log = logging.getLogger("django.security.SuspiciousSession")

# Push the idle expiry forward at most this often (seconds).
REFRESH_SECONDS = 60
# A save that fails on a lock is tried this many times in all, this far apart (seconds).
SAVE_TRIES = 4
SAVE_RETRY_SECONDS = 0.05


def cipher() -> MultiFernet:
    """Return the cipher for the current keys: the first encrypts, all of them decrypt."""
    return cipher_for(
        "portal.sessions", (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    )


class SessionStore(db.SessionStore):
    stored_expiry: datetime | None = None
    # The key and data as loaded, to tell a real change from a value written back as it was.
    _loaded: tuple[str | None, str] | None = None

    def load(self) -> dict[str, Any]:
        data = super().load()
        self._loaded = (self.session_key, json.dumps(data, sort_keys=True))
        return data

    def has_changed(self) -> bool:
        """Return whether the key or the data differ from what was loaded."""
        if self._loaded is None:
            return self.modified
        fingerprint = json.dumps(self._session, sort_keys=True)
        return self._loaded != (self.session_key, fingerprint)

    def save(self, must_create: bool = False) -> None:
        """Save, trying again briefly when the database was locked by another writer.

        Django reports a locked table and a deleted session alike (UpdateError); a
        deleted one fails every try, which costs a few tenths of a second once.
        """
        for attempt in range(1, SAVE_TRIES + 1):
            try:
                super().save(must_create=must_create)
                return
            except UpdateError:
                if attempt == SAVE_TRIES:
                    raise
                time.sleep(SAVE_RETRY_SECONDS * attempt)

    def _get_session_from_db(self) -> Any:
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row else None
        return row

    def encode(self, session_dict: dict[str, Any]) -> str:
        return cipher().encrypt(json.dumps(session_dict).encode()).decode("ascii")

    def decode(self, session_data: str) -> dict[str, Any]:
        try:
            return json.loads(cipher().decrypt(session_data.encode("ascii")))
        except (InvalidToken, ValueError):
            # A retired key, or data from before encryption: start an empty session.
            log.warning("Session data could not be decrypted")
            return {}

    def expiry_refresh_due(self) -> bool:
        """Return whether the stored expiry was last pushed forward over a minute ago."""
        if self.stored_expiry is None:
            return False
        remaining = self.stored_expiry - timezone.now()
        return remaining < timedelta(seconds=self.get_expiry_age() - REFRESH_SECONDS)

    def refresh_expiry(self) -> None:
        """Push the stored expiry forward without rewriting the data."""
        expiry = self.get_expiry_date()
        self.model.objects.filter(session_key=self.session_key).update(
            expire_date=expiry
        )
        self.stored_expiry = expiry
