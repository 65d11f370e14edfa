"""How long the page being served may still spend on VSee, and how many calls may wait.

A page may make several VSee calls (reschedule: four; uploading three files: three), and
each has its own deadline; without a budget shared by all of them, a slow VSee adds them
up past what a patient, or a proxy's 30 s limit, will wait. The budget is set per request
(portal.middleware.VSeeBudgetMiddleware) in a context variable, so each request thread
sees its own.

Calls in flight are capped per process: a worker whose every thread waits on a hanging
VSee cannot answer /healthz or any page that needs no VSee. Past the cap a call waits
briefly for a place while places are being given back (VSee answers, and is only busy),
and fails at once when none has been for that long (VSee hangs: waiting would only take
the threads the cap keeps free); its page then says "try again". What the cap counts is a
request waiting on VSee: calls a page makes at the same time (together.py) share the
page's one place.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

_page_deadline: ContextVar[float | None] = ContextVar(
    "vsee_page_deadline", default=None
)
# Set while a page's calls made together hold one place under the cap between them.
_holding_place: ContextVar[bool] = ContextVar("vsee_holding_place", default=False)


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
    """A cap on requests waiting on VSee that waits for a place only while VSee moves."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._last_given_back = -math.inf

    def try_enter(self) -> bool:
        return self._slots.acquire(blocking=False)

    def enter(self, wait: float = 0.0) -> bool:
        """Take a place. With none free, wait up to `wait` seconds for one, but only when
        one was given back in the last `wait` seconds; return whether a place was taken."""
        if self._slots.acquire(blocking=False):
            return True
        if wait <= 0 or time.monotonic() - self._last_given_back > wait:
            return False
        return self._slots.acquire(timeout=wait)

    def leave(self) -> None:
        self._last_given_back = time.monotonic()
        self._slots.release()

    @contextmanager
    def one_place(self, wait: float = 0.0) -> Iterator[bool]:
        """Hold one place for every call made inside (and in copies of this context);
        yield False, holding nothing, when no place could be had (see `enter`)."""
        if _holding_place.get():
            yield True  # already held by an enclosing block
            return
        if not self.enter(wait):
            yield False
            return
        token = _holding_place.set(True)
        try:
            yield True
        finally:
            _holding_place.reset(token)
            self.leave()


def holding_place() -> bool:
    """Whether the calls made here already hold a place under the cap."""
    return _holding_place.get()


_caps: dict[int, InFlight] = {}
_caps_lock = threading.Lock()


def in_flight_cap(limit: int) -> InFlight:
    """Return the process's one cap of this size (clients are built per request)."""
    with _caps_lock:
        return _caps.setdefault(limit, InFlight(limit))
