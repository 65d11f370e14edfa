"""Continue as a guest: name and date of birth, a VSee guest (type 600), no history."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.clinic import audit
from portal.forms import form_with_problems, redirect_with_problems
from portal.http import PortalRequest
from portal.patients import ratelimit
from portal.patients.decorators import mark_signed_in
from portal.patients.forms import NameAndBirthForm
from portal.patients.guests import guest_owner, guest_room_for
from portal.patients.signin import GUEST, finish_sign_in, safe_next
from portal.vsee.errors import VSeeError
from portal.vsee.service import get_client

log = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def guest(request: PortalRequest) -> HttpResponse:
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    room = guest_room_for(next_path)
    if room is None:
        # Only a walk-in or e-consult in a room that allows guests can be started this way.
        return render(
            request, "patients/guest_not_here.html", {"next": next_path}, status=403
        )
    if request.method == "GET":
        form = form_with_problems(request, NameAndBirthForm) or NameAndBirthForm()
        ctx = {"form": form, "next": next_path, "room": room}
        return render(request, "patients/guest.html", ctx)
    form = NameAndBirthForm(request.POST)
    ctx = {"form": form, "next": next_path, "room": room}
    if not form.is_valid():
        again = f"{request.path}?{urlencode({'next': next_path})}"
        return redirect_with_problems(request, form, again)

    limited = ratelimit.over_limit(
        request,
        "guest",
        per_ip=settings.GUEST_SIGN_INS_PER_IP,
        overall=settings.GUEST_SIGN_INS_PER_WINDOW,
    )
    if limited:
        audit.record(
            audit.Action.SIGN_IN_FAILED,
            outcome=audit.Outcome.FAILURE,
            detail=f"guest:{limited}",
        )
        return ratelimit.slow_down_page(request, "sign_in", next_path)

    data = form.cleaned_data
    dob = data["dob"].isoformat()
    try:
        user = get_client().user_sso(
            type=GUEST,
            first_name=data["first_name"],
            last_name=data["last_name"],
            dob=dob,
        )
    except VSeeError as exc:
        log.warning("guest sign-in: VSee SSO failed: %s", type(exc).__name__)
        audit.vsee_error(exc, endpoint="users.sso", room_code=room.code)
        form.add_error(
            None,
            _("We couldn't reach the clinic just now. Please try again in a moment."),
        )
        return render(request, "patients/guest.html", ctx, status=503)
    owner = guest_owner(data["first_name"], data["last_name"], dob)
    finish_sign_in(request, user, type=GUEST, owner=owner)
    return mark_signed_in(HttpResponseRedirect(next_path))
