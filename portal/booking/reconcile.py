"""A visit-making call whose answer is lost may still have made the visit.

POST /visits/add_walkin, /visits/add_econsult and /visits are never retried blindly
(DESIGN rule 9): when one times out, fails with a 5xx, or answers with something we can't
read, VSee may have made the visit all the same. Before anything is sent again, VSee's own
list says: a visit made from this draft's intake (for an appointment, at this slot) means
the booking happened.
"""

from __future__ import annotations

import logging

from portal.booking.draft import Draft
from portal.booking.picker import is_that_time, vsee_fetch
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected
from portal.vsee.schemas import Visit, VisitType
from portal.vsee.service import PatientVSee

log = logging.getLogger(__name__)

OPTION_TYPES = {
    "walkin": VisitType.WALKIN,
    "appointment": VisitType.APPOINTMENT,
    "econsult": VisitType.ECONSULT,
}


def answer_may_be_lost(exc: VSeeError) -> bool:
    """Return whether VSee may have acted on a call that failed this way: a refusal (4xx)
    or a refused token means it did not; anything else (timeout, 5xx, an answer we could
    not read) leaves it open."""
    return not isinstance(exc, VSeeRejected | VSeeAuthExpired)


def made_from_draft(vsee: PatientVSee, draft: Draft) -> str:
    """Return the id of the visit VSee made from this draft, or "" if there is none.

    Raises VSeeError when VSee can't be asked: then nobody knows, and nothing may be sent.
    """
    for visit in vsee.visit_list():
        if _made_from(visit, draft):
            log.info("reconciled: the visit was made although its answer was lost")
            return visit.id
    return ""


def _made_from(visit: Visit, draft: Draft) -> bool:
    intake_id = visit.intake_id or (visit.intake.id if visit.intake else None)
    if str(intake_id or "") != draft.intake_id:
        return False
    if visit.type is not None and visit.type != OPTION_TYPES.get(draft.option):
        return False
    # An appointment's intake may also carry the walk-in VSee opens when it starts.
    return draft.option != "appointment" or visit.start in (None, draft.slot_start)


def slot_gone(vsee: PatientVSee, draft: Draft) -> bool | None:
    """Return whether the draft's time is no longer offered, asking VSee's availability
    around it; None when VSee can't say.

    A refused booking is "just taken" only if the time is gone: VSee's words for it are not
    documented, and a refusal for another reason must not send the patient back to pick.
    """
    if draft.slot_start is None or draft.slot_end is None:
        return None
    fetch = vsee_fetch(
        vsee,
        room_code=draft.room_code,
        intake_id=draft.intake_id,
        consultation_id=draft.consultation_id,
        fresh=True,  # VSee's answer now, not the picker's few seconds' cache
    )
    start, end = draft.slot_start, draft.slot_end
    try:
        offered = fetch(start - 60, end + 60)
    except VSeeError as exc:
        log.warning("could not check whether the time is still free: %s", exc)
        return None
    return not any(is_that_time(s, start, end, draft.provider_id) for s in offered)
