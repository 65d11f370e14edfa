"""Sign-in handed off from the clinic's own website, with a signed, single-use token.

The token carries the patient's name and birth date, so it never travels in a URL of ours:
the clinic's site POSTs it, or links here with it after the `#`, which browsers do not send;
this page's script then POSTs it. The token format is in the README.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
)

from portal.clinic import audit
from portal.http import PortalRequest
from portal.patients import ratelimit
from portal.patients.crosssite import (
    from_allowed_site,
    hold_handoff,
    take_held_handoff,
)
from portal.patients.decorators import mark_signed_in
from portal.patients.handoff import (
    Handoff,
    HandoffError,
    exchange_code,
    peek_exchange,
    release_handoff,
    take_exchange,
    verify_handoff,
)
from portal.patients.identity import Identity, IdentityUnreadable, remember_identity
from portal.patients.signin import (
    FIRST_NAME_KEY,
    MEMBER_KEY,
    PATIENT,
    finish_sign_in,
    safe_next,
)
from portal.vsee.errors import VSeeError
from portal.vsee.service import current_patient, get_client

log = logging.getLogger(__name__)


def _failed(reason: str) -> None:
    audit.record(
        audit.Action.SIGN_IN_FAILED,
        outcome=audit.Outcome.FAILURE,
        detail=f"handoff:{reason}",
    )


# The signed, single-use token is the proof, and the clinic's site posts it cross-site
# (a plain form, so it works without JavaScript): there is no CSRF cookie to match. The
# sending site is checked instead (crosssite.py).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def handoff(request: PortalRequest) -> HttpResponse:
    if request.method == "GET":
        return _handoff_page(request)

    next_path = safe_next(request, request.POST.get("next"))
    checked = _checked(request, next_path)
    if isinstance(checked, HttpResponse):
        return checked
    handoff, recorded = checked

    # The nonce is already recorded: a second request with the same token, racing this
    # one, is refused as a replay while SSO is under way. Recording it only after SSO would
    # let both through. If SSO fails, the record is removed again so that the patient can
    # retry the same token (within its lifetime) instead of being told it was used.
    try:
        user = get_client().user_sso(
            type=PATIENT,
            code=handoff.pid,
            first_name=recorded.first_name,
            last_name=recorded.last_name,
            dob=recorded.dob,
            email=handoff.email,
            phone=handoff.phone,
        )
    except VSeeError as exc:
        release_handoff(handoff)
        log.warning("hand-off: VSee SSO failed: %s", type(exc).__name__)
        audit.vsee_error(exc, endpoint="users.sso")
        response = render(
            request,
            "patients/handoff_unavailable.html",
            {
                "retryable": exc.retryable,
                "token": request.POST.get("token", "") if exc.retryable else "",
                "next": next_path,
            },
            status=503 if exc.retryable else 502,
        )
        add_never_cache_headers(response)  # the page holds the token for "Try again"
        return response

    if _someone_else_signed_in(request, user.id):
        user = user.model_copy(update={"code": handoff.pid})
        hold_handoff(request.session, user, next_path)
        return _confirm_page(request, next_path)
    finish_sign_in(
        request, user, type=PATIENT, code=handoff.pid, email=handoff.email or ""
    )
    return mark_signed_in(HttpResponseRedirect(next_path))


def _checked(
    request: PortalRequest, next_path: str
) -> tuple[Handoff, Identity] | HttpResponse:
    """A hand-off from a listed site, within the limits, valid, unused (now used) and for
    the patient its pid was first given for; else the page that says why not."""
    if not from_allowed_site(request):
        return _refused(request, "bad_origin", next_path)  # the token is left unused
    limited = ratelimit.over_limit(
        request,
        "handoff",
        per_ip=settings.HANDOFFS_PER_IP,
        overall=settings.HANDOFFS_PER_WINDOW,
    )
    if limited:
        _failed(limited)
        return ratelimit.slow_down_page(request, "sign_in", next_path)
    try:
        handoff = verify_handoff(request.POST.get("token", ""))
    except HandoffError as exc:
        return _refused(request, exc.reason, next_path)
    # The clinic's pid is who the patient is: the first hand-off for it records their name
    # and birth date, and a later one that says otherwise is refused, not applied.
    claimed = Identity(handoff.first_name, handoff.last_name, handoff.dob)
    try:
        recorded = remember_identity(handoff.pid, claimed)
    except IdentityUnreadable:
        log.error("hand-off: a known patient's record can't be decrypted")
        _failed("identity_unreadable")
        return render(request, "patients/cannot_check.html", status=503)
    if not recorded.same_person_as(claimed):
        return _refused(request, "identity_mismatch", next_path)
    return handoff, recorded


# Where the browser keeps no cookies in the clinic's frame, the frame can't stay signed in:
# the patient continues in a tab of their own. The frame trades the token for a one-time
# code here, so that the new tab's address carries neither the token nor anything of the
# patient.
@csrf_exempt
@require_POST
def handoff_exchange(request: PortalRequest) -> HttpResponse:
    next_path = safe_next(request, request.POST.get("next"))
    checked = _checked(request, next_path)
    if isinstance(checked, HttpResponse):
        return checked
    handoff, recorded = checked
    code = exchange_code(
        {
            "pid": handoff.pid,
            "first_name": recorded.first_name,
            "last_name": recorded.last_name,
            "dob": recorded.dob,
            "email": handoff.email,
            "phone": handoff.phone,
        }
    )
    query = urlencode({"code": code, "next": next_path})
    return JsonResponse({"url": f"{reverse('patients:handoff_continue')}?{query}"})


@require_http_methods(["GET", "POST"])
def handoff_continue(request: PortalRequest) -> HttpResponse:
    """The new tab: "Continue as Hana?", then the one-time code signs the patient in.

    Asked first, because a link can be sent to anyone: a code made from someone's own
    token must not sign a stranger in as them without the stranger seeing whose it is.
    """
    data = request.POST if request.method == "POST" else request.GET
    next_path = safe_next(request, data.get("next"))
    code = data.get("code", "")
    if request.method == "GET":
        waiting = peek_exchange(code)
        if waiting is None:
            return _refused(request, "expired", next_path)
        ctx = {"first_name": waiting["first_name"], "code": code, "next": next_path}
        response = render(request, "patients/handoff_continue.html", ctx)
        add_never_cache_headers(response)
        return response
    claims = take_exchange(code)
    if claims is None:
        return _refused(request, "expired", next_path)
    try:
        user = get_client().user_sso(
            type=PATIENT,
            code=claims["pid"],
            first_name=claims["first_name"],
            last_name=claims["last_name"],
            dob=claims["dob"],
            email=claims["email"],
            phone=claims["phone"],
        )
    except VSeeError as exc:
        log.warning("hand-off: VSee SSO failed: %s", type(exc).__name__)
        audit.vsee_error(exc, endpoint="users.sso")
        return render(
            request,
            "patients/handoff_unavailable.html",
            {"retryable": False, "token": "", "next": next_path},
            status=503,
        )
    if _someone_else_signed_in(request, user.id):
        user = user.model_copy(update={"code": claims["pid"]})
        hold_handoff(request.session, user, next_path)
        return _confirm_page(request, next_path)
    finish_sign_in(request, user, type=PATIENT, code=claims["pid"])
    return mark_signed_in(HttpResponseRedirect(next_path))


@require_POST
def handoff_confirm(request: PortalRequest) -> HttpResponse:
    """The patient's choice when a hand-off arrived for someone other than who is signed in."""
    held = take_held_handoff(request.session)
    if held is None:  # gone stale, or already answered
        return HttpResponseRedirect(safe_next(request, request.POST.get("next")))
    user, next_path = held
    if request.POST.get("choice") != "switch":
        _failed("declined")
        return HttpResponseRedirect(next_path)
    finish_sign_in(request, user, type=PATIENT, code=user.code or "")
    return mark_signed_in(HttpResponseRedirect(next_path))


def _someone_else_signed_in(request: PortalRequest, member_id: str) -> bool:
    session = request.session
    return current_patient(session) is not None and session.get(MEMBER_KEY) != member_id


def _confirm_page(request: PortalRequest, next_path: str) -> HttpResponse:
    ctx = {"first_name": request.session.get(FIRST_NAME_KEY, ""), "next": next_path}
    response = render(request, "patients/handoff_confirm.html", ctx)
    add_never_cache_headers(response)
    return response


def _refused(request: PortalRequest, reason: str, next_path: str) -> HttpResponse:
    _failed(reason)
    return render(
        request,
        "patients/handoff_failed.html",
        {"reason": reason, "next": next_path},
        status=400,
    )


def _handoff_page(request: PortalRequest) -> HttpResponse:
    if "token" in request.GET:
        # Query strings end up in server and proxy logs and in browser history. The token
        # is neither checked nor logged: the clinic's developer needs to change the link.
        _failed("token_in_query")
        return render(request, "patients/handoff_in_query.html", status=400)
    # The token is after the `#`: only the browser has it, and handoff.js posts it.
    next_path = safe_next(request, request.GET.get("next"))
    return render(request, "patients/handoff.html", {"next": next_path})
