"""A patient sees and acts on their own visits only; anything else is "not found"."""

from __future__ import annotations

from django.http import Http404

from portal.clinic import audit
from portal.http import PortalRequest
from portal.visits.related import APPOINTMENT, WALKIN, merged
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected
from portal.vsee.schemas import Visit
from portal.vsee.service import PatientVSee, current_patient


def own_visit_or_404(request: PortalRequest, visit_id: str) -> Visit:
    """The signed-in patient's visit; anyone else's (or none) is a 404, and audited.

    404 rather than 403: saying "forbidden" would confirm that the visit exists.
    """
    try:
        return PatientVSee(request.session).own_visit(visit_id)
    except VSeeRejected as exc:
        if exc.status not in (400, 403, 404):
            raise
        patient = current_patient(request.session)
        audit.record(
            audit.Action.ACCESS_DENIED,
            outcome=audit.Outcome.FAILURE,
            member_id=patient.member_id if patient else "",
            visit_id=visit_id,
            detail=f"status={exc.status}",
        )
        raise Http404 from exc


def own_merged_visit_or_404(request: PortalRequest, visit_id: str) -> Visit:
    """The patient's visit as they know it: an appointment together with the walk-in VSee
    opened when it started, whichever of the two ids was asked for."""
    visit = own_visit_or_404(request, visit_id)
    vsee = PatientVSee(request.session)
    try:
        if visit.type == APPOINTMENT and visit.related_walkin_id:
            return merged(visit, vsee.own_visit(str(visit.related_walkin_id)))
        if visit.type == WALKIN and visit.related_appointment_id:
            return merged(vsee.own_visit(str(visit.related_appointment_id)), visit)
    except VSeeAuthExpired:
        raise
    except VSeeError:
        pass  # the other half can't be read: show this one as it is
    return visit
