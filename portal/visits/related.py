"""An appointment and the walk-in VSee opens when it starts are one visit to the patient.

VSee links them (`related_walkin_id` on the appointment, `related_appointment_id` on the
walk-in; reference: "Understanding Visit object ID"), and the appointment's own status may
stay "booked" while the walk-in goes from waiting to completed. Shown apart, a past visit
reads "Booked" with a Join button, beside a second, completed one. Merged, the patient sees
the appointment's time, provider and kind, with the status, notes and prescriptions of the
walk-in that carries them; `related_walkin_id` stays the walk-in's, for its summary.
"""

from __future__ import annotations

from portal.vsee.schemas import Visit, VisitType

APPOINTMENT, WALKIN = VisitType.APPOINTMENT, VisitType.WALKIN


def merged(appointment: Visit, walkin: Visit) -> Visit:
    """Return the one visit the patient knows: the appointment, as the walk-in left it."""
    return appointment.model_copy(
        update={
            "status": walkin.status
            if walkin.status is not None
            else appointment.status,
            "postvisit": walkin.postvisit or appointment.postvisit,
            "prescriptions": walkin.prescriptions or appointment.prescriptions,
            "provider": appointment.provider or walkin.provider,
            "related_walkin_id": walkin.id,
        }
    )


def merge_related(visits: list[Visit]) -> list[Visit]:
    """Return the visits with each linked appointment and walk-in as one."""
    by_id = {v.id: v for v in visits}
    walkin_of: dict[str, Visit] = {}
    for visit in visits:
        if visit.type == WALKIN and visit.related_appointment_id in by_id:
            walkin_of[str(visit.related_appointment_id)] = visit
        elif visit.type == APPOINTMENT and visit.related_walkin_id in by_id:
            walkin_of[visit.id] = by_id[str(visit.related_walkin_id)]
    absorbed = {walkin.id for walkin in walkin_of.values()}
    result = []
    for visit in visits:
        if visit.id in absorbed:
            continue
        if visit.id in walkin_of:
            visit = merged(visit, walkin_of[visit.id])
        elif visit.type == APPOINTMENT and visit.related_walkin:
            # The walk-in is not listed, but the appointment says how it went.
            linked = visit.related_walkin
            if linked.status is not None:
                visit = visit.model_copy(update={"status": linked.status})
        result.append(visit)
    return result
