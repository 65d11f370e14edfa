"""Sign-in by email one-time code (the default way in): the email, then its code.

Who the patient is comes after, in about_you.py: the code proves only the mailbox.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from portal.clinic import audit
from portal.forms import form_with_problems, redirect_with_problems
from portal.http import PortalRequest, client_ip
from portal.patients import codes, ratelimit
from portal.patients.email import send_sign_in_code
from portal.patients.forms import CodeForm, EmailSignInForm
from portal.patients.guests import guest_room_for
from portal.patients.identity import email_ref, normalise_email
from portal.patients.signin import safe_next
from portal.vsee.service import current_patient

log = logging.getLogger(__name__)


def failed(detail: str) -> None:
    """Audit a refused step of signing in by email (the reason only)."""
    audit.record(
        audit.Action.SIGN_IN_FAILED, outcome=audit.Outcome.FAILURE, detail=detail
    )


@require_http_methods(["GET", "POST"])
def sign_in(request: PortalRequest) -> HttpResponse:
    """Step 1: the email address; a code goes to it."""
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    ctx = {
        "next": next_path,
        "expired": request.GET.get("expired") == "1",
        "guest_room": guest_room_for(next_path),
    }
    if request.method == "GET":
        form = form_with_problems(request, EmailSignInForm)
        if form is None:
            pending = codes.pending_challenge(request.session)
            form = EmailSignInForm(initial={"email": pending.email} if pending else {})
        return render(request, "patients/sign_in.html", {**ctx, "form": form})

    form = EmailSignInForm(request.POST)
    if not form.is_valid():
        # Where the patient was going travels in the form: the GET needs it in its query.
        again = f"{request.path}?{urlencode({'next': next_path})}"
        return redirect_with_problems(request, form, again)

    email = normalise_email(form.cleaned_data["email"])
    window = settings.SIGN_IN_CODE_WINDOW_MINUTES * 60
    ip_ok = ratelimit.hit(
        f"code-ip:{client_ip(request)}",
        settings.SIGN_IN_CODES_PER_IP,
        window,
    )
    email_ok = ip_ok and ratelimit.hit(
        f"code-email:{email_ref(email)}", settings.SIGN_IN_CODES_PER_EMAIL, window
    )
    if not (ip_ok and email_ok):
        failed("rate_limited_ip" if not ip_ok else "rate_limited_email")
        return render(
            request,
            "patients/rate_limited.html",
            {**ctx, "minutes": settings.SIGN_IN_CODE_WINDOW_MINUTES},
            status=429,
        )

    code = codes.new_code()
    codes.start_challenge(request.session, code=code, email=email, next=next_path)
    try:
        send_sign_in_code(email, code)
    except (smtplib.SMTPException, OSError) as exc:
        log.error("sign-in email could not be sent: %s", type(exc).__name__)
        codes.end_challenge(request.session)
        failed("email_not_sent")
        form.add_error(
            None,
            _(
                "We couldn't send the email just now. Please check the address and "
                "try again."
            ),
        )
        return render(
            request, "patients/sign_in.html", {**ctx, "form": form}, status=503
        )
    return HttpResponseRedirect(reverse("patients:verify"))


@require_http_methods(["GET", "POST"])
def verify(request: PortalRequest) -> HttpResponse:
    """Step 2: the code from the email, which proves the mailbox; who the patient is, next."""
    challenge = codes.pending_challenge(request.session)
    if challenge is not None and challenge.verified:
        return HttpResponseRedirect(reverse("patients:about_you"))
    if request.method == "GET":
        if challenge is None:
            return code_problem(request, codes.CodeCheck.NONE_PENDING)
        form = form_with_problems(request, CodeForm) or CodeForm()
        return render(
            request, "patients/verify.html", {"form": form, "challenge": challenge}
        )

    form = CodeForm(request.POST)
    if not form.is_valid():
        if challenge is None:
            return code_problem(request, codes.CodeCheck.NONE_PENDING)
        return redirect_with_problems(request, form)

    result, challenge = codes.check_code(request.session, form.cleaned_data["code"])
    if result is codes.CodeCheck.OK:
        return HttpResponseRedirect(reverse("patients:about_you"))
    failed(result.value)
    if result is codes.CodeCheck.WRONG and challenge is not None:
        left = challenge.tries_left
        form.add_error(
            "code",
            ngettext(
                "That code isn't right. You can try %(count)s more time.",
                "That code isn't right. You can try %(count)s more times.",
                left,
            )
            % {"count": left},
        )
        return redirect_with_problems(request, form)
    return code_problem(request, result, challenge)


def code_problem(
    request: PortalRequest,
    result: codes.CodeCheck,
    challenge: codes.Challenge | None = None,
) -> HttpResponse:
    if result is codes.CodeCheck.NONE_PENDING and current_patient(request.session):
        # Back from the page after signing in: not a problem, and no redirect either
        # (one would catch Back in a loop).
        return render(request, "patients/code_problem.html", {"problem": "signed_in"})
    return render(
        request,
        "patients/code_problem.html",
        {"problem": result.value, "next": challenge.next if challenge else ""},
        status=400 if result is not codes.CodeCheck.NONE_PENDING else 200,
    )
