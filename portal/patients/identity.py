"""Who a patient is to VSee: a stable, unguessable patient code per clinic and email."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _key() -> bytes:
    key = settings.PATIENT_CODE_KEY or f"patient-code:{settings.SECRET_KEY}"
    return key.encode()


def patient_code(email: str) -> str:
    """Return the users/sso `code` for an email: the same person always gets the same one,
    and without the key nobody can work out another person's."""
    message = f"{settings.VSEE_ACCOUNT_CODE}:{normalise_email(email)}".encode()
    return "em-" + hmac.new(_key(), message, hashlib.sha256).hexdigest()[:40]


def email_ref(email: str) -> str:
    """A keyed hash of an email, for rate-limit keys: no address in the cache."""
    message = f"ref:{normalise_email(email)}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:32]
