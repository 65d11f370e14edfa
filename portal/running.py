"""How many of a worker's threads run the portal's code at once.

A worker has many threads (gunicorn.conf.py: 64) because a page mostly waits on VSee, and
a waiting thread costs little. But threads that all want the CPU at once contend for the
process's one GIL, and lose about a third of it to that: with 2 × 64 threads the intake
form served 40 requests a second under load, with 2 × 8 threads 69 (bench/README.md).
So a request runs only while it holds one of RUNNING_THREADS places (4 by default), and
gives its place up while it waits on something outside the process: a VSee call (the
client's transport), an email to send, the calls a page makes together. Any number of
threads may wait; a few run.

A request body larger than what arrives with the headers (a phone sending an insurance
card) is read with the place given up too: a slow network would otherwise keep the
others waiting for as long as the upload takes. What waits while holding its place (a
database query) keeps the others waiting that long.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Larger bodies may still be on their way when the page reads them; a smaller one comes
# in the first packets, with the headers (a form's answers).
SLOW_BODY_BYTES = 16 * 1024

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
        if _declared_length(request) > SLOW_BODY_BYTES:
            # Django reads the body through request._stream (HttpRequest.read).
            request._stream = BodyReadSteppingOut(request._stream)
        try:
            return self.get_response(request)
        finally:
            _held.places = None
            places.release()


class _Body(Protocol):
    def read(self, *args: Any) -> bytes: ...
    def readline(self, *args: Any) -> bytes: ...


class BodyReadSteppingOut:
    """A request body whose every read gives the thread's place up while it waits."""

    def __init__(self, stream: _Body) -> None:
        self._stream = stream

    def read(self, *args: Any) -> bytes:
        with stepping_out():
            return self._stream.read(*args)

    def readline(self, *args: Any) -> bytes:
        with stepping_out():
            return self._stream.readline(*args)

    def __getattr__(self, name: str) -> Any:  # close(), seekable(): the stream's own
        return getattr(self._stream, name)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


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
