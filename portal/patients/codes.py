"""Email one-time codes: six digits, ten minutes, five tries, one use.

The challenge lives in the asking browser's server-side session, so a code only works where
it was asked for; only a keyed hash of the code is kept. A right code proves the mailbox,
not who the patient is: the challenge then stays, marked verified, for the step that
confirms (or, the first time, asks) the patient's birth date.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import asdict, dataclass, fields
from enum import Enum

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

CHALLENGE_KEY = "patients.challenge"


class CodeCheck(Enum):
    OK = "ok"
    WRONG = "wrong_code"
    EXPIRED = "expired_code"
    TOO_MANY_TRIES = "too_many_tries"
    NONE_PENDING = "no_code"


@dataclass
class Challenge:
    code_hash: str
    expires_at: float
    tries: int
    email: str
    next: str
    verified: bool = False

    @property
    def tries_left(self) -> int:
        return max(0, settings.SIGN_IN_CODE_TRIES - self.tries)


def _hash(code: str) -> str:
    key = f"sign-in-code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def start_challenge(
    session: SessionBase,
    *,
    code: str,
    email: str,
    next: str,
) -> Challenge:
    """Remember who is signing in and the hash of their code; an earlier code stops working."""
    challenge = Challenge(
        code_hash=_hash(code),
        expires_at=time.time() + settings.SIGN_IN_CODE_MINUTES * 60,
        tries=0,
        email=email,
        next=next,
    )
    session[CHALLENGE_KEY] = asdict(challenge)
    return challenge


def pending_challenge(session: SessionBase) -> Challenge | None:
    raw = session.get(CHALLENGE_KEY)
    if not raw:
        return None
    known = {f.name for f in fields(Challenge)}
    return Challenge(**{k: v for k, v in raw.items() if k in known})


def verified_challenge(session: SessionBase) -> Challenge | None:
    """Return the challenge whose code was right, while it lasts; else None."""
    challenge = pending_challenge(session)
    if challenge is None or not challenge.verified:
        return None
    if time.time() > challenge.expires_at:
        session.pop(CHALLENGE_KEY, None)
        return None
    return challenge


def end_challenge(session: SessionBase) -> None:
    session.pop(CHALLENGE_KEY, None)


def check_code(session: SessionBase, code: str) -> tuple[CodeCheck, Challenge | None]:
    """Check a typed code. The last wrong try uses the challenge up; a right code marks it
    verified, to be ended by the step after, so a VSee failure there can be retried."""
    challenge = pending_challenge(session)
    if challenge is None or challenge.verified:
        return CodeCheck.NONE_PENDING, None
    if time.time() > challenge.expires_at:
        session.pop(CHALLENGE_KEY, None)
        return CodeCheck.EXPIRED, challenge
    if hmac.compare_digest(challenge.code_hash, _hash(code)):
        # The code is spent; the next step gets a lifetime of its own.
        challenge.verified = True
        challenge.code_hash = ""
        challenge.expires_at = time.time() + settings.SIGN_IN_CODE_MINUTES * 60
        session[CHALLENGE_KEY] = asdict(challenge)
        return CodeCheck.OK, challenge
    challenge.tries += 1
    if challenge.tries >= settings.SIGN_IN_CODE_TRIES:
        session.pop(CHALLENGE_KEY, None)
        return CodeCheck.TOO_MANY_TRIES, challenge
    session[CHALLENGE_KEY] = asdict(challenge)
    return CodeCheck.WRONG, challenge
