"""What every way in shares: where to go next, and finishing the sign-in."""

from __future__ import annotations

import unicodedata

from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from portal.booking.draft import forget_vsee_ids
from portal.clinic import audit
from portal.http import PortalRequest
from portal.patients.family import CODE_KEY
from portal.vsee.schemas import SsoUser, UserType
from portal.vsee.service import remember_patient

PATIENT = UserType.PATIENT
GUEST = UserType.GUEST
OWNER_KEY = "patients.owner"
MEMBER_KEY = "patients.member"
FIRST_NAME_KEY = "patients.first_name"
# The address a patient signed in with: where the portal's emails about visits go.
CONTACT_KEY = "patients.email"


def _previous_member(session: SessionBase) -> str:
    return session.get(MEMBER_KEY, "")


def safe_next(request: PortalRequest, value: str | None) -> str:
    """Only our own paths: a sign-in link must not be able to send a patient elsewhere.

    No whitespace or control characters either: browsers drop tabs and newlines inside
    URLs ("/\t/evil.example" is "//evil.example" to them), and a newline cannot go into a
    Location header at all.
    """
    if (
        value
        and value.startswith("/")
        and not any(c.isspace() or unicodedata.category(c)[0] == "C" for c in value)
        and url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return value
    return reverse("landing")


def finish_sign_in(
    request: PortalRequest,
    user: SsoUser,
    *,
    type: int,  # noqa: A002
    owner: str = "",
    code: str = "",
    email: str = "",
) -> None:
    """Rotate the session key (no fixation), keep the token server-side, and audit it.

    The session's notebook (draft answers) carries over only when the same person signs in
    again, as after a token expired mid-flow; anyone else starts with nothing of it.
    `owner` names the person for guests, whose VSee member id is new at every sign-in.
    `code` is a patient's VSee code: the people in their care are derived from it.
    """
    session = request.session
    owner = owner or f"member:{user.id}"
    previous = session.get(OWNER_KEY)
    if previous and previous != owner:
        session.flush()
    else:
        session.cycle_key()
        if previous and user.id != _previous_member(session):
            # Same person, new VSee member (a guest again): their old intake is not theirs now.
            forget_vsee_ids(session)
    session[OWNER_KEY] = owner
    session[MEMBER_KEY] = user.id
    if code and type == PATIENT:
        session[CODE_KEY] = code
    else:
        session.pop(CODE_KEY, None)
    if email:
        session[CONTACT_KEY] = email
    else:
        session.pop(CONTACT_KEY, None)
    # Shown in the header ("Signed in as Ada"): a patient sent in by someone else's
    # hand-off link sees at once that it is not their account.
    session[FIRST_NAME_KEY] = (user.first_name or "")[:50]
    remember_patient(session, user, type=type)
    audit.record(audit.Action.SIGNED_IN, member_id=user.id, detail=f"type={type}")
