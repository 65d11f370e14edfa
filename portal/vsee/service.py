"""The request-scoped face of the service module: what views call.

It builds the client from settings, keeps the patient's VSee token in the server-side
session (never in a cookie, a page or a URL of ours), and caches what a flow reads twice:
intakes in the session, rooms in the cache.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from portal.generations import Generation
from portal.running import stepping_out
from portal.vsee.client import Upload, VSeeClient
from portal.vsee.client.breaker import Breaker
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected
from portal.vsee.schemas import (
    Intake,
    Room,
    Slot,
    SsoUser,
    UploadedFile,
    UserType,
    Visit,
    VisitList,
)

PATIENT_KEY = "vsee.patient"
# VSee sign-ins of the people in the patient's care, made this session, by person key.
PEOPLE_KEY = "vsee.people"
INTAKES_KEY = "vsee.intakes"
# After VSee fails to name a room's providers, pages go without names this long.
PROVIDER_NAMES_RETRY_SECONDS = 60
# Refresh a token this long before VSee says it expires (beyond-the-seed §2: refresh early).
TOKEN_MARGIN_SECONDS = 300

_CREDENTIALS = (
    "VSEE_API_BASE_URL",
    "VSEE_ACCOUNT_CODE",
    "VSEE_API_KEY",
    "VSEE_API_SECRET",
)


def missing_credentials() -> list[str]:
    """Return the names of the VSee settings that are not set."""
    return [name for name in _CREDENTIALS if not getattr(settings, name, "")]


def get_client() -> VSeeClient:
    """Return a client configured from settings; raise naming any missing variable."""
    missing = missing_credentials()
    if missing:
        raise ImproperlyConfigured(f"{missing[0]} is not set (see .env.example)")
    return VSeeClient(
        base_url=settings.VSEE_API_BASE_URL,
        account_code=settings.VSEE_ACCOUNT_CODE,
        api_key=settings.VSEE_API_KEY,
        api_secret=settings.VSEE_API_SECRET,
        connect_timeout=settings.VSEE_CONNECT_TIMEOUT,
        read_timeout=settings.VSEE_READ_TIMEOUT,
        deadline=settings.VSEE_DEADLINE,
        max_in_flight=settings.VSEE_MAX_CONCURRENT_CALLS,
        place_wait=settings.VSEE_PLACE_WAIT_SECONDS,
        breaker=vsee_breaker(),
        users_get_no_email=settings.PORTAL_SENDS_EMAILS,
        while_waiting=waiting_on_vsee,
        # A connection for every call that may be waiting at once, none thrown away.
        pool_size=settings.VSEE_MAX_CONCURRENT_CALLS + settings.VSEE_CALLS_AT_ONCE,
    )


def release_database() -> None:
    """Give back this thread's database connection before waiting on VSee: a server with
    many threads, most of them waiting on VSee, would otherwise hold one connection per
    thread (PostgreSQL refuses past max_connections). The next query takes one again,
    from the pool with PostgreSQL. Not inside a transaction, which must keep its own."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.in_atomic_block:
            connection.close()


@contextmanager
def waiting_on_vsee() -> Iterator[None]:
    """While a call waits on VSee: no database connection held, and the thread's place
    among those running the portal's code given to another (portal/running.py)."""
    release_database()
    with stepping_out():
        yield


def vsee_breaker() -> Breaker:
    """Return the circuit breaker for the clinic's VSee account (state in the cache)."""
    return Breaker(
        cache,
        name=settings.VSEE_ACCOUNT_CODE,
        threshold=settings.VSEE_BREAKER_FAILURES,
        window=settings.VSEE_BREAKER_WINDOW,
        cooldown=settings.VSEE_BREAKER_COOLDOWN,
        probe_timeout=settings.VSEE_DEADLINE + 1,
    )


def get_room(code: str, *, client: VSeeClient | None = None) -> Room:
    """Return a room, cached briefly: every landing page needs it and it rarely changes."""
    key = f"vsee:room:{settings.VSEE_ACCOUNT_CODE}:{code}"
    cached = cache.get(key)
    if cached is not None:
        return Room.model_validate(cached)
    room = (client or get_client()).room_get(code=code)
    cache.set(
        key,
        room.model_dump(mode="json", by_alias=True),
        settings.VSEE_ROOM_CACHE_SECONDS,
    )
    return room


def get_room_providers(
    code: str, *, client: VSeeClient | None = None
) -> dict[str, str]:
    """Return a room's provider display names by id, cached like the room.

    Neither /availability nor GET /rooms/:code names providers; GET /rooms/:code/providers
    does (beyond-the-seed §4).
    """
    key = f"vsee:room-providers:{settings.VSEE_ACCOUNT_CODE}:{code}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    try:
        providers = (client or get_client()).room_providers(code=code)
    except VSeeError:
        # Names are a nicety: a VSee that does not answer this costs one call per
        # minute, not one per page. (Callers still hear of this first failure.)
        cache.set(key, {}, PROVIDER_NAMES_RETRY_SECONDS)
        raise
    names = {p.id: p.display_name for p in providers if p.id and p.display_name}
    cache.set(key, names, settings.VSEE_ROOM_CACHE_SECONDS)
    return names


def clinic_availability(
    *,
    room_code: str,
    consultation_id: str,
    start: int,
    end: int,
    provider_id: str | None = None,
    location: str | None = None,
    client: VSeeClient | None = None,
    fresh: bool = False,
) -> list[Slot]:
    """Return a room's free slots for anyone, signed in or not, with the clinic's key.

    The reference allows GET /availability without a patient token given the key and
    secret, room_code, start, end and consultation_id; `location` narrows it to providers
    licensed in that state.
    """
    params: dict[str, Any] = {
        "room_code": room_code,
        "consultation_id": consultation_id,
        "start": start,
        "end": end,
        "provider_id": provider_id or None,
        "location": location or None,
    }
    return cached_slots(
        params,
        lambda: (client or get_client()).availability_get(**params),
        fresh=fresh,
    )


# --- free times, cached for a few seconds -----------------------------------------------------
# A patient going back and forth between weeks, or many patients looking at one room's
# week, ask VSee once per window every few seconds. A booking, move or cancel made here
# starts a new generation of the cache: the next look asks VSee again.

AVAILABILITY = Generation("vsee:availability:generation")


def cached_slots(
    params: dict[str, Any], fetch: Callable[[], list[Slot]], *, fresh: bool = False
) -> list[Slot]:
    """Return `fetch()`'s free times, kept for VSEE_AVAILABILITY_CACHE_SECONDS under the
    question asked (`params`) and the current generation. `fresh` asks VSee whatever is
    kept (before a time is taken), and keeps its answer."""
    seconds = settings.VSEE_AVAILABILITY_CACHE_SECONDS
    if seconds <= 0:
        return fetch()
    generation = AVAILABILITY.current()
    asked = json.dumps(
        [settings.VSEE_ACCOUNT_CODE, generation, params], sort_keys=True, default=str
    )
    key = f"vsee:availability:{hashlib.sha256(asked.encode()).hexdigest()}"
    slots: list[Slot] | None = None if fresh else cache.get(key)
    if slots is None:
        slots = fetch()
        cache.set(key, slots, seconds)
    return slots


def availability_changed() -> None:
    """Forget every cached free time: one was just taken, moved or given back."""
    AVAILABILITY.advance()


def forget_room(code: str) -> None:
    """Drop a cached room (admin changed it, or a check wants VSee's current answer)."""
    cache.delete(f"vsee:room:{settings.VSEE_ACCOUNT_CODE}:{code}")


@dataclass(frozen=True)
class PatientIdentity:
    """Who is signed in, as kept in the session."""

    token: str
    member_id: str
    expiry: int | None
    type: int

    @property
    def is_guest(self) -> bool:
        return self.type == UserType.GUEST


def remember_patient(
    session: SessionBase, user: SsoUser, *, type: int
) -> PatientIdentity:
    """Store the VSee token and member id from SSO in the session."""
    identity = PatientIdentity(
        token=user.token.token, member_id=user.id, expiry=user.token.expiry, type=type
    )
    session[PATIENT_KEY] = asdict(identity)
    session.pop(PEOPLE_KEY, None)
    session.pop(INTAKES_KEY, None)
    return identity


def current_patient(session: SessionBase) -> PatientIdentity | None:
    """Return who is signed in, or None."""
    raw = session.get(PATIENT_KEY)
    return PatientIdentity(**raw) if raw else None


def forget_patient(session: SessionBase) -> None:
    session.pop(PATIENT_KEY, None)
    session.pop(PEOPLE_KEY, None)
    session.pop(INTAKES_KEY, None)


def remember_person(session: SessionBase, key: str, user: SsoUser) -> PatientIdentity:
    """Store the VSee sign-in of a person in the patient's care, by their person key."""
    identity = PatientIdentity(
        token=user.token.token,
        member_id=user.id,
        expiry=user.token.expiry,
        type=UserType.PATIENT,
    )
    people = dict(session.get(PEOPLE_KEY) or {})
    people[key] = asdict(identity)
    session[PEOPLE_KEY] = people
    return identity


def signed_in_person(session: SessionBase, key: str) -> PatientIdentity | None:
    """Return the VSee sign-in of a person in care while it is good, else None."""
    raw = (session.get(PEOPLE_KEY) or {}).get(key)
    if not raw:
        return None
    identity = PatientIdentity(**raw)
    return None if _spent(identity) else identity


def _spent(identity: PatientIdentity) -> bool:
    return bool(
        identity.expiry and identity.expiry - TOKEN_MARGIN_SECONDS < time.time()
    )


def patient_token(session: SessionBase) -> str:
    """Return the patient's VSee token; raise VSeeAuthExpired if there is none or it is spent."""
    identity = current_patient(session)
    if identity is None:
        raise VSeeAuthExpired("Not signed in")
    if _spent(identity):
        raise VSeeAuthExpired("Token expired")
    return identity.token


class PatientVSee:
    """The VSee calls a signed-in patient makes, bound to one request's session.

    With `person`, the calls are made as that person in the patient's care, with their
    own VSee sign-in (portal/patients/family.py makes it): never as the patient.
    """

    def __init__(
        self,
        session: SessionBase,
        client: VSeeClient | None = None,
        *,
        person: str = "",
    ) -> None:
        self.session = session
        self.client = client or get_client()
        self.person = person

    def _acting(self) -> PatientIdentity:
        if not self.person:
            patient_token(self.session)  # raises when signed out or spent
            identity = current_patient(self.session)
        else:
            identity = signed_in_person(self.session, self.person)
        if identity is None:
            raise VSeeAuthExpired("Not signed in")
        return identity

    @property
    def token(self) -> str:
        return self._acting().token

    @property
    def member_id(self) -> str:
        return self._acting().member_id

    # --- intakes, cached in the session -------------------------------------------------------

    def _intake_cache(self) -> dict[str, Any]:
        return self.session.get(INTAKES_KEY) or {}

    def _cache_intake(self, intake: Intake) -> None:
        cached = self._intake_cache()
        cached[intake.id] = intake.model_dump(mode="json", by_alias=True)
        self.session[INTAKES_KEY] = cached

    def _drop_intake(self, intake_id: str) -> None:
        cached = self._intake_cache()
        if cached.pop(intake_id, None) is not None:
            self.session[INTAKES_KEY] = cached

    def intake_get(self, intake_id: str) -> Intake:
        """Return an intake; the second read in a flow is answered from the session."""
        raw = self._intake_cache().get(intake_id)
        if raw is not None:
            return Intake.model_validate(raw)
        intake = self.client.intake_get(token=self.token, id=intake_id)
        self._cache_intake(intake)
        return intake

    def intake_create(self, **fields: Any) -> Intake:
        """Create an intake and return it (its id is what the flow keeps)."""
        return self.client.intake_create(token=self.token, **fields)

    def intake_update(self, intake_id: str, **fields: Any) -> Intake:
        """Update an intake; the cached copy is dropped so the next read is VSee's."""
        intake = self.client.intake_update(token=self.token, id=intake_id, **fields)
        self._drop_intake(intake_id)
        return intake

    def file_upload(
        self, file: Upload, category: str = "intake_attachment"
    ) -> UploadedFile:
        return self.client.file_upload(token=self.token, file=file, category=category)

    # --- visits -----------------------------------------------------------------------------

    def availability(self, *, fresh: bool = False, **params: Any) -> list[Slot]:
        # Cached under the question asked; the intake id in it carries who is asking
        # (their state), and the token is left out of the key.
        return cached_slots(
            {"as_patient": True, **params},
            lambda: self.client.availability_get(token=self.token, **params),
            fresh=fresh,
        )

    def visit_add_walkin(self, *, intake_id: str, room_code: str) -> Visit:
        return self.client.visit_add_walkin(
            token=self.token, intake_id=intake_id, room_code=room_code
        )

    def visit_add_econsult(self, *, intake_id: str, room_code: str) -> Visit:
        return self.client.visit_add_econsult(
            token=self.token, intake_id=intake_id, room_code=room_code
        )

    def visit_create(self, **fields: Any) -> Visit:
        try:
            return self.client.visit_create(token=self.token, **fields)
        finally:  # made, or refused because the time was taken: either way, ask again
            availability_changed()

    def visit_list(self) -> VisitList:
        return self.client.visit_list(token=self.token)

    def visit_get(self, visit_id: str) -> Visit:
        return self.client.visit_get(token=self.token, id=visit_id)

    def own_visit(self, visit_id: str) -> Visit:
        """Return a visit only if it is the signed-in patient's; otherwise "not found".

        VSee checks this too; checking again here means a VSee slip never shows one
        patient another's visit.
        """
        visit = self.visit_get(visit_id)
        if str(visit.member_id or "") != self.member_id:
            raise VSeeRejected("Visit not found", status=404)
        return visit

    def visit_current(self) -> Visit | None:
        return self.client.visit_current(token=self.token)

    def visit_update(self, visit_id: str, **fields: Any) -> None:
        try:
            self.client.visit_update(token=self.token, id=visit_id, **fields)
        finally:
            availability_changed()

    def visit_close(self, visit_id: str, reason: str) -> str:
        try:
            return self.client.visit_close(token=self.token, id=visit_id, reason=reason)
        finally:
            availability_changed()

    def visit_summary_url(self, visit_id: str) -> str:
        return self.client.visit_summary_export(token=self.token, id=visit_id)

    def join_url(self, visit_id: str) -> str:
        """Return VSee's own page that signs the patient in and opens the visit's video call.

        The one place a token goes into a URL, and it is VSee's URL (beyond-the-seed §3).
        """
        base = settings.VSEE_CLINIC_URL.rstrip("/")
        query = urlencode(
            {"sso_token": self.token, "next": f"/visits/start/{visit_id}"}
        )
        return f"{base}/auth?{query}"
