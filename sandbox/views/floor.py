"""Floors for benchmarks, served by the portal's own server (the sandbox's URLs are
part of it when the sandbox is on): what the server costs with no page behind it ("ok"),
and what it costs to wait like one VSee call ("sleep"). bench/load.py compares the
patient pages with them."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from portal.running import stepping_out

MAX_SLEEP_MS = 5000


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def sleep(request: HttpRequest, ms: int) -> HttpResponse:
    if ms > MAX_SLEEP_MS:
        return HttpResponseBadRequest("at most 5000 ms", content_type="text/plain")
    with stepping_out():  # waiting like one VSee call, off the portal's CPU
        time.sleep(ms / 1000)
    return HttpResponse("ok", content_type="text/plain")
