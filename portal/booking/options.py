"""The visit options a room offers, in the patient's words."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.clinic.rooms import Room
from portal.vsee.schemas import Room as VSeeRoom


@dataclass(frozen=True)
class VisitOption:
    key: str  # walkin, appointment, econsult: VisitOption values in portal.clinic.rooms
    title: str
    explanation: str
    available: bool
    unavailable_reason: str = ""


def visit_options(room: Room, vsee_room: VSeeRoom) -> list[VisitOption]:
    """Return the options the clinic offers in a room, marked with whether they work now.

    An option is shown only when the clinic offers it; it works only when VSee agrees
    (switched on there, open for walk-ins, consultation types to book).
    """
    closed = vsee_room.is_closed
    options = [
        VisitOption(
            key="walkin",
            title=_("See a doctor now"),
            explanation=_("Join a video visit with the next available provider."),
            available=vsee_room.walkin_enabled and not closed,
            unavailable_reason=_("Not available while the clinic is closed.")
            if closed
            else _("Not available online right now."),
        ),
        VisitOption(
            key="appointment",
            title=_("Book a time"),
            explanation=_("Choose a day and time for a video visit that suits you."),
            available=vsee_room.appointment_enabled
            and bool(room.consultations(vsee_room)),
            unavailable_reason=_("No times can be booked online right now."),
        ),
        # VSee has no e-consult switch on rooms (beyond-the-seed §4), so the clinic's is the one.
        VisitOption(
            key="econsult",
            title=_("Send a question"),
            explanation=_(
                "Describe your concern and a provider will reply, usually within a day."
            ),
            available=True,
        ),
    ]
    return [option for option in options if room.offers(option.key)]
