"""Whom a visit is for: the patient, or someone in their care (portal/patients/family.py)."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _

from portal.booking.draft import save_draft
from portal.booking.flow import Step
from portal.booking.prefill import forget_prefill
from portal.http import PortalRequest
from portal.patients.family import may_have_people, people_in_care
from portal.patients.signin import FIRST_NAME_KEY

MYSELF = "me"
SOMEONE_NEW = "new"
MOST_PEOPLE = 20  # a family, not a clinic: beyond this, the clinic can help


def offers_people(request: PortalRequest, step: Step) -> bool:
    return step.room.allow_family and may_have_people(request.session)


def who_choices(request: PortalRequest, step: Step) -> list[tuple[str, str]]:
    """The answers to "Who is this visit for?", or none when the patient can't choose."""
    if not offers_people(request, step):
        return []
    me = request.session.get(FIRST_NAME_KEY, "")
    choices = [(MYSELF, _("Me (%(name)s)") % {"name": me} if me else _("Me"))]
    people = people_in_care(request.session)
    choices += [(p.key, p.first_name) for p in people]
    if len(people) < MOST_PEOPLE:
        choices.append((SOMEONE_NEW, _("Someone else in my care")))
    return choices


def choose_person(request: PortalRequest, step: Step, key: str) -> bool:
    """Make the visit for this person. What VSee holds for the one before (the intake and
    its files) is theirs, so it is left behind; the answers carry over, except those filled
    in from the last visit of the one before. Return whether the form needs another look
    because of that."""
    draft = step.draft
    if draft.person == key:
        return False
    if draft.file_ids:
        messages.info(
            request,
            _(
                "Files belong to one person's record: please add them again for this "
                "visit."
            ),
        )
    draft.person = key
    draft.intake_id, draft.file_ids = "", []
    look_again = forget_prefill(draft)
    save_draft(request.session, draft)
    return look_again
