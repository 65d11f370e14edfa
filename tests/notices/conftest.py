"""Fixtures shared by the email and webhook tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def ada(patient_client, mailoutbox):
    """Ada signed in by email; the sign-in code's email is out of the way."""
    mailoutbox.clear()
    return patient_client
