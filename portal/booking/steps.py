"""The steps of the journey per visit option, for the "Step 2 of 4" indicator."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.clinic.rooms import Room


@dataclass(frozen=True)
class Progress:
    number: int
    total: int
    title: str


def steps_for(room: Room, option: str) -> list[tuple[str, str]]:
    """Return (key, title) for each step a patient goes through in this room and option."""
    steps = [("sign_in", _("Sign in")), ("intake", _("About your visit"))]
    if option == "appointment":
        # Times first: a patient sees when they can be seen before signing in.
        steps.insert(0, ("time", _("Choose a time")))
    if room.attachments_offered:
        steps.append(("files", _("Add files")))
    last = {"walkin": _("Join the waiting room"), "econsult": _("Send your question")}
    steps.append(("done", last.get(option, _("Confirm your booking"))))
    return steps


def progress(room: Room, option: str, step: str) -> Progress:
    steps = steps_for(room, option)
    keys = [key for key, _title in steps]
    index = keys.index(step)
    return Progress(number=index + 1, total=len(steps), title=steps[index][1])


def next_url(room: Room, option: str, after: str) -> str:
    """Return the page of the step that follows `after` for this room and option."""
    keys = [key for key, _title in steps_for(room, option)]
    following = keys[keys.index(after) + 1]
    if following in ("sign_in", "intake"):
        # The intake sends anyone not signed in to sign in first, and back.
        return reverse("intake", args=[room.code, option])
    if following == "files":
        return reverse("files", args=[room.code, option])
    # The review sends an appointment without a time to the times.
    return reverse("review", args=[room.code, option])
