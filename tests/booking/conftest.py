"""Fixtures shared by the booking tests."""

from __future__ import annotations

import pytest

from portal.vsee.client import VSeeClient
from sandbox.models import SandboxConsultation
from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA, sign_in_by_email, spy


@pytest.fixture
def quick(vsee_live) -> str:
    """The demo's 15-minute consultation type."""
    return str(SandboxConsultation.objects.get(description="Quick video visit").id)


@pytest.fixture
def calls(monkeypatch):
    """Every GET /availability the portal sends, as (start, end, provider_id)."""
    return spy(monkeypatch, VSeeClient, "availability_get")


@pytest.fixture
def returning(patient_client, mailoutbox):
    """Ada made a walk-in with her answers, then came back another day (a new session)."""
    r = patient_client.post("/rooms/demo-room/walkin/", ANSWERS)
    assert r.status_code == 302
    patient_client.post("/rooms/demo-room/walkin/review/")
    patient_client.post("/sign-out/")
    sign_in_by_email(patient_client, mailoutbox, ADA)
    return patient_client
