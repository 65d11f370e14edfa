"""Who a patient is to VSee, and how the portal knows them again.

A patient's VSee `code` is the clinic's `pid` (hand-off) or a keyed hash of their email.
The first sign-in for a code records who the patient is (name and birth date, encrypted);
every later sign-in sends VSee exactly that, so what someone types can never rewrite a
patient's record, whatever VSee does with a repeated users/sso call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.db import IntegrityError, transaction

from portal.crypto import cipher_for
from portal.patients.models import KnownPatient


def normalise_email(email: str) -> str:
    return email.strip().lower()


def fold_name(name: str) -> str:
    """A name as compared: letter case and spacing aside."""
    return " ".join(name.split()).casefold()


def code_key() -> bytes:
    """The key of every keyed hash that stands for a patient (PATIENT_CODE_KEY)."""
    key = settings.PATIENT_CODE_KEY or f"patient-code:{settings.SECRET_KEY}"
    return key.encode()


def patient_code(email: str) -> str:
    """Return the users/sso `code` for an email: the same person always gets the same one,
    and without the key nobody can work out another person's."""
    message = f"{settings.VSEE_ACCOUNT_CODE}:{normalise_email(email)}".encode()
    return "em-" + hmac.new(code_key(), message, hashlib.sha256).hexdigest()[:40]


def email_ref(email: str) -> str:
    """A keyed hash of an email, for rate-limit keys: no address in the cache."""
    message = f"ref:{normalise_email(email)}".encode()
    return hmac.new(code_key(), message, hashlib.sha256).hexdigest()[:32]


def code_ref(code: str) -> str:
    """A keyed hash of a VSee patient code: how a known patient's row is found."""
    message = f"known:{settings.VSEE_ACCOUNT_CODE}:{code}".encode()
    return hmac.new(code_key(), message, hashlib.sha256).hexdigest()


class IdentityUnreadable(Exception):
    """A known patient's record can't be decrypted: PATIENT_DATA_KEYS lost the key."""


@dataclass(frozen=True)
class Identity:
    """What VSee's record says the patient is. Out of repr, so no log line shows it."""

    first_name: str = field(repr=False)
    last_name: str = field(repr=False)
    dob: str = field(repr=False)  # YYYY-MM-DD

    def born_on(self, dob: str) -> bool:
        return hmac.compare_digest(self.dob.encode(), dob.encode())

    def same_person_as(self, other: Identity) -> bool:
        """The same name (letter case and spacing aside) and birth date."""
        return (
            fold_name(self.first_name) == fold_name(other.first_name)
            and fold_name(self.last_name) == fold_name(other.last_name)
            and self.born_on(other.dob)
        )


def _cipher() -> MultiFernet:
    return cipher_for("portal.patients.identity", tuple(settings.PATIENT_DATA_KEYS))


def seal(data: dict[str, Any]) -> str:
    """Encrypt patient details for the database (PATIENT_DATA_KEYS)."""
    return _cipher().encrypt(json.dumps(data).encode()).decode()


def unseal_data(token: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(_cipher().decrypt(token.encode()))
    except InvalidToken:
        raise IdentityUnreadable from None
    return data


def _seal(identity: Identity) -> str:
    return seal(asdict(identity))


def unseal(token: str) -> Identity:
    return Identity(**unseal_data(token))


def known_identity(code: str) -> Identity | None:
    """Return who the patient with this code is, or None if the portal has not seen them."""
    row = KnownPatient.objects.filter(ref=code_ref(code)).first()
    return unseal(row.sealed_identity) if row else None


def remember_identity(code: str, identity: Identity) -> Identity:
    """Record who a new patient is and return it; if the code is known already (another
    sign-in got there first), return what was recorded then instead."""
    try:
        with transaction.atomic():
            KnownPatient.objects.create(
                ref=code_ref(code), sealed_identity=_seal(identity)
            )
    except IntegrityError:
        known = known_identity(code)
        if known is None:  # cannot happen: the row that collided is there
            raise
        return known
    return identity


def reseal_all() -> int:
    """Re-encrypt every record under the first of PATIENT_DATA_KEYS; return how many."""
    cipher = _cipher()
    done = 0
    for row in KnownPatient.objects.only("pk", "sealed_identity").iterator():
        resealed = cipher.rotate(row.sealed_identity.encode()).decode()
        KnownPatient.objects.filter(pk=row.pk).update(sealed_identity=resealed)
        done += 1
    return done
