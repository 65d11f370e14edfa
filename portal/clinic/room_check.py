"""'Check VSee connection': ask VSee about a room now, as a patient's visit would."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from portal.clinic.rooms import Room, vsee_problems
from portal.vsee.errors import VSeeError
from portal.vsee.service import forget_room, get_client, get_room

PROBE_DAYS = 7


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def vsee_said(exc: VSeeError) -> str:
    """VSee's own words plus what support needs to find the request in VSee's logs."""
    details = [f"status {exc.status}"] if exc.status is not None else []
    if exc.request_id:
        details.append(f"request id {exc.request_id}")
    suffix = f" ({', '.join(details)})" if details else ""
    return f"VSee said: {exc.message or type(exc).__name__}{suffix}"


def check_room(room: Room) -> CheckResult:
    """Read the room fresh from VSee, then ask for availability with the portal's API key."""
    name = room.display_name or room.code
    forget_room(room.code)
    try:
        client = get_client()
        vsee_room = get_room(room.code, client=client)
    except ImproperlyConfigured as exc:
        return CheckResult(False, f"{name}: VSee is not set up for the portal: {exc}.")
    except VSeeError as exc:
        return CheckResult(False, f"{name}: {vsee_said(exc)}")

    problems = vsee_problems(room, vsee_room)
    if problems:
        return CheckResult(
            False, f"{name}: VSee room found, but: {' '.join(problems.values())}"
        )
    offered = [
        label
        for option, label in (
            ("walkin", "walk-in"),
            ("appointment", "appointment"),
            ("econsult", "e-consult"),
        )
        if room.offers(option)
    ]
    found = f"{name}: VSee room found; {len(offered)} of its options are on ({', '.join(offered)})"

    consultations = room.consultations(vsee_room) or vsee_room.consultations
    if not room.offers_appointment:
        return CheckResult(
            True, f"{found}; availability not checked (no appointments offered)."
        )
    if not consultations:
        return CheckResult(
            True, f"{found}; availability not checked (no consultation types)."
        )
    now = int(time.time())
    try:
        slots = client.availability_get(
            room_code=room.code,
            consultation_id=consultations[0].id,
            start=now,
            end=now + PROBE_DAYS * 86400,
        )
    except VSeeError as exc:
        return CheckResult(False, f"{found}, but availability failed. {vsee_said(exc)}")
    return CheckResult(
        True,
        f"{found}; availability answered ({len(slots)} free times in the next {PROBE_DAYS} days).",
    )
