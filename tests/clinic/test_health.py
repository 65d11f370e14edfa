from __future__ import annotations

import logging
import time
from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
class TestHealthz:
    def test_it_says_ok_while_the_database_answers(self, client):
        r = client.get("/healthz")
        assert r.status_code == 200
        assert r.json() == {"status": "ok", "database": "up"}

    def test_it_says_unavailable_when_the_database_is_down(self, client):
        with mock.patch(
            "portal.clinic.views.connection.cursor",
            side_effect=OperationalError("down"),
        ):
            r = client.get("/healthz")
        assert r.status_code == 503
        assert r.json()["database"] == "down"


class TestReadyz:
    def test_it_is_ready_when_vsee_answers(self, client, vsee_live):
        r = client.get("/readyz")
        assert r.status_code == 200
        assert r.json() == {
            "status": "ok",
            "database": "up",
            "vsee": "up",
            "breaker": "closed",
        }

    def test_it_is_not_ready_when_vsee_fails(self, client, vsee_live, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}
        ]
        settings.VSEE_READY_TIMEOUT = 0.5  # also bounds the GET's retries
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["vsee"] == "VSeeUnavailable"

    def test_it_gives_up_on_a_slow_vsee_after_its_short_timeout(
        self, client, vsee_live, settings
    ):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "force_timeout": True}]
        settings.SANDBOX_HANG_SECONDS = 1.0
        settings.VSEE_READY_TIMEOUT = 0.3
        r = client.get("/readyz")
        assert r.status_code == 503
        time.sleep(
            1.0
        )  # let the hung sandbox thread finish before the test database goes

    def test_it_is_not_ready_without_an_active_room(self, client, vsee_live):
        from portal.clinic.rooms import Room

        Room.objects.update(active=False)
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["vsee"] == "no room configured"

    def test_it_never_shows_credentials(self, client, vsee_live, settings):
        body = client.get("/readyz").content.decode()
        assert (
            settings.VSEE_API_KEY not in body and settings.VSEE_API_SECRET not in body
        )

    def test_it_reuses_vsee_s_answer_for_a_few_seconds(
        self, client, vsee_live, settings, caplog
    ):
        caplog.set_level(logging.INFO, logger="portal.vsee")
        settings.VSEE_READY_CACHE_SECONDS = 5
        for _ in range(5):
            assert client.get("/readyz").status_code == 200
        calls = [r for r in caplog.records if "rooms.get" in r.getMessage()]
        assert len(calls) == 1

    def test_a_failure_is_reused_too_so_probes_do_not_pile_onto_a_failing_vsee(
        self, client, vsee_live, settings, caplog
    ):
        caplog.set_level(logging.INFO, logger="portal.vsee")
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 400}
        ]
        for _ in range(3):
            assert client.get("/readyz").status_code == 503
        calls = [r for r in caplog.records if "rooms.get" in r.getMessage()]
        assert len(calls) == 1
