from __future__ import annotations

from portal.booking.views.booked import booked, calendar, join
from portal.booking.views.device import device_check
from portal.booking.views.files import file_remove, files_step
from portal.booking.views.intake import intake
from portal.booking.views.review import review
from portal.booking.views.rooms import landing, room_page
from portal.booking.views.someone import someone
from portal.booking.views.time import time_step
from portal.booking.views.where import where_step
from portal.booking.views.zone import time_zone

__all__ = [
    "booked",
    "calendar",
    "device_check",
    "file_remove",
    "files_step",
    "intake",
    "join",
    "landing",
    "review",
    "room_page",
    "someone",
    "time_step",
    "time_zone",
    "where_step",
]
