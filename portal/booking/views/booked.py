"""After the visit is made: the confirmation, its calendar file, and the way into video."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.booking.calendar import ics_for_visit
from portal.booking.draft import finish_draft, load_draft
from portal.booking.summary import KIND_NAMES, format_time, when
from portal.booking.timezones import clinic_time_zone, patient_time_zone
from portal.clinic.branding import current_branding
from portal.clinic.rooms import Room
from portal.http import PortalRequest
from portal.patients.decorators import patient_required
from portal.patients.family import ME, owner_of, person, vsee_for_visit
from portal.visits.access import own_visit_or_404
from portal.visits.rows import can_join, join_opens
from portal.vsee.schemas import VisitType

log = logging.getLogger(__name__)

# For the embed's "booked" event: which way the patient was seen, and nothing more.
OPTION_KEYS = {
    VisitType.WALKIN: "walkin",
    VisitType.APPOINTMENT: "appointment",
    VisitType.ECONSULT: "econsult",
}


@patient_required
@require_GET
def booked(request: PortalRequest, visit_id: str) -> HttpResponse:
    visit = own_visit_or_404(request, visit_id)
    draft = load_draft(request.session)
    just_booked = bool(draft and draft.visit_id == visit.id)
    if draft and just_booked:
        finish_draft(request.session, draft)  # made and confirmed: only now is it done
    room = Room.objects.filter(code=visit.room_code or "").first() or (
        Room.objects.filter(code=draft.room_code).first() if draft else None
    )
    clinic_zone = clinic_time_zone(room) if room else "UTC"
    patient_zone = patient_time_zone(request, clinic_zone)
    owner = owner_of(request.session, visit.id) or ME
    for_person = person(request.session, owner) if owner != ME else None
    ctx = {
        "visit": visit,
        "for": for_person.first_name if for_person else "",
        "kind": KIND_NAMES.get(visit.type or 0, _("Visit")),
        "option": OPTION_KEYS.get(visit.type or 0, ""),
        # The embed's "booked" event: once, not again on a reload of this page.
        "just_booked": just_booked,
        "room": room,
        # Only an appointment has a time to tell; a walk-in's start is just now.
        "when": when(visit.start, patient_zone, clinic_zone)
        if visit.type == VisitType.APPOINTMENT
        else None,
        "provider": visit.provider.display_name if visit.provider else "",
        "join_from": format_time(join_opens(visit, int(time.time())), patient_zone),
    }
    return render(request, "booking/booked.html", ctx)


@patient_required
@require_GET
def calendar(request: PortalRequest, visit_id: str) -> HttpResponse:
    """An .ics for an appointment: UTC times, a stable UID, the clinic's name and no PHI."""
    visit = own_visit_or_404(request, visit_id)
    if not (visit.start and visit.end):
        raise Http404
    clinic = current_branding().get("clinic_name") or _("your clinic")
    body = ics_for_visit(
        visit,
        clinic_name=clinic,
        host=request.get_host(),
        link=request.build_absolute_uri(f"/booked/{visit.id}/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response


@patient_required
@require_GET
def join(request: PortalRequest, visit_id: str) -> HttpResponse:
    """Into VSee's own video page: the one place a token leaves the server (DESIGN rule 3).

    Only while joining makes sense: a walk-in still open, an appointment from shortly
    before its start, or whatever VSee says is under way now.

    Asked for JSON (portal.js, in a frame), it answers with VSee's page instead of going
    there: video needs a tab of its own, and a new tab has none of the frame's cookies
    (they are partitioned by the clinic's site), so the frame opens VSee's page directly.
    """
    visit = own_visit_or_404(request, visit_id)
    vsee = vsee_for_visit(request.session, visit.id)
    draft = load_draft(request.session)
    if draft and draft.visit_id == visit.id:
        # Straight from the review (one tap): made, and on its way to VSee, so done.
        finish_draft(request.session, draft)
    if not can_join(visit, int(time.time())):
        current = vsee.visit_current()
        if not (current and current.id == visit.id):
            messages.info(
                request,
                _("You can join from 15 minutes before the start of your appointment."),
            )
            detail = reverse("visits:detail", args=[visit.id])
            if _wants_json(request):
                return JsonResponse({"go": detail}, status=409)
            return HttpResponseRedirect(detail)
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"url": vsee.join_url(visit.id)})
    else:
        response = HttpResponseRedirect(vsee.join_url(visit.id))
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _wants_json(request: PortalRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")
