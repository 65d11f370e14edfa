"""The sandbox alone (manage.py serve_sandbox): VSee's stand-in API and pages, no portal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import include, path

urlpatterns = [path("sandbox/", include("sandbox.urls"))]


def not_here(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Plain text: the portal's error pages link to portal pages this server lacks.
    return HttpResponseNotFound(
        "Only the sandbox is served here.\n", content_type="text/plain"
    )


def failed(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The sandbox failed.\n", status=500, content_type="text/plain")


handler404 = not_here
handler500 = failed
