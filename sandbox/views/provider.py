"""A stand-in for the provider's side of VSee, for clinic staff in the demo and for tests:
start, end, cancel or move a visit, or sign and send a note. Each change is told to the
portal by webhook, as VSee would tell it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sandbox import clock, webhooks
from sandbox.models import SandboxVisit
from sandbox.views._api import require_sandbox

REPLY_NOTE = {
    "assessment_plan": "<p>Thanks for your question. This sounds like a mild cold.</p>",
    "patient_instructions": "<p>Rest and fluids; book a visit if it lasts a week.</p>",
    "disposition": "Home care",
}


@require_GET
@staff_member_required
def console(request: HttpRequest) -> HttpResponse:
    require_sandbox()
    visits = SandboxVisit.objects.select_related("member").order_by("-modified")[:30]
    return render(request, "sandbox/provider.html", {"visits": visits})


@require_POST
@staff_member_required
def act(request: HttpRequest, visit_id: int, action: str) -> HttpResponse:
    require_sandbox()
    visit = get_object_or_404(SandboxVisit, pk=visit_id)
    now = clock.now()
    kind = "visit.updated"
    note_id = ""
    if action == "start":
        visit.status = SandboxVisit.IN_PROGRESS
    elif action == "end":
        visit.status, kind = SandboxVisit.COMPLETED, "visit.ended"
    elif action == "cancel":
        visit.status, visit.close_reason = SandboxVisit.CANCELLED, "call_ended"
    elif action == "move":
        visit.start, visit.end = (
            visit.start + timedelta(days=1),
            visit.end + timedelta(days=1),
        )
    elif action == "note":
        visit.postvisit = {**REPLY_NOTE, "signed_at": now.isoformat()}
        kind, note_id = (
            "visit.note.signed_and_sent",
            f"note-{visit.pk}-{int(now.timestamp())}",
        )
    else:
        raise Http404
    visit.modified = now
    visit.save()
    webhooks.emit(kind, visit, note_id=note_id)
    return HttpResponseRedirect(reverse("sandbox:provider"))
