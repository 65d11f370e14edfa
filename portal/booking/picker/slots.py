"""Free slots grouped by the patient's local day, and asking VSee for them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.booking.picker.weeks import (
    Week,
    _midnight,
    _unix,
    week_of_timestamp,
)
from portal.vsee.schemas import Slot

# (start, end) in Unix seconds -> VSee's free slots in that window (one GET /availability).
Fetch = Callable[[int, int], list[Slot]]

FIRST_AVAILABLE_WEEKS = 4
_SLOT_VALUE = re.compile(r"^(\d{1,11})-(\d{1,11})$")


# --- slots grouped by day ----------------------------------------------------------------------


def time_label(value: datetime) -> str:
    """Return "9:05 AM"."""
    named = {"hour": value.hour % 12 or 12, "minute": f"{value.minute:02d}"}
    if value.hour < 12:
        # Translators: a time of day before noon, e.g. "9:05 AM" (the hour is 1 to 12).
        return _("%(hour)s:%(minute)s AM") % named
    # Translators: a time of day from noon, e.g. "2:30 PM" (the hour is 1 to 12).
    return _("%(hour)s:%(minute)s PM") % named


def day_label(day: date) -> str:
    """Return "Tuesday, March 10"."""
    return _("%(weekday)s, %(month)s %(day)s") % {
        "weekday": WEEKDAYS[day.weekday()],
        "month": MONTHS[day.month],
        "day": day.day,
    }


@dataclass(frozen=True)
class TimeSlot:
    """One time the patient can pick; providers free then are merged into one slot."""

    start: int
    end: int
    provider_ids: tuple[str, ...]
    local_start: datetime
    local_end: datetime
    provider_names: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        """What the slot's button posts: "<start>-<end>" in Unix seconds."""
        return f"{self.start}-{self.end}"

    @property
    def time_label(self) -> str:
        return time_label(self.local_start)

    @property
    def end_label(self) -> str:
        return time_label(self.local_end)

    @property
    def day_label(self) -> str:
        return day_label(self.local_start.date())


@dataclass(frozen=True)
class Day:
    date: date
    slots: list[TimeSlot]

    @property
    def label(self) -> str:
        return day_label(self.date)

    @property
    def id(self) -> str:
        return f"day-{self.date.isoformat()}"

    @property
    def param(self) -> str:
        return self.date.isoformat()

    @property
    def weekday(self) -> str:
        """ "Tue", for the day strip."""
        return str(WEEKDAYS_ABBR[self.date.weekday()])

    def buttons(self) -> SafeString:
        """The day's times as the picker's buttons. Written here, not in the template: a
        week of half-hour times from three providers is some 200 buttons, which a
        template loop took about 4 ms a page to write."""
        return format_html_join(
            "",
            '<li><button type="submit" name="slot" value="{}" class="picker__slot" '
            'aria-describedby="{}">{}</button></li>',
            ((slot.value, self.id, slot.time_label) for slot in self.slots),
        )

    @property
    def count_label(self) -> str:
        """ "5 free times", "1 free time" or "no free times", for the day strip (which
        shows the number alone)."""
        count = len(self.slots)
        if not count:
            return _("no free times")
        return ngettext("%(count)s free time", "%(count)s free times", count) % {
            "count": count
        }


def merge_slots(
    slots: Sequence[Slot],
    zone: ZoneInfo,
    now: datetime,
    names: Mapping[str, str] | None = None,
) -> list[TimeSlot]:
    """Return one TimeSlot per (start, end), future ones only, soonest first."""
    names = names or {}
    cutoff = _unix(now)
    providers: dict[tuple[int, int], list[str]] = {}
    for slot in slots:
        if slot.start <= cutoff or slot.end <= slot.start:
            continue  # already begun (or nonsense): never offered
        ids = providers.setdefault((slot.start, slot.end), [])
        ids.extend(p for p in slot.provider_ids if p not in ids)
    merged = []
    for (start, end), ids in sorted(providers.items()):
        merged.append(
            TimeSlot(
                start=start,
                end=end,
                provider_ids=tuple(ids),
                local_start=datetime.fromtimestamp(start, tz=UTC).astimezone(zone),
                local_end=datetime.fromtimestamp(end, tz=UTC).astimezone(zone),
                provider_names=tuple(names[p] for p in ids if names.get(p)),
            )
        )
    return merged


def group_by_day(
    slots: Sequence[Slot],
    week: Week,
    now: datetime,
    names: Mapping[str, str] | None = None,
) -> list[Day]:
    """Return the week's seven days, each with its free times in the patient's zone."""
    by_day: dict[date, list[TimeSlot]] = {day: [] for day in week.days}
    for slot in merge_slots(slots, week.zone, now, names):
        day = slot.local_start.date()
        if day in by_day:
            by_day[day].append(slot)
    return [Day(date=day, slots=found) for day, found in by_day.items()]


# --- asking VSee -------------------------------------------------------------------------------


def fetch_week(fetch: Fetch, week: Week, now: datetime) -> list[Slot]:
    """Ask VSee once for the week's free slots (from now on, for the current week)."""
    return fetch(max(week.start, _asked_from(now)), week.end)


def _asked_from(now: datetime) -> int:
    """The start of a window that begins now, on the minute: the same question asked
    twice within a minute is the same question (service.cached_slots keeps its answer);
    a slot already begun is never offered anyway (merge_slots)."""
    return _unix(now) // 60 * 60


def find_week(
    fetch: Fetch,
    zone: ZoneInfo,
    now: datetime,
    *,
    after: int | None = None,
    weeks: int = FIRST_AVAILABLE_WEEKS,
) -> tuple[Week, list[Slot]] | None:
    """Return the week of the free slot nearest `after` (default: now) and that week's slots.

    One call covers `weeks` whole weeks from the week of `after`, so the week found is
    complete without asking again. None when nothing is free in that window.
    """
    cutoff = _unix(now)
    after = max(after or cutoff, cutoff)
    start_week = week_of_timestamp(after, zone, now)
    end = _unix(
        _midnight(start_week.first_day + timedelta(weeks=weeks), start_week.zone)
    )
    slots = fetch(max(start_week.start, _asked_from(now)), end)
    future = [s for s in slots if s.start > cutoff]
    if not future:
        return None
    # Nearest: the first at or after `after`, else the closest one before it.
    target = min(future, key=lambda s: (s.start < after, abs(s.start - after)))
    week = week_of_timestamp(target.start, zone, now)
    return week, [s for s in slots if week.contains(s.start)]


def parse_slot_value(value: object) -> tuple[int, int] | None:
    """Return (start, end) from a slot button's "<start>-<end>", or None if malformed."""
    match = _SLOT_VALUE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    return (start, end) if start < end else None
