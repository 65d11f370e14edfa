"""portal/running.py: a few of a worker's threads run the portal's code at once; any
number wait on VSee (or mail) meanwhile, having given their place up."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.test import RequestFactory

from portal.running import SLOW_BODY_BYTES, RunningThreadsMiddleware, stepping_out

THREADS = 6


def serve_at_once(view) -> list[BaseException]:
    """Send THREADS requests through the middleware at once; return what any raised."""
    middleware = RunningThreadsMiddleware(view)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            assert middleware(RequestFactory().get("/")).status_code == 200
        except BaseException as exc:  # reported to the test, not lost in a thread
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return errors


def test_only_so_many_run_at_once(settings):
    settings.RUNNING_THREADS = 2
    running, most = 0, 0
    lock = threading.Lock()

    def view(request):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # working, in its place
        with lock:
            running -= 1
        return HttpResponse("ok")

    assert serve_at_once(view) == []
    assert most == 2


def test_any_number_wait_once_stepped_out(settings):
    settings.RUNNING_THREADS = 2
    # All six must be waiting at the same moment: with their places held, only two
    # could be, and the barrier would break.
    all_waiting = threading.Barrier(THREADS, timeout=5)

    def view(request):
        with stepping_out():
            all_waiting.wait()
        return HttpResponse("ok")

    assert serve_at_once(view) == []


def test_a_place_is_given_back_when_the_page_fails(settings):
    settings.RUNNING_THREADS = 1

    def failing(request):
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        RunningThreadsMiddleware(failing)(RequestFactory().get("/"))
    # The one place is free again.
    assert serve_at_once(lambda request: HttpResponse("ok")) == []


def test_a_body_still_arriving_is_waited_for_without_a_place(settings):
    # A phone sending a photo: the page reads the body while its bytes still come in.
    settings.RUNNING_THREADS = 1
    size = SLOW_BODY_BYTES + 1
    reading, arrived, other_page_done = (threading.Event() for _ in range(3))

    class StillArriving:
        def read(self, wanted: int) -> bytes:
            reading.set()
            arrived.wait(5)
            return b"x" * wanted

        readline = read

    middleware = RunningThreadsMiddleware(lambda request: HttpResponse(request.body))
    # What the factory puts in is not what arrives: the page must read the slow stream.
    upload = RequestFactory().post(
        "/", data=b"-" * size, content_type="application/octet-stream"
    )
    upload._stream = LimitedStream(StillArriving(), size)
    answers: dict[str, HttpResponse] = {}

    def send_upload() -> None:
        answers["upload"] = middleware(upload)

    def open_other_page() -> None:
        answers["other"] = middleware(RequestFactory().get("/"))
        other_page_done.set()

    uploading = threading.Thread(target=send_upload)
    uploading.start()
    assert reading.wait(5)
    threading.Thread(target=open_other_page).start()
    # With the upload's thread holding the one place, the other page would wait for
    # the last byte.
    other_served_first = other_page_done.wait(5)
    arrived.set()
    uploading.join(5)
    assert other_served_first
    assert answers["upload"].content == b"x" * size


def test_stepping_out_outside_a_request_does_nothing():
    with stepping_out():
        pass


def test_with_one_place_a_page_waits_on_a_vsee_served_by_this_same_process(
    client, vsee_live, settings
):
    # The sandbox answers from this process (the live server's threads): the page must
    # give its one place up while it waits, or the sandbox could never answer it.
    settings.RUNNING_THREADS = 1
    settings.VSEE_DEADLINE = 3
    r = client.get("/rooms/demo-room/")
    assert r.status_code == 200
    assert "See a doctor now" in r.content.decode()
