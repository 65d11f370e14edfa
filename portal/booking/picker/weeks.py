"""Weeks of the picker: seven local days counted from today in the patient's zone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

MAX_WEEKS_AHEAD = 52
DAYS_IN_WEEK = 7


# --- weeks -------------------------------------------------------------------------------------


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _unix(value: datetime) -> int:
    return int(value.timestamp())


@dataclass(frozen=True)
class Week:
    """Seven local days from `first_day`; `today` is the first day of the current week."""

    first_day: date
    today: date
    zone: ZoneInfo

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=DAYS_IN_WEEK - 1)

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(DAYS_IN_WEEK)]

    @property
    def start(self) -> int:
        return _unix(_midnight(self.first_day, self.zone))

    @property
    def end(self) -> int:
        return _unix(
            _midnight(self.first_day + timedelta(days=DAYS_IN_WEEK), self.zone)
        )

    @property
    def is_current(self) -> bool:
        return self.first_day <= self.today

    @property
    def is_last(self) -> bool:
        return self.first_day >= self.today + timedelta(weeks=MAX_WEEKS_AHEAD)

    @property
    def previous(self) -> Week | None:
        if self.is_current:
            return None
        return replace(self, first_day=self.first_day - timedelta(days=DAYS_IN_WEEK))

    @property
    def next(self) -> Week | None:
        if self.is_last:
            return None
        return replace(self, first_day=self.first_day + timedelta(days=DAYS_IN_WEEK))

    @property
    def param(self) -> str:
        return self.first_day.isoformat()

    @property
    def label(self) -> str:
        # The strip below names the weekdays; one line on a 320 px phone.
        first, last = self.first_day, self.last_day
        # Translators: a week, e.g. "Mar 3 – Mar 9" (abbreviated months).
        return _("%(first_month)s %(first_day)s – %(last_month)s %(last_day)s") % {
            "first_month": MONTHS_3[first.month].title(),
            "first_day": first.day,
            "last_month": MONTHS_3[last.month].title(),
            "last_day": last.day,
        }

    def contains(self, timestamp: int) -> bool:
        return self.start <= timestamp < self.end


def today_in(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def current_week(zone: ZoneInfo, now: datetime) -> Week:
    today = today_in(zone, now)
    return Week(first_day=today, today=today, zone=zone)


def week_containing(day: date, zone: ZoneInfo, now: datetime) -> Week:
    """Return the week (counted from today) that holds `day`; the current one if out of range."""
    week = current_week(zone, now)
    offset = (day - week.today).days // DAYS_IN_WEEK
    if not 0 <= offset <= MAX_WEEKS_AHEAD:
        return week
    return replace(week, first_day=week.today + timedelta(weeks=offset))


def week_of_timestamp(timestamp: int, zone: ZoneInfo, now: datetime) -> Week:
    local = datetime.fromtimestamp(timestamp, tz=UTC).astimezone(zone)
    return week_containing(local.date(), zone, now)


def week_from_param(value: str | None, zone: ZoneInfo, now: datetime) -> Week:
    """Return the week `?week=<ISO date>` names; a bad or out-of-range value is this week."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return current_week(zone, now)
    return week_containing(day, zone, now)
