"""The session store (portal/sessions.py): written only when something changed, the idle
expiry pushed forward once a minute, the data encrypted at rest."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.sessions import SessionStore, cipher
from tests.booking.test_intake import ANSWERS

URL = "/rooms/demo-room/walkin/"


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def test_a_slow_page_does_not_write_back_a_stale_draft(patient_client, settings):
    assert patient_client.post(URL, ANSWERS).status_code == 302
    # The history page waits on a slow VSee while the patient changes an answer elsewhere.
    settings.SANDBOX_FAULTS = [{"endpoint": "visits.list", "latency_ms": 1200}]
    slow = Client()
    slow.cookies = patient_client.cookies
    thread = threading.Thread(target=lambda: slow.get("/visits/"))
    thread.start()
    time.sleep(0.4)  # the slow request has loaded the session by now
    changed = {**ANSWERS, "custom_allergies": "Latex"}
    assert patient_client.post(URL, changed).status_code == 302
    thread.join()
    assert patient_client.session["booking.draft"]["answers"]["custom_allergies"] == (
        "Latex"
    )


class TestWritingOnlyWhatChanged:
    def test_a_page_that_changes_nothing_writes_nothing(self, patient_client):
        assert patient_client.post(URL, ANSWERS).status_code == 302
        with CaptureQueriesContext(connection) as queries:
            r = patient_client.get(URL)
        assert r.status_code == 200
        assert session_writes(queries) == []
        assert "sessionid" not in r.cookies

    @pytest.mark.parametrize(
        "page",
        [
            "/",
            "/rooms/demo-room/",
            URL,
            "/rooms/demo-room/appointment/time/",
            "/visits/",
            "/device-check/",
        ],
    )
    def test_reading_a_page_writes_nothing_anywhere(self, patient_client, page):
        # Read once (whatever a first read sets up, like a person's VSee sign-in, is
        # kept); from then on, reading writes nothing to any table.
        patient_client.post(URL, ANSWERS)
        patient_client.get(page)
        with CaptureQueriesContext(connection) as queries:
            r = patient_client.get(page)
        assert r.status_code == 200
        writes = [
            q["sql"]
            for q in queries
            if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
        ]
        assert writes == []

    def test_a_change_is_written(self, patient_client):
        with CaptureQueriesContext(connection) as queries:
            assert patient_client.post(URL, ANSWERS).status_code == 302
        assert len(session_writes(queries)) == 1


class TestTheIdleExpiry:
    def test_it_is_pushed_forward_when_last_pushed_over_a_minute_ago(
        self, patient_client, settings
    ):
        assert patient_client.post(URL, ANSWERS).status_code == 302
        row = session_row(patient_client)
        row.expire_date = timezone.now() + timedelta(
            seconds=settings.SESSION_COOKIE_AGE - 61
        )
        row.save()
        r = patient_client.get(URL)
        assert r.status_code == 200
        pushed = session_row(patient_client).expire_date
        assert pushed - row.expire_date > timedelta(seconds=55)
        assert r.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
        # The data was not rewritten: only the expiry moved.
        assert session_row(patient_client).session_data == row.session_data

    def test_it_is_left_alone_within_the_minute(self, patient_client):
        assert patient_client.post(URL, ANSWERS).status_code == 302
        before = session_row(patient_client).expire_date
        with CaptureQueriesContext(connection) as queries:
            r = patient_client.get(URL)
        assert session_writes(queries) == []
        assert "sessionid" not in r.cookies
        assert session_row(patient_client).expire_date == before

    def test_an_expired_session_is_not_brought_back(self, patient_client):
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
        r = patient_client.get(URL)
        assert r.status_code == 302
        assert r.headers["Location"] == "/signed-out/?reason=idle"


class TestEncryptionAtRest:
    def test_the_draft_is_unreadable_in_the_database(self, patient_client):
        assert patient_client.post(URL, ANSWERS).status_code == 302
        raw = session_row(patient_client).session_data
        assert "Sore throat" not in raw and "Penicillin" not in raw
        assert b"Sore throat for three days" in cipher().decrypt(raw.encode())

    def test_a_rotated_key_still_reads_sessions_while_it_is_a_fallback(self, settings):
        settings.SECRET_KEY = "old-key-" + "o" * 40
        raw = SessionStore().encode({"booking.draft": {"reason": "Cough"}})
        settings.SECRET_KEY = "new-key-" + "n" * 40
        settings.SECRET_KEY_FALLBACKS = ["old-key-" + "o" * 40]
        assert SessionStore().decode(raw) == {"booking.draft": {"reason": "Cough"}}

        settings.SECRET_KEY_FALLBACKS = []
        assert SessionStore().decode(raw) == {}


class TestALockedDatabase:
    def test_a_save_that_meets_a_lock_is_tried_again(self, db, monkeypatch):
        from django.contrib.sessions.backends import db as db_sessions
        from django.contrib.sessions.backends.base import UpdateError

        from portal import sessions

        monkeypatch.setattr(sessions, "SAVE_RETRY_SECONDS", 0)
        real = db_sessions.SessionStore.save
        tries = []

        def locked_once(self, must_create=False):
            tries.append(must_create)
            if len(tries) == 1:
                raise UpdateError  # what Django makes of "database table is locked"
            return real(self, must_create=must_create)

        monkeypatch.setattr(db_sessions.SessionStore, "save", locked_once)
        store = sessions.SessionStore()
        store["answer"] = "kept"
        store.create()
        store["answer"] = "changed"
        store.save()
        assert len(tries) == 3  # created, then locked once, then saved
        assert sessions.SessionStore(store.session_key)["answer"] == "changed"

    def test_a_deleted_session_still_fails_after_its_tries(self, db, monkeypatch):
        from django.contrib.sessions.backends.base import UpdateError

        from portal import sessions

        monkeypatch.setattr(sessions, "SAVE_RETRY_SECONDS", 0)
        store = sessions.SessionStore()
        store["answer"] = "kept"
        store.create()
        store.delete()
        store["answer"] = "changed"
        with pytest.raises(UpdateError):
            store.save()
