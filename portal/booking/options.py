"""The visit options a room offers, in the patient's words."""

from __future__ import annotations

from dataclasses import dataclass

from portal.vsee.schemas import Room


@dataclass(frozen=True)
class VisitOption:
    key: str  # walkin, appointment, econsult
    title: str
    explanation: str
    available: bool
    unavailable_reason: str = ""


def visit_options(room: Room) -> list[VisitOption]:
    """Return the options to show for a room, in the order a patient thinks of them."""
    closed = room.is_closed
    return [
        VisitOption(
            key="walkin",
            title="See a doctor now",
            explanation="Join a video visit with the next available provider.",
            available=room.walkin_enabled and not closed,
            unavailable_reason="Not available while the clinic is closed."
            if closed
            else "",
        ),
        VisitOption(
            key="appointment",
            title="Book a time",
            explanation="Choose a day and time for a video visit that suits you.",
            available=room.appointment_enabled and bool(room.consultations),
        ),
        # VSee has no e-consult switch on rooms (beyond-the-seed §4 "Not found"); until the
        # clinic's own configuration says otherwise, a room offers it.
        VisitOption(
            key="econsult",
            title="Send a question",
            explanation="Describe your concern and a provider will reply, usually within a day.",
            available=True,
        ),
    ]
