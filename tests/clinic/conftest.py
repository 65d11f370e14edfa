"""Fixtures for the clinic's admin: the demo room alone, as staff would set it up."""

from __future__ import annotations

import pytest

from portal.clinic.questions import IntakeQuestion
from portal.clinic.rooms import DEFAULT_ATTACHMENT_KINDS, Room


@pytest.fixture
def no_rooms(vsee_live):
    """The sandbox's VSee demo, with no rooms configured in the portal yet."""
    Room.objects.all().delete()
    IntakeQuestion.objects.all().delete()


@pytest.fixture
def room(no_rooms) -> Room:
    return Room.objects.create(
        code="demo-room",
        display_name="Demo Clinic",
        attachment_kinds=list(DEFAULT_ATTACHMENT_KINDS),
    )
