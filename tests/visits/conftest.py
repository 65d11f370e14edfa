from __future__ import annotations

import time

import pytest

from portal.vsee.client import VSeeClient
from portal.vsee.schemas import Visit
from sandbox.demo import link_demo_patients
from sandbox.models import SandboxVisit


@pytest.fixture
def linked(vsee_live) -> None:
    """The demo's patients findable by email sign-in, as `manage.py demo` leaves them."""
    link_demo_patients()


@pytest.fixture
def ada_client(linked, patient_client):
    """Ada signed in by email: the demo Ada, with her completed visit and its notes."""
    return patient_client


@pytest.fixture
def ada_token(ada_client) -> str:
    return ada_client.session["vsee.patient"]["token"]


@pytest.fixture
def past_visit(ada_client) -> SandboxVisit:
    return SandboxVisit.objects.get(
        status=SandboxVisit.COMPLETED, member__email="ada@example.com"
    )


@pytest.fixture
def book(vsee: VSeeClient, ada_token: str):
    """Book Ada an appointment on the n-th free slot from an hour ahead; return the visit."""

    def make(n: int = 0, *, token: str | None = None) -> Visit:
        token = token or ada_token
        room = vsee.room_get(code="demo-room")
        intake = vsee.intake_create(
            token=token, room_code="demo-room", type=2, reason_for_visit="Checkup"
        )
        now = int(time.time())
        slots = vsee.availability_get(
            token=token,
            room_code="demo-room",
            intake_id=intake.id,
            consultation_id=room.consultations[0].id,
            start=now + 3600,
            end=now + 7 * 86400,
        )
        slot = slots[n]
        return vsee.visit_create(
            token=token,
            room_code="demo-room",
            intake_id=intake.id,
            slot_start=slot.start,
            slot_end=slot.end,
        )

    return make
