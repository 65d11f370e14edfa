"""Fixtures shared by the booking tests."""

from __future__ import annotations

import pytest

from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA, sign_in_by_email


@pytest.fixture
def returning(patient_client, mailoutbox):
    """Ada made a walk-in with her answers, then came back another day (a new session)."""
    r = patient_client.post("/rooms/demo-room/walkin/", ANSWERS)
    assert r.status_code == 302
    patient_client.post("/rooms/demo-room/walkin/review/")
    patient_client.post("/sign-out/")
    sign_in_by_email(patient_client, mailoutbox, ADA)
    return patient_client
