"""Signed hand-offs from the clinic's own website (VSee's "I already have a portal" case).

A token is `<payload>.<signature>`, both base64url without padding: the payload is UTF-8
JSON claims, the signature HMAC-SHA256 of the payload string under a secret the clinic made
in admin (Embedding). The exact format, and an example that makes one, is in the README.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import math
import re
import time
from dataclasses import dataclass, field
from secrets import token_urlsafe
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from portal.clinic.embedding import HandoffSecret
from portal.patients.identity import IdentityUnreadable, seal, unseal_data
from portal.patients.models import HandoffExchange, UsedHandoffNonce

MAX_LIFETIME_SECONDS = 300  # exp - iat: a hand-off is a moment, not a session
CLOCK_SKEW_SECONDS = 30  # the clinic's server clock and ours may disagree this much
MAX_TOKEN_CHARS = 4096  # far above any real token; bounds the work a junk POST causes
MAX_AGE_YEARS = 125  # as the sign-in form: an older birth date is a typo

_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REQUIRED = ("pid", "first_name", "last_name", "dob", "iat", "exp", "nonce")


class HandoffError(Exception):
    """A refused hand-off. `reason` is a short machine word, safe to audit (never PHI)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Handoff:
    """The verified claims. PHI fields stay out of repr, so a stray log line shows none."""

    pid: str = field(repr=False)
    first_name: str = field(repr=False)
    last_name: str = field(repr=False)
    dob: str = field(repr=False)  # YYYY-MM-DD
    email: str | None = field(repr=False)
    phone: str | None = field(repr=False)
    iat: float
    exp: float
    nonce: str = field(repr=False)


def verify_handoff(token: str, *, now: float | None = None) -> Handoff:
    """Return the claims of a valid, unused token and record it as used; else raise HandoffError.

    The caller that cannot finish the sign-in afterwards calls `release_handoff`.
    """
    now = time.time() if now is None else now
    secrets = HandoffSecret.accepted()
    if not secrets:
        raise HandoffError("not_configured")
    payload, signature = _split(token)
    if not _signed_by_any(payload, signature, secrets):
        raise HandoffError("bad_signature")
    handoff = _claims(_decode_json(payload), now)
    if handoff.exp - handoff.iat > MAX_LIFETIME_SECONDS:
        raise HandoffError("lifetime_too_long")
    if handoff.iat > now + CLOCK_SKEW_SECONDS:
        raise HandoffError("not_yet_valid")
    if now > handoff.exp + CLOCK_SKEW_SECONDS:
        raise HandoffError("expired")
    _use_nonce(handoff, now)
    return handoff


def release_handoff(handoff: Handoff) -> None:
    """Forget that a hand-off was used, so the same token can be tried again (until it expires)."""
    UsedHandoffNonce.objects.filter(digest=_nonce_digest(handoff.nonce)).delete()


# --- format --------------------------------------------------------------------------------


def _split(token: str) -> tuple[str, bytes]:
    """Return the payload string and the signature bytes; raise "malformed" if not two base64url parts."""
    token = (token or "").strip()
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise HandoffError("malformed")
    payload, signature = token.split(".")
    _b64decode(payload)  # checked now so junk is "malformed", not "bad_signature"
    return payload, _b64decode(signature)


def _b64decode(part: str) -> bytes:
    if not _B64URL.match(part):  # also refuses "=" padding, which the format leaves out
        raise HandoffError("malformed")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise HandoffError("malformed") from None


def _signed_by_any(payload: str, signature: bytes, secrets: list[str]) -> bool:
    """Check against every accepted secret (current and in-grace), in constant time each."""
    message = payload.encode("ascii")
    matched = False
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
        # No early exit: the time taken does not say which secret matched.
        matched |= hmac.compare_digest(expected, signature)
    return matched


def _decode_json(payload: str) -> dict[str, Any]:
    try:
        claims = json.loads(_b64decode(payload).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HandoffError("malformed") from None
    if not isinstance(claims, dict):
        raise HandoffError("malformed")
    return claims


# --- claims --------------------------------------------------------------------------------


def _claims(raw: dict[str, Any], now: float) -> Handoff:
    if any(raw.get(name) is None for name in _REQUIRED):
        raise HandoffError("missing_claims")
    iat, exp = _seconds(raw["iat"]), _seconds(raw["exp"])
    if exp < iat:
        raise HandoffError("bad_claims")
    return Handoff(
        pid=_pid(raw["pid"]),
        first_name=_name(raw["first_name"]),
        last_name=_name(raw["last_name"]),
        dob=_dob(raw["dob"], now),
        email=_email(raw.get("email")),
        phone=_phone(raw.get("phone")),
        iat=iat,
        exp=exp,
        nonce=_text(raw["nonce"], 16, 256),
    )


def _text(value: Any, shortest: int, longest: int) -> str:
    if (
        not isinstance(value, str)
        or not shortest <= len(value) <= longest
        or not value.isprintable()
    ):
        raise HandoffError("bad_claims")
    return value


def _pid(value: Any) -> str:
    pid = _text(value, 1, 64)
    # VSee keys the patient on it: " 42" and "42" must not become two patients.
    if pid.strip() != pid:
        raise HandoffError("bad_claims")
    return pid


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise HandoffError("bad_claims")
    return _text(" ".join(value.split()), 1, 50)


def _dob(value: Any, now: float) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise HandoffError("bad_claims")
    try:
        born = datetime.date.fromisoformat(value)
    except ValueError:
        raise HandoffError("bad_claims") from None
    today = datetime.datetime.fromtimestamp(now, tz=datetime.UTC).date()
    if born > today or born.year < today.year - MAX_AGE_YEARS:
        raise HandoffError("bad_claims")
    return value


def _email(value: Any) -> str | None:
    if value is None or value == "":
        return None
    email = _text(value, 3, 254)
    try:
        validate_email(email)
    except ValidationError:
        raise HandoffError("bad_claims") from None
    return email


def _phone(value: Any) -> str | None:
    if value is None or value == "":
        return None
    phone = _text(value, 3, 40)
    if not any(ch.isdigit() for ch in phone):
        raise HandoffError("bad_claims")
    return phone


def _seconds(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
    ):
        raise HandoffError("bad_claims")
    return value


# --- single use ----------------------------------------------------------------------------


def _nonce_digest(nonce: str) -> str:
    return salted_hmac(
        "portal.patients.handoff.nonce", nonce, algorithm="sha256"
    ).hexdigest()


def _moment(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def _use_nonce(handoff: Handoff, now: float) -> None:
    """Record the nonce; a second insert of it fails on the unique digest, in any process."""
    # A nonce only needs keeping while its token could still pass the expiry check.
    UsedHandoffNonce.objects.filter(expires_at__lt=_moment(now)).delete()
    try:
        with transaction.atomic():
            UsedHandoffNonce.objects.create(
                digest=_nonce_digest(handoff.nonce),
                expires_at=_moment(handoff.exp + CLOCK_SKEW_SECONDS),
            )
    except IntegrityError:
        raise HandoffError("replayed") from None


# --- exchange for a new tab ----------------------------------------------------------------

EXCHANGE_SECONDS = 120  # from the frame's "Continue in a new tab" to the tab opening


def _code_digest(code: str) -> str:
    return salted_hmac(
        "portal.patients.handoff.exchange", code, algorithm="sha256"
    ).hexdigest()


def exchange_code(claims: dict[str, Any]) -> str:
    """Keep verified claims, encrypted, under a new one-time code; return the code."""
    HandoffExchange.objects.filter(expires_at__lt=_moment(time.time())).delete()
    code = token_urlsafe(24)
    HandoffExchange.objects.create(
        digest=_code_digest(code),
        sealed_claims=seal(claims),
        expires_at=_moment(time.time() + EXCHANGE_SECONDS),
    )
    return code


def _exchange_rows(code: str) -> Any:
    if not code or len(code) > 64 or not _B64URL.match(code):
        return HandoffExchange.objects.none()
    return HandoffExchange.objects.filter(
        digest=_code_digest(code), expires_at__gte=_moment(time.time())
    )


def peek_exchange(code: str) -> dict[str, Any] | None:
    """Return the claims kept under a code while it lasts, leaving it to be taken."""
    row = _exchange_rows(code).first()
    try:
        return unseal_data(row.sealed_claims) if row else None
    except IdentityUnreadable:
        return None


def take_exchange(code: str) -> dict[str, Any] | None:
    """Return the claims kept under a code, once, while it lasts; else None."""
    rows = _exchange_rows(code)
    row = rows.first()
    if row is None or not rows.filter(pk=row.pk).delete()[0]:
        return None  # unknown, expired, or taken by a request racing this one
    try:
        return unseal_data(row.sealed_claims)
    except IdentityUnreadable:
        return None
