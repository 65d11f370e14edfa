"""Step 3 of signing in by email: who the patient is.

The code proved the mailbox only. A patient the portal knows confirms their birth date,
and VSee is sent exactly who they were recorded as, never what was typed now; a wrong
birth date is refused and counted like a wrong code. Someone new gives their name and
birth date once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from portal.clinic import audit
from portal.forms import AccessibleForm, form_with_problems, redirect_with_problems
from portal.http import PortalRequest
from portal.patients import codes, ratelimit
from portal.patients.decorators import mark_signed_in
from portal.patients.forms import BirthDateForm, NameAndBirthForm
from portal.patients.identity import (
    Identity,
    IdentityUnreadable,
    email_ref,
    known_identity,
    patient_code,
    remember_identity,
)
from portal.patients.signin import PATIENT, finish_sign_in
from portal.patients.views.email_code import code_problem
from portal.patients.views.email_code import failed as _failed
from portal.vsee.errors import VSeeError
from portal.vsee.service import get_client

log = logging.getLogger(__name__)

CONFIRM = "patients/confirm_birth_date.html"
FIRST_TIME = "patients/about_you.html"


@require_http_methods(["GET", "POST"])
def about_you(request: PortalRequest) -> HttpResponse:
    challenge = codes.verified_challenge(request.session)
    if challenge is None:
        return code_problem(request, codes.CodeCheck.NONE_PENDING)
    code = patient_code(challenge.email)
    try:
        known = known_identity(code)
    except IdentityUnreadable:
        log.error("sign-in: a known patient's record can't be decrypted")
        _failed("identity_unreadable")
        return render(request, "patients/cannot_check.html", status=503)
    if known is not None:
        return _confirm_birth_date(request, challenge, code, known)
    return _first_time(request, challenge, code)


def _confirm_birth_date(
    request: PortalRequest, challenge: codes.Challenge, code: str, known: Identity
) -> HttpResponse:
    if request.method == "GET":
        form = form_with_problems(request, BirthDateForm) or BirthDateForm()
        return render(request, CONFIRM, {"form": form, "challenge": challenge})
    form = BirthDateForm(request.POST)
    if not form.is_valid():
        return redirect_with_problems(request, form)

    # Counted per email across codes, so asking for a new code gives no new tries.
    bucket = f"birth-date:{email_ref(challenge.email)}"
    tries, window = settings.SIGN_IN_CODE_TRIES, settings.SIGN_IN_CODE_WINDOW_MINUTES
    if ratelimit.spent(bucket, tries, window * 60):
        return _paused(request, challenge)
    if not known.born_on(form.cleaned_data["dob"].isoformat()):
        _failed("wrong_birth_date")
        left = tries - ratelimit.hits(bucket, window * 60)
        if left <= 0:
            return _paused(request, challenge)
        form.add_error(
            "dob",
            ngettext(
                "That date of birth doesn't match the one the clinic has for this "
                "email. You can try %(count)s more time.",
                "That date of birth doesn't match the one the clinic has for this "
                "email. You can try %(count)s more times.",
                left,
            )
            % {"count": left},
        )
        return redirect_with_problems(request, form)
    return _sign_in(request, challenge, code, known, form, CONFIRM)


def _first_time(
    request: PortalRequest, challenge: codes.Challenge, code: str
) -> HttpResponse:
    if request.method == "GET":
        form = form_with_problems(request, NameAndBirthForm) or NameAndBirthForm()
        return render(request, FIRST_TIME, {"form": form, "challenge": challenge})
    form = NameAndBirthForm(request.POST)
    if not form.is_valid():
        return redirect_with_problems(request, form)
    data = form.cleaned_data
    typed = Identity(data["first_name"], data["last_name"], data["dob"].isoformat())
    recorded = remember_identity(code, typed)
    if not recorded.same_person_as(typed):
        # Another sign-in with this email recorded someone else a moment ago: that
        # patient's birth date is asked for now, as for anyone returning.
        return HttpResponseRedirect(reverse("patients:about_you"))
    return _sign_in(request, challenge, code, recorded, form, FIRST_TIME)


def _sign_in(
    request: PortalRequest,
    challenge: codes.Challenge,
    code: str,
    identity: Identity,
    form: AccessibleForm,
    template: str,
) -> HttpResponse:
    try:
        user = get_client().user_sso(
            type=PATIENT,
            code=code,
            first_name=identity.first_name,
            last_name=identity.last_name,
            dob=identity.dob,
            email=challenge.email,
        )
    except VSeeError as exc:
        log.warning("sign-in: VSee SSO failed: %s", type(exc).__name__)
        audit.vsee_error(exc, endpoint="users.sso")
        form.add_error(
            None,
            _(
                "We couldn't reach the clinic to finish signing you in. "
                "Please try again in a moment: you won't need a new code."
            ),
        )
        return render(
            request, template, {"form": form, "challenge": challenge}, status=503
        )
    codes.end_challenge(request.session)
    finish_sign_in(request, user, type=PATIENT, code=code, email=challenge.email)
    return mark_signed_in(HttpResponseRedirect(challenge.next))


def _paused(request: PortalRequest, challenge: codes.Challenge) -> HttpResponse:
    codes.end_challenge(request.session)
    _failed("birth_date_tries")
    ctx = {"minutes": settings.SIGN_IN_CODE_WINDOW_MINUTES, "next": challenge.next}
    return render(request, "patients/birth_date_paused.html", ctx, status=429)
