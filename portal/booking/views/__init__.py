from __future__ import annotations

from portal.booking.views.booked import booked, calendar, join
from portal.booking.views.files import file_remove, files_step
from portal.booking.views.intake import intake
from portal.booking.views.review import review
from portal.booking.views.rooms import landing, room_page
from portal.booking.views.someone import someone
from portal.booking.views.time import time_step

__all__ = [
    "booked",
    "calendar",
    "file_remove",
    "files_step",
    "intake",
    "join",
    "landing",
    "review",
    "room_page",
    "someone",
    "time_step",
]
