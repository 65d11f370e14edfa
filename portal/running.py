"""How many of a worker's threads run the portal's code at once.

A worker has many threads (gunicorn.conf.py: 64) because a page mostly waits on VSee, and
a waiting thread costs little. But threads that all want the CPU at once contend for the
process's one GIL, and lose about a third of it to that: with 2 × 64 threads the intake
form served 40 requests a second under load, with 2 × 8 threads 69 (bench/README.md).
So a request runs only while it holds one of RUNNING_THREADS places (4 by default), and
gives its place up while it waits on something outside the process: a VSee call (the
client's transport), an email to send, the calls a page makes together. Any number of
threads may wait; a few run.

What waits while holding its place (a database query, a slow client's upload read by
Django) keeps the others waiting that long: the reverse proxy in front of the portal
buffers uploads (README: Deploying).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_held = threading.local()
_places: dict[int, threading.BoundedSemaphore] = {}
_places_lock = threading.Lock()


def _running_places() -> threading.BoundedSemaphore:
    limit = settings.RUNNING_THREADS
    with _places_lock:
        return _places.setdefault(limit, threading.BoundedSemaphore(limit))


class RunningThreadsMiddleware:
    """Outermost: a request runs while it holds a place."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        places = _running_places()
        places.acquire()
        _held.places = places
        try:
            return self.get_response(request)
        finally:
            _held.places = None
            places.release()


@contextmanager
def stepping_out() -> Iterator[None]:
    """Give this thread's place up while it waits inside the block, and take one again
    after (nothing to give up outside a request, or when already stepped out)."""
    places = getattr(_held, "places", None)
    if places is None:
        yield
        return
    _held.places = None
    places.release()
    try:
        yield
    finally:
        places.acquire()
        _held.places = places
