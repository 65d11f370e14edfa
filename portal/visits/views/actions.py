"""What a patient can do to a visit: cancel an appointment, download a summary."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.booking.flow import member_id, record_vsee_error
from portal.booking.summary import format_when
from portal.booking.timezones import clinic_time_zone, patient_time_zone
from portal.clinic import audit
from portal.http import PortalRequest
from portal.notices import outbox
from portal.patients.decorators import patient_required
from portal.visits.access import own_merged_visit_or_404, own_visit_or_404, visit_vsee
from portal.visits.history import row_for
from portal.visits.rows import can_change, can_leave, has_summary
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected
from portal.vsee.schemas import CloseReason, Visit, VisitStatus, VisitType

log = logging.getLogger(__name__)

CANCEL_REASON = CloseReason.PATIENT_CANCEL_APPOINTMENT
LEAVE_REASON = CloseReason.PATIENT_EXIT_ROOM


@patient_required
@require_http_methods(["GET", "POST"])
def cancel(request: PortalRequest, visit_id: str) -> HttpResponse:
    """GET asks "are you sure?"; POST cancels. htmx swaps the history row in place."""
    visit = own_visit_or_404(request, visit_id)
    now = int(time.time())
    zone = patient_time_zone(request, clinic_time_zone())
    if not can_change(visit, now):
        messages.info(request, _("This visit can no longer be cancelled online."))
        return HttpResponseRedirect(reverse("visits:detail", args=[visit.id]))
    ctx = {"visit": visit, "when": format_when(visit.start, zone)}
    if request.method == "GET":
        template = "visits/partials/cancel_confirm.html" if request.htmx else None
        return render(request, template or "visits/cancel.html", ctx)
    if not _closed(request, visit, CANCEL_REASON, option="appointment"):
        return render(
            request, "visits/cancel.html", {**ctx, "vsee_down": True}, status=503
        )
    audit.record(
        audit.Action.VISIT_CANCELLED,
        member_id=member_id(request),
        room_code=visit.room_code or "",
        visit_id=visit.id,
        visit_kind="appointment",
    )
    outbox.visit_cancelled(request, visit)
    if request.htmx:
        cancelled = visit.model_copy(update={"status": VisitStatus.CANCELLED})
        return render(
            request,
            "visits/partials/row.html",
            {
                "row": row_for(cancelled, zone, now),
                "announce": _("Appointment cancelled."),
                "cancelled": True,
            },
        )
    messages.success(
        request, _("Your appointment is cancelled."), extra_tags="cancelled"
    )
    return HttpResponseRedirect(reverse("visits:history"))


@patient_required
@require_GET
def summary(request: PortalRequest, visit_id: str) -> HttpResponse:
    """Send the patient to the PDF VSee made; the portal never fetches or keeps it."""
    visit = own_merged_visit_or_404(request, visit_id)
    url = ""
    if has_summary(visit):
        # A started appointment's summary is its walk-in's: that is where the call was.
        carrier = (
            visit.related_walkin_id if visit.type == VisitType.APPOINTMENT else None
        )
        try:
            url = visit_vsee(request, visit.id).visit_summary_url(carrier or visit.id)
        except VSeeRejected as exc:
            log.info("no visit summary: status=%s", exc.status)
    if not url:
        return render(request, "visits/no_summary.html", {"visit_id": visit.id})
    audit.record(
        audit.Action.SUMMARY_DOWNLOADED,
        member_id=member_id(request),
        room_code=visit.room_code or "",
        visit_id=visit.id,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@patient_required
@require_http_methods(["GET", "POST"])
def leave(request: PortalRequest, visit_id: str) -> HttpResponse:
    """GET asks "leave the waiting room?"; POST takes the patient out of the queue."""
    visit = own_visit_or_404(request, visit_id)
    if not can_leave(visit):
        messages.info(
            request, _("You're no longer in the waiting room for this visit.")
        )
        return HttpResponseRedirect(reverse("visits:detail", args=[visit.id]))
    if request.method == "GET":
        return render(request, "visits/leave.html", {"visit": visit})
    if not _closed(request, visit, LEAVE_REASON, option="walkin"):
        ctx = {"visit": visit, "vsee_down": True}
        return render(request, "visits/leave.html", ctx, status=503)
    audit.record(
        audit.Action.VISIT_CANCELLED,
        member_id=member_id(request),
        room_code=visit.room_code or "",
        visit_id=visit.id,
        visit_kind="walkin",
        detail="left_waiting_room",
    )
    messages.success(request, _("You've left the waiting room."))
    return HttpResponseRedirect(reverse("visits:history"))


def _closed(request: PortalRequest, visit: Visit, reason: str, *, option: str) -> bool:
    """Close the visit in VSee; False (logged and audited) when VSee could not."""
    try:
        visit_vsee(request, visit.id).visit_close(visit.id, reason)
    except VSeeAuthExpired:
        raise
    except VSeeError as exc:
        log.warning("closing a visit (%s) failed: %s", reason, exc)
        record_vsee_error(
            request,
            exc,
            room_code=visit.room_code or "",
            option=option,
            visit_id=visit.id,
        )
        return False
    return True
