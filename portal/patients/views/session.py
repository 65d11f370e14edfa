"""Signing out, and the page that says so (also after an idle timeout)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.http import PortalRequest
from portal.patients.decorators import forget_signed_in


@require_POST
def sign_out(request: PortalRequest) -> HttpResponse:
    """Forget everything: token, draft, answers. The next page keeps nothing of them."""
    request.session.flush()
    return forget_signed_in(HttpResponseRedirect(reverse("patients:signed_out")))


@require_GET
def signed_out(request: PortalRequest) -> HttpResponse:
    reason = "idle" if request.GET.get("reason") == "idle" else "signed_out"
    return render(request, "patients/signed_out.html", {"reason": reason})
