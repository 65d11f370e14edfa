"""A stand-in for VSee's patient web app: `{portal}auth?sso_token=…&next=…` (beyond-the-seed §3)."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from sandbox import clock
from sandbox.models import SandboxVisit
from sandbox.views._api import require_sandbox, user_for_token

# §3 "Known next targets": the join link of a visit.
VISIT_START = re.compile(r"^/visits/start/(\d+)/?$")


def start_appointment(appointment: SandboxVisit) -> SandboxVisit:
    """Return the walk-in this appointment's call happens in, opening it the first time, as
    VSee does; the appointment itself stays as it was (its status too)."""
    walkin = appointment.started_walkins.order_by("pk").last()
    if walkin is not None:
        return walkin
    now = clock.now()
    return SandboxVisit.objects.create(
        member=appointment.member,
        provider=appointment.provider,
        room=appointment.room,
        intake=appointment.intake,
        type=SandboxVisit.WALKIN,
        status=SandboxVisit.PENDING,
        start=now,
        end=now + (appointment.end - appointment.start),
        related_appointment=appointment,
        created=now,
        modified=now,
    )


@require_GET
@xframe_options_sameorigin  # the portal may frame it, as a clinic frames VSee's own page
def auth(request: HttpRequest) -> HttpResponse:
    """Render the waiting room for a valid SSO token; the token itself is never shown."""
    require_sandbox()
    user = user_for_token(request.GET.get("sso_token", "").strip(), clock.now())
    match = VISIT_START.match(request.GET.get("next", ""))
    visit = None
    if user is not None and match:
        visit = SandboxVisit.objects.filter(pk=int(match.group(1)), member=user).first()
        if visit is not None and visit.type == SandboxVisit.APPOINTMENT:
            visit = start_appointment(visit)
    ctx = {
        "expired": user is None,
        "patient": user,
        "visit": visit,
        "asked_for_visit": bool(match),
    }
    response = render(
        request, "sandbox/clinic.html", ctx, status=401 if user is None else 200
    )
    # The token travels in this page's URL (§3): keep it out of caches and Referer headers.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
