"""Free slots: cut from providers' availability blocks, minus booked appointments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.models import (
    SandboxAvailability,
    SandboxRoom,
    SandboxUser,
    SandboxVisit,
)

# How far ahead "the first available slot" is looked for (seed §GET /availability, rule 1).
SEARCH_HORIZON = timedelta(days=60)


@dataclass(frozen=True)
class FreeSlot:
    """One bookable time of one provider, inside one of their blocks."""

    block: SandboxAvailability
    start: datetime
    end: datetime


def _booked(
    provider_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple]]:
    """Return each provider's appointment times overlapping [start, end), cancelled ones left out."""
    busy: dict[int, list[tuple]] = defaultdict(list)
    visits = SandboxVisit.objects.filter(
        type=SandboxVisit.APPOINTMENT,
        provider_id__in=provider_ids,
        start__lt=end,
        end__gt=start,
    ).exclude(status=SandboxVisit.CANCELLED)
    for provider_id, v_start, v_end in visits.values_list(
        "provider_id", "start", "end"
    ):
        busy[provider_id].append((v_start, v_end))
    return busy


def free_slots(
    room: SandboxRoom,
    *,
    length: timedelta,
    start: datetime,
    end: datetime,
    now: datetime,
    provider_id: int | None = None,
) -> list[FreeSlot]:
    """Return the free slots lying inside [start, end], sorted by time then provider."""
    since = max(start, now)  # slots in the past are never offered
    blocks = SandboxAvailability.objects.filter(
        room=room, provider__rooms=room, start__lt=end, end__gt=since
    ).select_related("provider")
    if provider_id is not None:
        blocks = blocks.filter(provider_id=provider_id)
    blocks = list(blocks)
    busy = _booked([b.provider_id for b in blocks], since, end)
    found: list[FreeSlot] = []
    for block in blocks:
        # Slots are cut from the block's start at the consultation's length (seed sample:
        # slot_start values step by 900 s from slot_data[].start).
        slot_start = block.start
        while slot_start + length <= block.end:
            slot_end = slot_start + length
            clash = any(
                b_start < slot_end and b_end > slot_start
                for b_start, b_end in busy[block.provider_id]
            )
            if slot_start >= since and slot_end <= end and not clash:
                found.append(FreeSlot(block, slot_start, slot_end))
            slot_start = slot_end
    found.sort(key=lambda s: (s.start, s.block.provider_id))
    return found


def first_free_start(
    room: SandboxRoom,
    *,
    length: timedelta,
    since: datetime,
    now: datetime,
    provider_id: int | None,
) -> datetime | None:
    """Return the start of the first free slot at or after `since` ("available" in the seed)."""
    slots = free_slots(
        room,
        length=length,
        start=since,
        end=since + SEARCH_HORIZON,
        now=now,
        provider_id=provider_id,
    )
    return slots[0].start if slots else None


def provider_is_free(
    provider: SandboxUser,
    room: SandboxRoom,
    start: datetime,
    end: datetime,
    *,
    exclude_visit_id: int | None = None,
) -> bool:
    """Return whether a block of the provider covers [start, end] and no appointment clashes."""
    covered = SandboxAvailability.objects.filter(
        provider=provider, room=room, start__lte=start, end__gte=end
    ).exists()
    if not covered:
        return False
    clashes = (
        SandboxVisit.objects.filter(
            type=SandboxVisit.APPOINTMENT,
            provider=provider,
            start__lt=end,
            end__gt=start,
        )
        .exclude(status=SandboxVisit.CANCELLED)
        .exclude(pk=exclude_visit_id)
    )
    return not clashes.exists()


def lock_free_provider(
    room: SandboxRoom,
    start: datetime,
    end: datetime,
    *,
    provider_id: int | None = None,
    exclude_visit_id: int | None = None,
) -> SandboxUser | None:
    """Return the first free provider, row-locked; call inside transaction.atomic()."""
    candidates = room.providers.order_by("id").values_list("id", flat=True)
    if provider_id is not None:
        candidates = candidates.filter(id=provider_id)
    # Locking in id order keeps two bookings from deadlocking on PostgreSQL; on SQLite the
    # IMMEDIATE transaction (settings.py) already serialises writers.
    for pk in list(candidates):
        provider = SandboxUser.objects.select_for_update().get(pk=pk)
        if provider_is_free(
            provider, room, start, end, exclude_visit_id=exclude_visit_id
        ):
            return provider
    return None
