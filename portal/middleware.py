"""Session handling that keeps the patient's notebook intact.

- Sessions are saved on every request (that is what makes the timeout an *idle* one), and
  Django saves the data the request loaded when it started. A slow page that changed
  nothing (a week of the picker while VSee is slow, a second tab) would then write its
  stale copy over a draft another request had just updated. FreshSessionMiddleware saves
  the stored data instead when the request changed nothing.
- Django does not save the session on 5xx responses (a crash should not persist half-done
  state). The portal's own 503 pages are deliberate, though: the answers just typed are
  in the session and must survive a refresh or a retry.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware
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


class FreshSessionMiddleware(SessionMiddleware):
    """SessionMiddleware, but a request that changed nothing refreshes the stored session
    (its expiry and cookie) from the store instead of writing back what it loaded."""

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.modified:
            fresh = self.SessionStore(session.session_key)
            fresh._get_session()  # loads what other requests stored meanwhile
            fresh.accessed = session.accessed
            request.session = fresh
        return super().process_response(request, response)
