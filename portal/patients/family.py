"""People in a patient's care: each with their own VSee patient record, reached through
the signed-in patient, whose own record their visits never touch.

A person's VSee code is derived from the patient's code and the person's name and birth
date, so the same patient adding the same person again reaches the same record. Their
name and birth date are kept like any known patient's (identity.py: encrypted), and the
link says only whose list they are on, by a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from portal.patients.identity import (
    Identity,
    IdentityUnreadable,
    code_key,
    code_ref,
    fold_name,
    remember_identity,
    unseal,
)
from portal.patients.models import CareLink, KnownPatient
from portal.vsee.schemas import UserType
from portal.vsee.service import (
    PatientVSee,
    current_patient,
    get_client,
    remember_person,
    signed_in_person,
)

log = logging.getLogger(__name__)

CODE_KEY = (
    "patients.code"  # the signed-in patient's VSee code, for their people's codes
)
OWNERS_KEY = "patients.visit_owners"  # visit id -> person key, as last seen
ME = ""  # the person key of the signed-in patient themselves


@dataclass(frozen=True)
class Person:
    """Someone a visit can be for. `key` is "" for the patient, else their link's id."""

    key: str
    first_name: str = field(repr=False)
    identity: Identity | None = field(default=None, repr=False)

    @property
    def is_me(self) -> bool:
        return self.key == ME


def may_have_people(session: SessionBase) -> bool:
    """Only a patient signed in by email or hand-off has a list (guests have none)."""
    patient = current_patient(session)
    return bool(patient and not patient.is_guest and session.get(CODE_KEY))


def person_code(guardian_code: str, identity: Identity) -> str:
    """Return the VSee code of a person in care: the same for the same guardian and person
    (letter case and spacing aside), unguessable without PATIENT_CODE_KEY."""

    message = (
        f"care:{settings.VSEE_ACCOUNT_CODE}:{guardian_code}:"
        f"{fold_name(identity.first_name)}|{fold_name(identity.last_name)}|{identity.dob}"
    ).encode()
    return "fm-" + hmac.new(code_key(), message, hashlib.sha256).hexdigest()[:40]


def _guardian_ref(session: SessionBase) -> str:
    return code_ref(session.get(CODE_KEY) or "")


def people_in_care(session: SessionBase) -> list[Person]:
    """The people on the signed-in patient's list, oldest first."""
    if not may_have_people(session):
        return []
    people = []
    links = CareLink.objects.filter(guardian_ref=_guardian_ref(session))
    for link in links.select_related("person"):
        try:
            identity = unseal(link.person.sealed_identity)
        except IdentityUnreadable:
            log.error("family: a person's record can't be decrypted")
            continue
        people.append(Person(str(link.pk), identity.first_name, identity))
    return people


def person(session: SessionBase, key: str) -> Person | None:
    """The person with this key on the signed-in patient's list, or None."""
    return next((p for p in people_in_care(session) if p.key == key), None)


def add_person(session: SessionBase, identity: Identity) -> Person:
    """Put someone on the signed-in patient's list (once) and return them."""
    code = person_code(session[CODE_KEY], identity)
    recorded = remember_identity(code, identity)
    known = KnownPatient.objects.get(ref=code_ref(code))
    link, _ = CareLink.objects.get_or_create(
        guardian_ref=_guardian_ref(session), person=known
    )
    return Person(str(link.pk), recorded.first_name, recorded)


def vsee_for(session: SessionBase, key: str) -> PatientVSee:
    """The VSee calls of a visit for this person: the patient's own, or the person's,
    signed in to VSee as themselves (once per session, again when the token runs out).

    Raises VSeeError when VSee can't sign the person in, and LookupError for a key that
    is not on the patient's list.
    """
    client = get_client()
    if key == ME:
        return PatientVSee(session, client)
    if signed_in_person(session, key) is None:
        found = person(session, key)
        if found is None or found.identity is None:
            raise LookupError("not in this patient's care")
        who = found.identity
        user = client.user_sso(
            type=UserType.PATIENT,
            code=person_code(session[CODE_KEY], who),
            first_name=who.first_name,
            last_name=who.last_name,
            dob=who.dob,
        )
        remember_person(session, key, user)
    return PatientVSee(session, client, person=key)


def vsee_for_visit(session: SessionBase, visit_id: str) -> PatientVSee:
    """The VSee calls for a visit already opened: as the person whose visit it is."""
    return vsee_for(session, owner_of(session, visit_id) or ME)


def remember_owner(session: SessionBase, visit_ids: list[str], key: str) -> None:
    """Note whose visits these are, so their pages ask VSee as the right person."""
    owners = dict(session.get(OWNERS_KEY) or {})
    changed = False
    for visit_id in visit_ids:
        if visit_id and owners.get(visit_id) != key:
            owners[visit_id] = key
            changed = True
    if changed:
        session[OWNERS_KEY] = owners


def owner_of(session: SessionBase, visit_id: str) -> str | None:
    """The person key noted for a visit, or None when this session hasn't seen it."""
    return (session.get(OWNERS_KEY) or {}).get(visit_id)
