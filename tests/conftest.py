"""Shared fixtures: the live sandbox over HTTP, and the personas ada, ben and guest."""

from __future__ import annotations

import functools
import re
import sqlite3
import sys
import threading
import time

import hypothesis  # noqa: F401 - loaded up front, not by its plugin at the end
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.utils import translation

from portal.vsee.client import VSeeClient, shared_session
from portal.vsee.errors import VSeeSlotTaken
from portal.vsee.schemas import SsoUser
from portal.vsee.service import get_client
from sandbox.demo import load_demo_configuration
from sandbox.seed import seed_demo

ADA = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "code": "demo-ada",
    "dob": "1985-12-10",
    "email": "ada@example.com",
}
BEN = {
    "first_name": "Ben",
    "last_name": "Okafor",
    "code": "demo-ben",
    "dob": "1990-03-04",
    "email": "ben@example.com",
}


def _waiting_for_shared_cache_locks(execute):
    """Wait out another connection's table lock, as the portal's SQLite file does.

    The test database is SQLite in memory in shared-cache mode, where a statement that
    meets another connection's lock fails at once with "database table is locked": the
    busy timeout the portal sets (settings.py) applies to files only. Tests that run
    requests in threads (two submits at once, the live server) would otherwise fail
    where the real database waits a few milliseconds. A failed statement is rolled back
    by itself, so it may be run again."""

    @functools.wraps(execute)
    def waiting(self, *args, **kwargs):
        deadline = time.monotonic() + 10
        while True:
            try:
                return execute(self, *args, **kwargs)
            except sqlite3.OperationalError as exc:
                if "table is locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    return waiting


SQLiteCursorWrapper.execute = _waiting_for_shared_cache_locks(
    SQLiteCursorWrapper.execute
)
SQLiteCursorWrapper.executemany = _waiting_for_shared_cache_locks(
    SQLiteCursorWrapper.executemany
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rooms are cached between requests)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page the test client fetched in
    Spanish leaves Spanish active in the test's thread, for code the next test calls."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


# Requests the live server's threads are serving. The test client's run in the test's
# own thread, and a streamed answer it leaves unread never says it finished.
_serving = {"now": 0}
_serving_lock = threading.Lock()


def _request_started(**_signal: object) -> None:
    if threading.current_thread() is not threading.main_thread():
        with _serving_lock:
            _serving["now"] += 1


def _request_finished(**_signal: object) -> None:
    if threading.current_thread() is not threading.main_thread():
        with _serving_lock:
            _serving["now"] -= 1


request_started.connect(_request_started, dispatch_uid="tests-serving-started")
request_finished.connect(_request_finished, dispatch_uid="tests-serving-finished")


@pytest.fixture(autouse=True)
def _live_server_done_before_the_flush(request):
    """After a live-server test, wait for the requests the live server is still serving
    (a browser's late icon or upload) before the database is emptied for the next test:
    they share its in-memory SQLite connection, and emptying it under a running query
    fails with "database table is locked", leaving the connection half in a transaction
    for the tests after. Set up after pytest-django's live-server helper, so torn down
    before it (and its flush), and after the test's pages are closed."""
    yield
    if "live_server" not in request.fixturenames:
        return
    deadline = time.monotonic() + 10
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if _serving["now"] > 0:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.05:
            return
        time.sleep(0.01)


@pytest.fixture
def vsee_live(live_server, settings):
    """Point the portal's real client at the sandbox over HTTP, with the demo (and its room) loaded.

    This is the VSEE_API_BASE_URL swap: the code under test is the production path.
    """
    base = f"{live_server.url}/sandbox/api_v3"
    settings.VSEE_SANDBOX_ENABLED = True
    settings.VSEE_API_BASE_URL = base
    settings.VSEE_ACCOUNT_CODE = settings.SANDBOX_ACCOUNT_CODE
    settings.VSEE_API_KEY = settings.SANDBOX_API_KEY
    settings.VSEE_API_SECRET = settings.SANDBOX_API_SECRET
    settings.VSEE_CLINIC_URL = f"{live_server.url}/sandbox/clinic/"
    settings.SANDBOX_FAULTS = []
    seed_demo()
    load_demo_configuration()
    yield base
    # Close kept-alive connections so the live server's request threads end with the test.
    shared_session().close()


@pytest.fixture
def vsee(vsee_live) -> VSeeClient:
    """Return the real client, talking to the live sandbox."""
    return get_client()


@pytest.fixture
def ada(vsee) -> SsoUser:
    """Ada: a patient with one past, completed visit in the demo."""
    return vsee.user_sso(type=200, **ADA)


@pytest.fixture
def ben(vsee) -> SsoUser:
    """Ben: a second patient, for checks across patients."""
    return vsee.user_sso(type=200, **BEN)


def book_every_provider(
    vsee: VSeeClient, patient: SsoUser, start: int, end: int
) -> int:
    """Book `patient` at that time with every provider free then; return how many."""
    made = 0
    while True:
        intake = vsee.intake_create(
            token=patient.token.token, room_code="demo-room", type=2
        )
        try:
            vsee.visit_create(
                token=patient.token.token,
                room_code="demo-room",
                intake_id=intake.id,
                slot_start=start,
                slot_end=end,
            )
        except VSeeSlotTaken:
            return made
        made += 1


@pytest.fixture
def guest(vsee) -> SsoUser:
    """A one-time guest (type 600): no code, no history."""
    return vsee.user_sso(
        type=600, first_name="Grace", last_name="Guest", dob="1970-01-01"
    )


def spy(monkeypatch, owner, name: str) -> list[dict]:
    """Record the keyword arguments of every call to `owner.name`, which still runs."""
    made: list[dict] = []
    real = getattr(owner, name)

    def recording(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return made


def made_visit_id(location: str) -> str:
    """The visit a review's redirect names: /booked/<id>/, or /visits/<id>/join/ for a
    walk-in, which goes straight into the waiting room."""
    match = re.fullmatch(r"/(?:booked|visits)/([^/]+)/(?:join/)?", location)
    assert match, location
    return match.group(1)


def sign_in_by_email(client, mailoutbox, person: dict, next_path: str = "/") -> str:
    """Sign `person` in the real way (email, code, then who they are); return where to.

    The last step takes name and birth date the first time and the birth date after:
    posting all three serves both.
    """
    r = client.post("/sign-in/", {"email": person["email"], "next": next_path})
    assert r.status_code == 302, r.content.decode()[:500]
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    r = client.post("/sign-in/code/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/sign-in/you/"
    who = {k: person[k] for k in ("first_name", "last_name", "dob")}
    r = client.post("/sign-in/you/", who)
    assert r.status_code == 302, r.content.decode()[:500]
    return r["Location"]


@pytest.fixture
def patient_client(client, vsee_live, mailoutbox):
    """A browser session signed in as Ada the real way: email, code, VSee SSO."""
    sign_in_by_email(client, mailoutbox, ADA)
    return client


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many requests the fuzz made, for SECURITY.md's figures."""
    fuzz = sys.modules.get("tests.test_fuzz")
    if fuzz is not None and fuzz.Counted.total:
        terminalreporter.write_line(
            f"fuzz: {fuzz.Counted.total} requests to the patient pages"
        )
