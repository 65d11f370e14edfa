"""GET /availability: free slots in a room, in either of the seed's response shapes.

SANDBOX_AVAILABILITY_SHAPE picks one: "slots" (the seed's "Sample minimal request":
{slots, slot_data}) or "list" (the shape it says "will change soon to": one item per time,
naming every provider free then).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from sandbox import slots
from sandbox.clock import from_unix, to_unix
from sandbox.models import SandboxAvailability, SandboxIntake, SandboxRoom
from sandbox.views._api import (
    ApiCall,
    ApiError,
    api_endpoint,
    get_intake_for,
    get_room,
)

# Seed §GET /availability, the table of start/end/duration rules: 4 days unless told.
DEFAULT_WINDOW = timedelta(days=4)
DEFAULT_LENGTH = timedelta(minutes=15)
MAX_WINDOW = timedelta(days=92)


def _length(
    call: ApiCall, room: SandboxRoom, intake: SandboxIntake | None
) -> tuple[timedelta, int]:
    """Return the slot length and the consultation's `slots` count."""
    consultation_id = call.get("consultation_id")
    if consultation_id is not None:
        found = next(
            (c for c in room.consultations.all() if str(c.id) == str(consultation_id)),
            None,
        )
        if found is None:
            raise ApiError(400, f"Unknown consultation {consultation_id}")
        return timedelta(minutes=found.duration), found.slots
    chosen = (intake.data.get("consultation") if intake else None) or {}
    minutes = chosen.get("duration") if isinstance(chosen, dict) else None
    if isinstance(minutes, int) and minutes > 0:
        return timedelta(minutes=minutes), 1
    return DEFAULT_LENGTH, 1


def _window(call: ApiCall, first_free: Any) -> tuple[datetime, datetime] | None:
    """Return [start, end] by the seed's table of rules, or None when nothing is free at all."""
    start, end = call.timestamp("start"), call.timestamp("end")
    seconds = call.integer("duration")
    if seconds is not None and not 0 < seconds <= MAX_WINDOW.total_seconds():
        raise ApiError(400, "duration must be seconds, at most 92 days")
    span = timedelta(seconds=seconds) if seconds else DEFAULT_WINDOW
    nearest = str(call.get("nearest") or "").lower() not in ("", "0", "false", "no")
    if start is not None and end is not None:  # rules 3 and 8: duration ignored
        return from_unix(start), from_unix(end)
    if end is not None:  # rules 5 and 6
        return from_unix(end) - span, from_unix(end)
    if start is not None and not nearest:  # rules 2 and 4
        return from_unix(start), from_unix(start) + span
    # Rules 1 and 7 ("available" = the first free slot) and 2/4 with `nearest`.
    found = first_free(from_unix(start) if start is not None else call.now)
    return (found, found + span) if found else None


def _slot_data(
    block: SandboxAvailability, length: timedelta, slot_count: int
) -> dict[str, Any]:
    # The seed's slot_data sends every number as a string except the consultation's.
    return {
        "id": str(block.pk),
        "provider_id": str(block.provider_id),
        "account_code": settings.SANDBOX_ACCOUNT_CODE,
        "start": str(to_unix(block.start)),
        "end": str(to_unix(block.end)),
        "group_id": str(block.group_id),
        "status": "10",
        "created": str(to_unix(block.created)),
        "modified": str(to_unix(block.modified)),
        "consultation": {
            "duration": int(length.total_seconds() // 60),
            "slots": slot_count,
        },
    }


def _as_list(found: list[slots.FreeSlot]) -> list[dict[str, Any]]:
    """Return the free slots in the list shape: one item per time, its providers named."""
    by_time: dict[tuple[int, int], list[str]] = {}
    for s in found:
        key = (to_unix(s.start), to_unix(s.end))
        by_time.setdefault(key, []).append(str(s.block.provider_id))
    return [
        {"start": start, "end": end, "providers": providers}
        for (start, end), providers in sorted(by_time.items())
    ]


@api_endpoint("availability.get", auth="token_or_key")
def get(call: ApiCall) -> dict[str, Any] | list[dict[str, Any]]:
    """Return {slots, slot_data}; without a token the room, window and consultation are required."""
    intake = None
    if call.user is None:
        for name in ("room_code", "start", "end", "consultation_id"):
            call.required(name)
    elif call.get("intake_id") is not None:
        intake = get_intake_for(call.user, call.get("intake_id"))
    room_code = call.get("room_code") or (
        intake.room.code if intake and intake.room else None
    )
    room = get_room(room_code)
    length, slot_count = _length(call, room, intake)
    provider_id = call.integer("provider_id") or None

    def first_free(since: datetime) -> datetime | None:
        return slots.first_free_start(
            room, length=length, since=since, now=call.now, provider_id=provider_id
        )

    window = _window(call, first_free)
    as_list = settings.SANDBOX_AVAILABILITY_SHAPE == "list"
    if window is None:
        return [] if as_list else {"slots": [], "slot_data": {}}
    start, end = window
    if end <= start:
        raise ApiError(400, "end must be after start")
    if end - start > MAX_WINDOW:
        raise ApiError(400, "The time window is too long (92 days at most)")
    found = slots.free_slots(
        room, length=length, start=start, end=end, now=call.now, provider_id=provider_id
    )
    if as_list:
        return _as_list(found)
    items = [
        {
            "slot_id": str(s.block.pk),
            "slot_start": to_unix(s.start),
            "slot_end": to_unix(s.end),
            "slot_booked": 0,
            # The seed's samples send slot_available as 1 and as "1": mirror both.
            "slot_available": "1" if i % 2 else 1,
            "group_id": str(s.block.group_id),
        }
        for i, s in enumerate(found)
    ]
    slot_data = {
        str(s.block.pk): _slot_data(s.block, length, slot_count) for s in found
    }
    return {"slots": items, "slot_data": slot_data}
