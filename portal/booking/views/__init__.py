from __future__ import annotations

from portal.booking.views.intake import intake
from portal.booking.views.rooms import landing, room_page

__all__ = ["intake", "landing", "room_page"]
