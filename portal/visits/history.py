"""The history page's sections, from one list call and one "current" call."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.booking.summary import format_time, format_when
from portal.visits.rows import (
    HistoryRow,
    awaits_reply,
    can_change,
    can_join,
    can_leave,
    has_summary,
    is_upcoming,
    join_opens,
    kind_name,
    status_name,
)
from portal.vsee.schemas import Visit


@dataclass(frozen=True)
class History:
    waiting: list[HistoryRow]  # questions sent, no reply yet
    upcoming: list[HistoryRow]
    current: HistoryRow | None
    past: list[HistoryRow]
    more_past: int  # how many past visits are not shown yet


def row_for(
    visit: Visit, zone: str, now: int, *, in_progress: bool = False, person: str = ""
) -> HistoryRow:
    return HistoryRow(
        visit=visit,
        kind=kind_name(visit),
        status=_("In progress") if in_progress else status_name(visit),
        when=format_when(visit.start or visit.created, zone) or _("Date not given"),
        provider=visit.provider.display_name if visit.provider else "",
        join=can_join(visit, now, in_progress=in_progress),
        change=not in_progress and can_change(visit, now),
        summary=has_summary(visit),
        leave=can_leave(visit),
        person=person,
        join_from=format_time(join_opens(visit, now), zone),
    )


def build_history(
    visits: list[Visit],
    current: Visit | None,
    zone: str,
    now: int,
    past_limit: int,
    names: dict[str, str] | None = None,
) -> History:
    """Sort the visits into now, upcoming and past; `names` labels the visits of people in
    the patient's care with their first name, by visit id."""
    names = names or {}

    def row(visit: Visit, *, in_progress: bool = False) -> HistoryRow:
        return row_for(
            visit,
            zone,
            now,
            in_progress=in_progress,
            person=names.get(visit.id or "", ""),
        )

    current_id = current.id if current else None
    others = [v for v in visits if v.id != current_id]
    upcoming = sorted(
        (v for v in others if is_upcoming(v, now)), key=lambda v: v.start or 0
    )
    waiting = sorted(
        (v for v in others if awaits_reply(v)),
        key=lambda v: v.created or v.start or 0,
        reverse=True,
    )
    apart = {v.id for v in upcoming} | {v.id for v in waiting}
    past = sorted(
        (v for v in others if v.id not in apart),
        key=lambda v: v.start or v.created or 0,
        reverse=True,
    )
    return History(
        waiting=[row(v) for v in waiting],
        upcoming=[row(v) for v in upcoming],
        current=row(current, in_progress=True) if current else None,
        past=[row(v) for v in past[:past_limit]],
        more_past=max(0, len(past) - past_limit),
    )
