"""Views that need a signed-in patient send everyone else to sign in, and back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from portal.http import PortalRequest
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.service import current_patient, forget_patient, patient_token

log = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def sign_in_url(next_path: str, *, expired: bool = False) -> str:
    query = {"next": next_path}
    if expired:
        query["expired"] = "1"
    return f"{reverse('patients:sign_in')}?{urlencode(query)}"


def redirect_to_sign_in(
    request: PortalRequest, *, expired: bool = False
) -> HttpResponse:
    """Send the patient to sign in, then back to this page; the draft stays in the session.

    htmx requests get HX-Redirect so the whole page moves, not a fragment.
    """
    target = request.get_full_path() if request.method == "GET" else request.path
    return _redirect(request, sign_in_url(target, expired=expired))


def _redirect(request: PortalRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


SIGNED_IN_COOKIE = "portal_signed_in"


def mark_signed_in(response: HttpResponse) -> HttpResponse:
    """A cookie with no content but "someone signed in here": when the session has timed
    out, it is how the portal knows to say so instead of just asking for sign-in."""
    response.set_cookie(
        SIGNED_IN_COOKIE,
        "1",
        max_age=24 * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    return response


def forget_signed_in(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(SIGNED_IN_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)
    return response


def patient_required(view: View) -> View:
    """Let the view run only with a usable VSee token; VSee saying otherwise mid-view is
    handled the same way, and any other VSee failure the view leaves unanswered gets the
    "we couldn't reach the clinic" page."""

    @wraps(view)
    def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            patient_token(request.session)
        except VSeeAuthExpired:
            if current_patient(request.session) is not None:
                return redirect_to_sign_in(request, expired=True)  # the token is spent
            if request.COOKIES.get(SIGNED_IN_COOKIE):
                # Signed in here before, and the session is gone: it timed out.
                url = f"{reverse('patients:signed_out')}?reason=idle"
                return forget_signed_in(_redirect(request, url))
            return redirect_to_sign_in(request)
        return answered(request, *args, **kwargs)

    answered = vsee_failures_answered(view)
    return wrapper


def vsee_failures_answered(view: View) -> View:
    """Let anyone in; VSee refusing the patient's token mid-view means sign in again, and
    any other VSee failure the view leaves unanswered gets the "try again" page."""

    @wraps(view)
    def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except VSeeAuthExpired:
            # VSee no longer takes the token: drop it (not the draft) so sign-in asks again.
            forget_patient(request.session)
            return redirect_to_sign_in(request, expired=True)
        except VSeeError as exc:
            log.warning("%s: VSee failed: %s", view.__name__, exc)
            return render(request, "vsee/unavailable.html", status=503)

    return wrapper
