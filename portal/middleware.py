"""The portal's own middleware: the session kept intact, the privacy headers, and the
time budget of a page's VSee calls.

- A request that changed nothing writes nothing (portal/sessions.py): it only pushes the
  idle expiry, and the cookie's, forward once a minute. So a slow page that changed
  nothing (a week of the picker while VSee is slow, a second tab) cannot write a stale
  copy over a draft another request has just updated.
- Django does not save the session on 5xx responses (a crash should not persist half-done
  state). The portal's own 503 pages are deliberate, though: the answers just typed are
  in the session and must survive a refresh or a retry.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date

from portal.vsee.client.budget import page_budget


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


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response, and no storing anywhere (browser, proxy, the
    back button of a shared computer after sign-out) of a page that used the session: it
    may show the patient's answers, visits or calendar file.

    A form re-shown after a POST (with its errors) is kept private but not no-store:
    browsers would otherwise answer Back with "Confirm form resubmission". It is never
    reused without asking the server (no-cache, max-age=0)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        if request.method == "POST" and not response.has_header("Location"):
            patch_cache_control(
                response, private=True, no_cache=True, max_age=0, must_revalidate=True
            )
        else:
            add_never_cache_headers(response)
        return response


class VSeeBudgetMiddleware:
    """Give all the VSee calls of one request VSEE_PAGE_BUDGET seconds together."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with page_budget(settings.VSEE_PAGE_BUDGET):
            return self.get_response(request)


class IdleSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware (saving only what changed), plus the idle expiry: an
    unchanged session used by this request has its expiry and cookie pushed forward when
    that was last done over a minute ago."""

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.modified and not session.has_changed():
            session.modified = False  # values written back as they were
        if (
            session is not None
            and session.accessed
            and not session.modified
            and response.status_code < 500
            and session.expiry_refresh_due()
        ):
            session.refresh_expiry()
            max_age = session.get_expiry_age()
            response.set_cookie(
                settings.SESSION_COOKIE_NAME,
                session.session_key,
                max_age=max_age,
                expires=http_date(session.stored_expiry.timestamp()),
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=settings.SESSION_COOKIE_HTTPONLY or None,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return super().process_response(request, response)
