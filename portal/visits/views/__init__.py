from __future__ import annotations

from portal.visits.views.actions import cancel, leave, summary
from portal.visits.views.pages import detail, history
from portal.visits.views.reschedule import moved, reschedule

__all__ = ["cancel", "detail", "history", "leave", "moved", "reschedule", "summary"]
