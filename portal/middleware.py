"""Keep the patient's notebook when a page says "VSee is down, try again".

Django's SessionMiddleware does not save the session on 5xx responses (a crash should not
persist half-done state). The portal's own 503 pages are deliberate, though: the answers
just typed are in the session and must survive a refresh or a retry.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class KeepSessionOnServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            response.status_code == 503
            and session is not None
            and session.modified
            and session.session_key  # an existing session: its cookie is already set
        ):
            session.save()
        return response
