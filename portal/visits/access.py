"""A patient sees and acts on their own visits, and those of the people in their care, only;
anything else is "not found"."""

from __future__ import annotations

from django.http import Http404

from portal.clinic import audit
from portal.http import PortalRequest
from portal.patients.family import (
    ME,
    owner_of,
    people_in_care,
    remember_owner,
    vsee_for,
    vsee_for_visit,
)
from portal.visits.related import APPOINTMENT, WALKIN, merged
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected
from portal.vsee.schemas import Visit
from portal.vsee.service import PatientVSee, current_patient


def visit_vsee(request: PortalRequest, visit_id: str) -> PatientVSee:
    """The VSee calls for a visit already opened: as the person whose visit it is."""
    return vsee_for_visit(request.session, visit_id)


def own_visit_or_404(request: PortalRequest, visit_id: str) -> Visit:
    """The visit, if it is the signed-in patient's or a person's in their care; anyone
    else's (or none) is a 404, and audited.

    Whose it is was noted when the history or the booking showed it; a visit this session
    hasn't seen (a link from elsewhere) is looked for as the patient, then as each person.
    404 rather than 403: saying "forbidden" would confirm that the visit exists.
    """
    session = request.session
    noted = owner_of(session, visit_id)
    whose = (
        [noted]
        if noted is not None
        else [ME, *(p.key for p in people_in_care(session))]
    )
    refused: VSeeRejected | None = None
    for key in whose:
        try:
            visit = vsee_for(session, key).own_visit(visit_id)
        except VSeeRejected as exc:
            if exc.status not in (400, 403, 404):
                raise
            refused = exc
            continue
        except LookupError:  # no longer on the list
            continue
        remember_owner(session, [visit_id], key)
        return visit
    patient = current_patient(session)
    audit.record(
        audit.Action.ACCESS_DENIED,
        outcome=audit.Outcome.FAILURE,
        member_id=patient.member_id if patient else "",
        visit_id=visit_id,
        detail=f"status={refused.status if refused else 404}",
    )
    raise Http404


def own_merged_visit_or_404(request: PortalRequest, visit_id: str) -> Visit:
    """The patient's visit as they know it: an appointment together with the walk-in VSee
    opened when it started, whichever of the two ids was asked for."""
    visit = own_visit_or_404(request, visit_id)
    vsee = visit_vsee(request, visit_id)
    # The pair is one person's: either id opens it, and acts on it, as that person.
    related = [
        str(visit.related_walkin_id or ""),
        str(visit.related_appointment_id or ""),
    ]
    remember_owner(request.session, related, vsee.person)
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
