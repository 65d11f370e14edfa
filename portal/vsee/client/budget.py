"""How long the page being served may still spend on VSee, and how many calls may wait.

A page may make several VSee calls (reschedule: four; uploading three files: three), and
each has its own deadline; without a budget shared by all of them, a slow VSee adds them
up past what a patient, or a proxy's 30 s limit, will wait. The budget is set per request
(portal.middleware.VSeeBudgetMiddleware) in a context variable, so each request thread
sees its own.

Calls in flight are capped per process: a worker whose every thread waits on a hanging
VSee cannot answer /healthz or any page that needs no VSee. Past the cap a call waits a
moment for a place (IN_FLIGHT_WAIT_SECONDS), then fails, and its page says "try again"
instead of queueing behind the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

_page_deadline: ContextVar[float | None] = ContextVar(
    "vsee_page_deadline", default=None
)


def page_deadline() -> float | None:
    """Return when (time.monotonic) the current page's time for VSee runs out, if set."""
    return _page_deadline.get()


@contextmanager
def page_deadline_at(moment: float) -> Iterator[None]:
    """Let the VSee calls made inside this block run until `moment` (time.monotonic)."""
    token = _page_deadline.set(moment)
    try:
        yield
    finally:
        _page_deadline.reset(token)


def page_budget(seconds: float) -> AbstractContextManager[None]:
    """Give the VSee calls made inside this block `seconds` in all."""
    return page_deadline_at(time.monotonic() + seconds)


class InFlight:
    """A cap on concurrent calls that waits only briefly, then refuses."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)

    def try_enter(self, wait: float = 0.0) -> bool:
        """Take a place, waiting up to `wait` seconds for one (a burst on a cold cache
        gets through; a queue behind a hanging VSee does not build up)."""
        if wait <= 0:
            return self._slots.acquire(blocking=False)
        return self._slots.acquire(timeout=wait)

    def leave(self) -> None:
        self._slots.release()


_caps: dict[int, InFlight] = {}
_caps_lock = threading.Lock()


def in_flight_cap(limit: int) -> InFlight:
    """Return the process's one cap of this size (clients are built per request)."""
    with _caps_lock:
        return _caps.setdefault(limit, InFlight(limit))
