"""The landing and room pages for a visitor the portal knows nothing of yet, kept for a
few seconds in the shared cache.

A clinic's website sends everyone to these pages, most of them strangers: no session
(so no one signed in, no messages, no time zone known), no query string, not htmx. For
them a page is the same in each language but for two things per response: the CSRF
token (the language switch's form, htmx's header) and the CSP nonce. It is kept with
marks in their place, filled in for each visitor, who gets a CSRF cookie of their own as
from any page.

Kept per path and language for PAGE_CACHE_SECONDS (10; 0 keeps none), under the clinic's
configuration generation (portal/clinic/changes.py): a save in admin shows at once. The
room's state from VSee (open, closed, its types of visit) is reused for
VSEE_ROOM_CACHE_SECONDS anyway, so a kept page adds at most its seconds to that.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language

from portal.clinic.changes import current_generation
from portal.http import PortalRequest
from portal.patients.decorators import SIGNED_IN_COOKIE

CSRF_MARK = "portal-kept-page-csrf-token"
NONCE_MARK = "portal-kept-page-csp-nonce"
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def kept_for_strangers(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache to a stranger, and keep it when made for one."""

    @functools.wraps(view)
    def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or not _stranger(request):
            return view(request, *args, **kwargs)
        key = f"page:{current_generation()}:{get_language()}:{request.path}"
        kept = cache.get(key)
        if kept is not None:
            return _filled_in(kept, request)
        response = view(request, *args, **kwargs)
        page = _marked(response, request)
        if page is not None:
            cache.set(key, page, seconds)
        return response

    return wrapper


def _stranger(request: PortalRequest) -> bool:
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and not request.htmx
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and SIGNED_IN_COOKIE not in request.COOKIES
    )


def _marked(response: HttpResponse, request: PortalRequest) -> str | None:
    """The page with marks for what is the visitor's own; None if it is not to be kept
    (not a plain 200, or it wrote to a session it would have had to give the visitor)."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or request.session.modified
    ):
        return None
    page = response.content.decode(response.charset)
    token = FORM_TOKEN.search(page)
    if token is None:
        return None  # a page without the switch's form: where else might its token be?
    page = page.replace(token.group(1), CSRF_MARK)
    nonce = getattr(request, "csp_nonce", None)
    if nonce:
        page = page.replace(str(nonce), NONCE_MARK)
    return page


def _filled_in(page: str, request: PortalRequest) -> HttpResponse:
    page = page.replace(CSRF_MARK, get_token(request))
    if NONCE_MARK in page:
        page = page.replace(NONCE_MARK, str(request.csp_nonce))
    response = HttpResponse(page)
    # The visitor's own now, as the page it was made from: stored by no browser or proxy.
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Cookie",))
    return response
