"""Independent VSee calls of one page, made at the same time.

A page that needs two answers that do not depend on each other (the history page: the
list of visits and the visit in progress, for the patient and each person in their care)
waits for the slowest one, not for their sum. The first call runs in the request's own
thread, the others in a small pool shared by the process; each runs in a copy of the
request's context, so the page's VSee budget (budget.py) and its log context hold there
too. Calls must not touch the database: they only talk to VSee.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings

from portal.running import stepping_out
from portal.vsee.client.budget import in_flight_cap, page_deadline
from portal.vsee.errors import VSeeUnavailable

T = TypeVar("T")
log = logging.getLogger("portal.vsee")

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """One call's result, or the exception it raised."""

    value: T | None = None
    error: BaseException | None = None

    def get(self) -> T:
        """Return the result, or raise what the call raised."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def _executor() -> ThreadPoolExecutor:
    """The process's pool (made again in a forked worker: threads do not survive a fork)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=settings.VSEE_CALLS_AT_ONCE, thread_name_prefix="vsee-call"
            )
            _pool_pid = os.getpid()
        return _pool


def _outcome(call: Callable[[], T]) -> Outcome[T]:
    try:
        return Outcome(value=call())
    except Exception as exc:  # handed to the page, which decides what each one means
        return Outcome(error=exc)


def together(*calls: Callable[[], Any]) -> list[Outcome[Any]]:
    """Run the calls at once; return each one's outcome, in the order given.

    They hold one place between them under the process's cap on requests waiting on
    VSee (budget.py): a page is one request waiting, however many calls it makes.
    """
    if not calls:
        return []
    cap = in_flight_cap(settings.VSEE_MAX_CONCURRENT_CALLS)
    wait = settings.VSEE_PLACE_WAIT_SECONDS
    if (page_ends := page_deadline()) is not None:
        wait = min(wait, page_ends - time.monotonic())
    # Waiting, for a place under the cap and for the answers: the request gives up its
    # place among the threads running the portal's code (portal/running.py) meanwhile.
    with stepping_out(), cap.one_place(wait) as placed:
        if not placed:
            log.warning("vsee %d calls refused: too-many-waiting", len(calls))
            refused = Outcome[Any](
                error=VSeeUnavailable("Too many calls to VSee waiting")
            )
            return [refused for _ in calls]
        pool = _executor()
        others: list[Future[Outcome[Any]]] = [
            pool.submit(contextvars.copy_context().run, _outcome, call)
            for call in calls[1:]
        ]
        first = _outcome(calls[0])
        return [first, *(future.result() for future in others)]
