"""Fault injection (sandbox/faults.py), from settings and from the admin's rules."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from sandbox import faults, urls
from sandbox.models import ENDPOINTS, SandboxFault

INJECTED = {"code": 503, "message": "Sandbox fault injected"}


@pytest.fixture
def waits(monkeypatch):
    """Record the sandbox's fault sleeps instead of sleeping."""
    recorded: list[float] = []
    monkeypatch.setattr(faults, "sleep", recorded.append)
    return recorded


def endpoint_names() -> set[str]:
    names = set()
    for pattern in urls.api_v3:
        view = pattern.callback
        for inner in getattr(view, "views", {"": view}).values():
            if hasattr(inner, "endpoint"):
                names.add(inner.endpoint)
    return names


class TestFaultsFromSettings:
    def test_it_fails_every_call_at_error_rate_1(self, api, seeded, settings):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "error_rate": 1.0}]
        response = api.get("/rooms/demo-room")
        assert response.status_code == 503
        assert response.json() == INJECTED

    def test_it_fails_before_looking_at_headers(self, client, seeded, settings):
        settings.SANDBOX_FAULTS = [{"endpoint": "*", "error_rate": 1.0}]
        assert client.get("/sandbox/api_v3/visits").status_code == 503

    def test_it_uses_the_status_asked_for(self, api, seeded, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "status": 429}
        ]
        response = api.get("/rooms/demo-room")
        assert response.status_code == 429
        assert response.json()["code"] == 429

    def test_it_leaves_other_endpoints_alone(self, api, ada_token, settings):
        settings.SANDBOX_FAULTS = [{"endpoint": "visits.create", "error_rate": 1.0}]
        assert api.get("/rooms/demo-room").status_code == 200
        assert api.get("/visits", token=ada_token).status_code == 200

    def test_it_skips_an_inactive_rule(self, api, seeded, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "*", "error_rate": 1.0, "active": False}
        ]
        assert api.get("/rooms/demo-room").status_code == 200

    @pytest.mark.parametrize(("roll", "status"), [(0.29, 503), (0.31, 200)])
    def test_it_fails_when_the_roll_is_under_the_rate(
        self, api, seeded, settings, monkeypatch, roll, status
    ):
        monkeypatch.setattr(faults, "roll", lambda: roll)
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "error_rate": 0.3}]
        assert api.get("/rooms/demo-room").status_code == status

    def test_it_adds_latency(self, api, seeded, settings, waits):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "latency_ms": 250}]
        assert api.get("/rooms/demo-room").status_code == 200
        assert waits == [0.25]

    def test_it_really_waits(self, api, seeded, settings):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "latency_ms": 60}]
        started = time.monotonic()
        api.get("/rooms/demo-room")
        assert time.monotonic() - started >= 0.06

    @override_settings(SANDBOX_HANG_SECONDS=0.15)
    def test_it_hangs_then_answers_normally_on_force_timeout(
        self, api, seeded, settings
    ):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "force_timeout": True}]
        started = time.monotonic()
        response = api.get("/rooms/demo-room")
        assert time.monotonic() - started >= 0.15
        assert response.status_code == 200


class TestFaultsFromTheAdminModel:
    def test_it_applies_a_rule_saved_in_the_database(self, api, ada_token):
        SandboxFault.objects.create(
            endpoint="visits.list", error_rate=1.0, error_status=502
        )
        response = api.get("/visits", token=ada_token)
        assert response.status_code == 502
        assert response.json() == {"code": 502, "message": "Sandbox fault injected"}

    def test_it_ignores_a_switched_off_rule(self, api, ada_token):
        SandboxFault.objects.create(endpoint="*", error_rate=1.0, active=False)
        assert api.get("/visits", token=ada_token).status_code == 200

    def test_it_applies_both_sources(self, api, seeded, settings, waits):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "latency_ms": 100}]
        SandboxFault.objects.create(endpoint="*", latency_ms=200)
        api.get("/rooms/demo-room")
        assert waits == [0.1, 0.2]


class TestEndpointNames:
    def test_every_view_is_named_after_a_known_endpoint(self):
        assert endpoint_names() == set(ENDPOINTS)
