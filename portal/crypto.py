"""Encryption at rest: Fernet keys derived from secrets kept in the environment."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@lru_cache(maxsize=8)
def cipher_for(purpose: str, secrets: tuple[str, ...]) -> MultiFernet:
    """Return a cipher whose first key encrypts and whose every key decrypts.

    Each secret is stretched into a Fernet key with HKDF, bound to `purpose`, so one secret
    used for two things still gives two unrelated keys.
    """

    def fernet(secret: str) -> Fernet:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()
        ).derive(secret.encode())
        return Fernet(base64.urlsafe_b64encode(key))

    return MultiFernet([fernet(s) for s in secrets])
