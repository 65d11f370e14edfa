"""The steps of the journey per visit option, for the "Step 2 of 4" indicator."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from portal.clinic.rooms import Room


@dataclass(frozen=True)
class Progress:
    number: int
    total: int
    title: str


def steps_for(room: Room, option: str) -> list[tuple[str, str]]:
    """Return (key, title) for each step a patient goes through in this room and option."""
    steps = [("sign_in", "Sign in"), ("intake", "About your visit")]
    if room.attachments_offered:
        steps.append(("files", "Add files"))
    if option == "appointment":
        steps.append(("time", "Choose a time"))
    last = {"walkin": "Join the waiting room", "econsult": "Send your question"}
    steps.append(("done", last.get(option, "Confirm your booking")))
    return steps


def progress(room: Room, option: str, step: str) -> Progress:
    steps = steps_for(room, option)
    keys = [key for key, _ in steps]
    index = keys.index(step)
    return Progress(number=index + 1, total=len(steps), title=steps[index][1])


def next_url(room: Room, option: str, after: str) -> str:
    """Return the page of the step that follows `after` for this room and option."""
    keys = [key for key, _ in steps_for(room, option)]
    following = keys[keys.index(after) + 1]
    if following == "files":
        return reverse("files", args=[room.code, option])
    if following == "time":
        return reverse("time", args=[room.code])
    return reverse("review", args=[room.code, option])
