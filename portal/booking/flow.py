"""What every step of the journey checks first, in one place.

The room must be offered, VSee must answer for it, the option must work now, a guest may
only be where guests are allowed, and steps after the intake need the intake made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.booking.draft import Draft, draft_for, load_draft, save_draft
from portal.booking.options import VisitOption, visit_options
from portal.clinic import audit
from portal.clinic.rooms import Room
from portal.http import PortalRequest
from portal.patients.decorators import sign_in_url
from portal.patients.family import person, vsee_for
from portal.patients.guests import guest_allowed
from portal.vsee.errors import VSeeError, VSeeRejected
from portal.vsee.schemas import Room as VSeeRoom
from portal.vsee.service import PatientVSee, current_patient, get_room

log = logging.getLogger(__name__)


@dataclass
class Step:
    room: Room
    vsee_room: VSeeRoom
    option: VisitOption
    draft: Draft
    session: SessionBase

    def vsee(self) -> PatientVSee:
        """The VSee calls of this visit: as the patient, or as the person it is for."""
        return vsee_for(self.session, self.draft.person)


def no_such_room(request: PortalRequest) -> HttpResponse:
    rooms = Room.objects.offered()
    return render(request, "booking/no_such_room.html", {"rooms": rooms}, status=404)


def open_room(
    request: PortalRequest, code: str
) -> tuple[Room, VSeeRoom] | HttpResponse:
    """Return an offered room with VSee's view of it, or the page that says why not."""
    room = Room.objects.offered().filter(code=code).first()
    if room is None:
        return no_such_room(request)
    try:
        return room, get_room(room.code)
    except VSeeRejected as exc:
        log.error("room lookup refused: %s", exc)
        return render(request, "vsee/misconfigured.html", status=503)
    except VSeeError as exc:
        log.warning("room lookup failed: %s", exc)
        return render(request, "vsee/unavailable.html", status=503)


def load_step(
    request: PortalRequest, code: str, option: str, *, needs_intake: bool = True
) -> Step | HttpResponse:
    """Return the step's context, or the response that sends the patient where they belong."""
    opened = open_room(request, code)
    if isinstance(opened, HttpResponse):
        return opened
    room, vsee_room = opened
    offered = {o.key: o for o in visit_options(room, vsee_room)}
    if option not in offered or not offered[option].available:
        messages.info(request, _("That way of being seen isn't available right now."))
        return HttpResponseRedirect(reverse("room", args=[room.code]))
    patient = current_patient(request.session)
    if patient and patient.is_guest and not guest_allowed(room, option):
        messages.info(request, _("To book a time, please sign in with your email."))
        return HttpResponseRedirect(sign_in_url(request.path))
    if needs_intake:
        draft = load_draft(request.session)
        if not (
            draft
            and draft.intake_id
            and draft.room_code == room.code
            and draft.option == option
            and not draft.visit_id
        ):
            return HttpResponseRedirect(reverse("intake", args=[room.code, option]))
    else:
        draft = draft_for(request.session, room.code, option)
    if draft.person and not (
        room.allow_family and person(request.session, draft.person)
    ):
        # No longer on the list, or this room doesn't book for others: start again as
        # the patient, answers kept.
        draft = Draft(room_code=room.code, option=option, answers=draft.answers)
        save_draft(request.session, draft)
        if needs_intake:
            return HttpResponseRedirect(reverse("intake", args=[room.code, option]))
    return Step(
        room=room,
        vsee_room=vsee_room,
        option=offered[option],
        draft=draft,
        session=request.session,
    )


def member_id(request: PortalRequest) -> str:
    patient = current_patient(request.session)
    return patient.member_id if patient else ""


def record_vsee_error(
    request: PortalRequest,
    exc: VSeeError,
    *,
    room_code: str = "",
    option: str = "",
    visit_id: str = "",
) -> None:
    """Audit an upstream failure in the patient's journey (never content)."""
    audit.vsee_error(
        exc,
        member_id=member_id(request),
        room_code=room_code,
        visit_id=visit_id,
        visit_kind=option,
    )
