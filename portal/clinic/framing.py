"""Who may show the portal in a frame: only the websites listed under Embedding in admin.

Browsers learn it from CSP frame-ancestors (the header itself is written by django-csp). Inside another site's frame the portal's
cookies are third-party, so on HTTPS they are sent as SameSite=None when framing is
allowed; otherwise the patient would be signed out on every page of the frame. (Browsers
that block third-party cookies outright still will; the portal then opens video and
sign-in in a new tab, where its cookies are first-party.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from portal.clinic.changes import current_generation
from portal.patients.decorators import SIGNED_IN_COOKIE

CACHE_KEY = "clinic:frame-ancestors"
# Set and read back by a page in a frame, to learn whether the browser keeps our cookies
# inside the clinic's site (static/framed.js).
PROBE_COOKIE = "portal_cookie_probe"


def allowed_frame_origins() -> list[str]:
    """The sites allowed to frame the portal, kept until the next configuration change."""
    from portal.clinic.embedding import EmbeddingSettings

    try:
        key = f"{CACHE_KEY}:{current_generation()}"
        origins = cache.get(key)
        if origins is None:
            row = EmbeddingSettings.objects.filter(pk=1).first()
            origins = row.origins if row else []
            cache.set(key, origins, 3600)
    except DatabaseError:
        return []  # no framing while the database is down (and /healthz still answers)
    return origins


class FrameAncestorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # Staff pages: a policy of their own, never framed (X-Frame-Options: DENY).
            response._csp_config = settings.ADMIN_CONTENT_SECURITY_POLICY
            return response
        origins = allowed_frame_origins()
        if not origins:
            return response  # the policy's frame-ancestors 'none' stands
        # CSPMiddleware, outside this one, writes the header from these.
        response._csp_replace = {"frame-ancestors": ["'self'", *origins]}
        # CSP replaces it where understood; DENY would still block older browsers' frames.
        if "X-Frame-Options" in response.headers:
            del response.headers["X-Frame-Options"]
        if request.is_secure() or _is_loopback(request):
            for name in (
                settings.SESSION_COOKIE_NAME,
                settings.CSRF_COOKIE_NAME,
                SIGNED_IN_COOKIE,
                PROBE_COOKIE,
                settings.LANGUAGE_COOKIE_NAME,
            ):
                if name in response.cookies:
                    # Partitioned (CHIPS): the cookie is kept for this portal inside this
                    # clinic's site only, which browsers that block third-party cookies
                    # still allow. Python 3.11's cookies don't know the attribute; it
                    # rides after SameSite, which is written last-but-flags as it is.
                    response.cookies[name]["samesite"] = "None; Partitioned"
                    response.cookies[name]["secure"] = True
        return response


def is_framed(request: HttpRequest) -> bool:
    """Whether this navigation happens inside a frame: the browser says so
    (Sec-Fetch-Dest), or portal.js did in the form it sent (older browsers)."""
    return (
        request.headers.get("Sec-Fetch-Dest") == "iframe"
        or request.POST.get("framed") == "1"
    )


def _is_loopback(request: HttpRequest) -> bool:
    """A local run: browsers treat http://localhost as secure and take Secure cookies."""
    return request.get_host().rsplit(":", 1)[0] in ("localhost", "127.0.0.1", "[::1]")
