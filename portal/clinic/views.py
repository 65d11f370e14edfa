"""Operations endpoints for load balancers and uptime checks. No PHI, no credentials."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from portal.clinic.branding import Branding, current_branding
from portal.clinic.embedding import PolicyViolation, UnlistedEmbed, normalise_origin
from portal.clinic.framing import PROBE_COOKIE, allowed_frame_origins
from portal.clinic.rooms import Room
from portal.vsee.errors import VSeeError
from portal.vsee.service import get_client, vsee_breaker

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any database failure means "not healthy", whatever its class
        log.exception("health check: database unavailable")
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Return 200 while the process and its database are up."""
    if not _database_ok():
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Return 200 when the database is up and VSee answers, within a short timeout."""
    if not _database_ok():
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    room = Room.objects.offered().first()
    if room is None:
        return JsonResponse(
            {"status": "unavailable", "database": "up", "vsee": "no room configured"},
            status=503,
        )
    vsee = _vsee_readiness(room.code)
    breaker = vsee_breaker().state()
    if vsee != "up":
        return JsonResponse(
            {
                "status": "unavailable",
                "database": "up",
                "vsee": vsee,
                "breaker": breaker,
            },
            status=503,
        )
    return JsonResponse(
        {"status": "ok", "database": "up", "vsee": "up", "breaker": breaker}
    )


def _vsee_readiness(room_code: str) -> str:
    """Return "up" or the error VSee's answer meant, reused for a few seconds: load
    balancers probe often, and each probe must not cost a VSee call."""
    key = f"readyz:vsee:{room_code}"
    outcome = cache.get(key)
    if outcome is None:
        client = get_client()
        client.timeout = (settings.VSEE_READY_TIMEOUT, settings.VSEE_READY_TIMEOUT)
        client.deadline = settings.VSEE_READY_TIMEOUT
        try:
            # A public read: proves VSee is reachable and the room exists, without a patient.
            client.room_get(code=room_code)
            outcome = "up"
        except VSeeError as exc:
            log.warning("readiness check: %s", exc)
            outcome = type(exc).__name__
        cache.set(key, outcome, settings.VSEE_READY_CACHE_SECONDS)
    return outcome


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    """Serve the clinic's logo from the database; the ?v= in its URL changes with it."""
    branding = Branding.objects.filter(pk=1).first()
    if not branding or not branding.logo:
        raise Http404
    response = HttpResponse(
        bytes(branding.logo), content_type=branding.logo_content_type
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A rounded square in the clinic's colour with a white cross: the tab and bookmark icon.
# The colour is checked as #rrggbb on save (branding.py), so it is safe in the SVG.
ICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="{colour}"/>'
    '<path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="#fff"/></svg>'
)


@require_GET
def icon(request: HttpRequest) -> HttpResponse:
    """The site's icon in the clinic's colour; its URL carries the colour, so a day's cache
    is safe."""
    colour = current_branding()["primary_colour"]
    response = HttpResponse(
        ICON_SVG.format(colour=colour), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def legacy_icon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (admin's): send them on."""
    response = HttpResponseRedirect(reverse("site_icon"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


# A clinic pastes /embed.js once; each release's file has its own hashed name behind it.
EMBED_JS_CACHE_SECONDS = 300


@require_GET
def embed_js(request: HttpRequest) -> HttpResponse:
    """The stable address of the embed script: a short-cached redirect to this release's.

    A site loading it that is not on the Embedding list is noted for admin (by its origin).
    """
    site = _referring_origin(request)
    own = f"{request.scheme}://{request.get_host()}"
    if site and site != own and site not in allowed_frame_origins():
        UnlistedEmbed.note(site)
    response = HttpResponseRedirect(static("embed.js"))
    response["Cache-Control"] = f"public, max-age={EMBED_JS_CACHE_SECONDS}"
    return response


@never_cache
@require_GET
def cookie_probe(request: HttpRequest) -> HttpResponse:
    """Without `check`, set the probe cookie; with `?check=1`, say whether it came back."""
    check = request.GET.get("check", "")
    if check not in ("", "1"):
        return JsonResponse({"error": "check is 1 or absent"}, status=400)
    if check:
        return JsonResponse({"cookies": PROBE_COOKIE in request.COOKIES})
    response = HttpResponse(status=204)
    response.set_cookie(PROBE_COOKIE, "1", max_age=300, httponly=True, samesite="Lax")
    return response


def _referring_origin(request: HttpRequest) -> str:
    """The origin of the page that asked, from Referer, or "" when there is none or junk."""
    referer = request.headers.get("Referer", "")
    if not referer:
        return ""
    parts = urlsplit(referer)
    try:
        return normalise_origin(f"{parts.scheme}://{parts.netloc}")
    except (ValidationError, ValueError):
        return ""


# CSP reports: a few hundred bytes each; anything much larger is not one.
MAX_REPORT_BYTES = 16 * 1024
_DIRECTIVE = re.compile(r"^[a-z][a-z-]{1,39}$")


@csrf_exempt  # browsers send these without a page of ours, so no CSRF token
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Count what browsers refused under our CSP, by directive, keeping no addresses."""
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit():
        return HttpResponse(status=400)
    if int(length) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        sent = json.loads(request.body[:MAX_REPORT_BYTES] or b"null")
    except ValueError:
        return HttpResponse(status=400)
    # report-uri sends {"csp-report": {...}}; the Reporting API a list of {"body": {...}}.
    bodies = (
        [sent.get("csp-report")]
        if isinstance(sent, dict)
        else [r.get("body") for r in sent if isinstance(r, dict)]
        if isinstance(sent, list)
        else []
    )
    for body in bodies[:10]:
        if not isinstance(body, dict):
            continue
        directive = str(
            body.get("effective-directive")
            or body.get("effectiveDirective")
            or body.get("violated-directive", "")
        ).split(" ")[0]
        if _DIRECTIVE.match(directive):
            PolicyViolation.note(directive)
    return HttpResponse(status=204)
