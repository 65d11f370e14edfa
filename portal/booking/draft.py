"""The patient's notebook: the visit being prepared, kept in the server-side session.

Back, refresh, a second tab, a failed VSee call or signing in again never lose it, and
the ids in it (intake, files, visit) stop a retry from creating a second of anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

DRAFT_KEY = "booking.draft"
LAST_BOOKED_KEY = "booking.last"


@dataclass
class Draft:
    room_code: str
    option: str
    answers: dict[str, Any] = field(default_factory=dict)
    intake_id: str = ""
    file_ids: list[str] = field(default_factory=list)
    consultation_id: str = ""
    slot_start: int | None = None
    slot_end: int | None = None
    provider_id: str = ""
    visit_id: str = ""
    # Whom the visit is for: "" the patient, else a person in their care (family.py).
    person: str = ""
    # Answers filled in from that person's previous visit (prefill.py), and whether that
    # was looked for already.
    prefilled: dict[str, Any] = field(default_factory=dict)
    prefill_checked: bool = False
    # A visit-making call failed in a way VSee may still have acted on: before trying
    # again, ask VSee whether the visit exists (portal/booking/reconcile.py).
    unconfirmed: bool = False
    # Signed consent records uploaded for this intake (consent.py): attached beside the
    # patient's own files, never listed or counted with them.
    consent_file_ids: list[str] = field(default_factory=list)

    @property
    def attachment_ids(self) -> list[str]:
        """Everything the intake in VSee should carry: the patient's files and consent."""
        return [*self.file_ids, *self.consent_file_ids]


def load_draft(session: SessionBase) -> Draft | None:
    raw = session.get(DRAFT_KEY)
    return Draft(**raw) if raw else None


def save_draft(session: SessionBase, draft: Draft) -> None:
    session[DRAFT_KEY] = asdict(draft)


def clear_draft(session: SessionBase) -> None:
    session.pop(DRAFT_KEY, None)


def finish_draft(session: SessionBase, draft: Draft) -> None:
    """The visit is made and confirmed: clear the draft, remembering only where it led, so
    Back to its last step shows that visit instead of an empty form."""
    session[LAST_BOOKED_KEY] = {
        "room_code": draft.room_code,
        "option": draft.option,
        "visit_id": draft.visit_id,
    }
    clear_draft(session)


def last_booked(session: SessionBase, room_code: str, option: str) -> str:
    """The visit the last finished draft for this room and option made, or ""."""
    last = session.get(LAST_BOOKED_KEY) or {}
    if (last.get("room_code"), last.get("option")) == (room_code, option):
        return last.get("visit_id", "")
    return ""


def draft_for(session: SessionBase, room_code: str, option: str) -> Draft:
    """Return the draft for this room and option, carrying over what still applies.

    Answers carry over everywhere (the same question means the same thing). An intake
    belongs to one room in VSee, so a different room starts a new one; a different option
    keeps the intake and updates it. A slot belongs to one booking.
    """
    draft = load_draft(session)
    if draft is None:
        draft = Draft(room_code=room_code, option=option)
    elif draft.room_code != room_code:
        draft = Draft(
            room_code=room_code,
            option=option,
            answers=draft.answers,
            person=draft.person,
        )
    elif draft.option != option:
        draft.option = option
        draft.consultation_id, draft.provider_id = "", ""
        draft.slot_start = draft.slot_end = None
    if draft.visit_id:
        # That visit is made; this is a new one, with the answers as a head start.
        draft = Draft(
            room_code=room_code,
            option=option,
            answers=draft.answers,
            person=draft.person,
        )
    save_draft(session, draft)
    return draft


def forget_vsee_ids(session: SessionBase) -> None:
    """Keep the answers, drop what belongs to a VSee member who is no longer signed in."""
    draft = load_draft(session)
    if draft is not None:
        save_draft(
            session,
            Draft(
                room_code=draft.room_code,
                option=draft.option,
                answers=draft.answers,
                person=draft.person,
            ),
        )
