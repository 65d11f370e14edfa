"""The availability picker: one week of free times, grouped by the patient's local day.

Reusable on its own: nothing here knows about the booking draft or a request. A caller
(the booking time step, later rescheduling a visit) validates the query parameters with
`read_params`, passes a `Fetch` that asks VSee for one window, and renders the `PickerPage`
that `load_page` returns with templates/booking/partials/picker.html.

Weeks are seven days counted from today in the patient's zone (the current week starts
today), so `?week=` is snapped to the week that contains it. Every page asks VSee once:
one week, or one wider window (FIRST_AVAILABLE_WEEKS) for "first available" and for the
times nearest a slot that was just taken.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.schemas import Consultation, Slot
from portal.vsee.service import PatientVSee, get_room_providers

log = logging.getLogger(__name__)

# (start, end) in Unix seconds -> VSee's free slots in that window (one GET /availability).
Fetch = Callable[[int, int], list[Slot]]

FIRST_AVAILABLE_WEEKS = 4
MAX_WEEKS_AHEAD = 52
DAYS_IN_WEEK = 7
_SLOT_VALUE = re.compile(r"^(\d{1,11})-(\d{1,11})$")
_CURRENCY_SIGNS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "€", "GBP": "£"}


def vsee_fetch(
    vsee: PatientVSee,
    *,
    room_code: str,
    intake_id: str,
    consultation_id: str,
    provider_id: str = "",
) -> Fetch:
    """Return a Fetch asking GET /availability for one window, as the patient."""

    def fetch(start: int, end: int) -> list[Slot]:
        return vsee.availability(
            room_code=room_code,
            intake_id=intake_id or None,
            consultation_id=consultation_id,
            start=start,
            end=end,
            provider_id=provider_id or None,
        )

    return fetch


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
        first, last = self.first_day, self.last_day
        return f"{first:%a}, {first:%b} {first.day} – {last:%a}, {last:%b} {last.day}"

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


# --- slots grouped by day ----------------------------------------------------------------------


def time_label(value: datetime) -> str:
    """Return "9:05 AM"."""
    suffix = "AM" if value.hour < 12 else "PM"
    return f"{value.hour % 12 or 12}:{value.minute:02d} {suffix}"


def day_label(day: date) -> str:
    """Return "Tuesday, March 10"."""
    return f"{day:%A}, {day:%B} {day.day}"


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
    return fetch(max(week.start, _unix(now)), week.end)


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
    slots = fetch(max(start_week.start, cutoff), end)
    future = [s for s in slots if s.start > cutoff]
    if not future:
        return None
    # Nearest: the first at or after `after`, else the closest one before it.
    target = min(future, key=lambda s: (s.start < after, abs(s.start - after)))
    week = week_of_timestamp(target.start, zone, now)
    return week, [s for s in slots if week.contains(s.start)]


# --- choices -----------------------------------------------------------------------------------


def choose_consultation(
    consultations: Sequence[Consultation], value: str | None
) -> Consultation | None:
    """Return the consultation `value` names; the only one offered when there is one."""
    for consultation in consultations:
        if value and consultation.id == value:
            return consultation
    return consultations[0] if len(consultations) == 1 else None


def duration_label(consultation: Consultation) -> str:
    minutes = consultation.duration or 0
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours > 1 else ''}")
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


def price_label(consultation: Consultation) -> str:
    """Return "$25" or "12.50 CHF"; "" when the consultation costs nothing."""
    amount = consultation.amount or 0
    if amount <= 0:
        return ""
    number = f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"
    currency = (consultation.currency or "").upper()
    sign = _CURRENCY_SIGNS.get(currency)
    if sign:
        return f"{sign}{number}"
    return f"{number} {currency}".strip()


@dataclass(frozen=True)
class ConsultationChoice:
    id: str
    description: str
    duration: str
    price: str


def consultation_choices(
    consultations: Sequence[Consultation],
) -> list[ConsultationChoice]:
    return [
        ConsultationChoice(
            id=c.id or "",
            description=c.description or "Video visit",
            duration=duration_label(c),
            price=price_label(c),
        )
        for c in consultations
    ]


@dataclass(frozen=True)
class ProviderChoice:
    id: str
    label: str


def provider_choices(
    provider_ids: Sequence[str], names: Mapping[str, str] | None = None
) -> list[ProviderChoice]:
    """Return the providers to filter by; none when the room has fewer than two.

    Names come from VSee where it gives them; otherwise providers are numbered.
    """
    if len(provider_ids) < 2:
        return []
    names = names or {}
    return [
        ProviderChoice(id=pid, label=names.get(pid) or f"Provider {n}")
        for n, pid in enumerate(provider_ids, start=1)
    ]


def provider_names(room_code: str) -> dict[str, str]:
    """Return the room's provider names by id; {} when VSee cannot say (names are a nicety)."""
    try:
        return get_room_providers(room_code)
    except VSeeError as exc:
        # Without names the picker numbers the providers: nothing to tell the patient.
        log.warning("provider names unavailable: %s", exc)
        return {}


def choose_provider(provider_ids: Sequence[str], value: str | None) -> str:
    """Return `value` if it is one of the room's providers (and there are several), else ""."""
    if len(provider_ids) > 1 and value and value in provider_ids:
        return value
    return ""


@dataclass(frozen=True)
class PickerParams:
    """The picker's query parameters, validated; anything wrong falls back quietly."""

    consultation: Consultation | None
    provider_id: str
    week: Week
    first_available: bool


def read_params(
    query: Mapping[str, str],
    *,
    consultations: Sequence[Consultation],
    provider_ids: Sequence[str],
    zone: ZoneInfo,
    now: datetime,
    default_consultation: str = "",
) -> PickerParams:
    """Read `consultation`, `provider`, `week` and `first` from a query (or a POST).

    `consultation` absent means `default_consultation`; present but unknown (or empty)
    means no choice yet, unless the room offers only one.
    """
    wanted = query.get("consultation")
    if wanted is None:
        wanted = default_consultation
    return PickerParams(
        consultation=choose_consultation(consultations, wanted),
        provider_id=choose_provider(provider_ids, query.get("provider")),
        week=week_from_param(query.get("week"), zone, now),
        first_available=query.get("first") == "1",
    )


def parse_slot_value(value: object) -> tuple[int, int] | None:
    """Return (start, end) from a slot button's "<start>-<end>", or None if malformed."""
    match = _SLOT_VALUE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    return (start, end) if start < end else None


# --- the page ----------------------------------------------------------------------------------


@dataclass
class PickerPage:
    """Everything templates/booking/partials/picker.html shows."""

    base_url: str
    zone: str
    zone_chosen: bool
    clinic_zone: str
    consultation: ConsultationChoice
    week: Week
    days: list[Day] = field(default_factory=list)
    providers: list[ProviderChoice] = field(default_factory=list)
    provider_id: str = ""
    can_change_consultation: bool = False
    notice: str = ""  # e.g. the nearest times after one was taken
    problem: str = ""  # a refused choice, shown as an error
    error: VSeeError | None = None  # VSee could not answer
    retry_url: str = ""  # where "Try again" goes; this week's page when not set

    def url(self, **changes: str) -> str:
        params = {
            "consultation": self.consultation.id,
            "provider": self.provider_id,
            "week": self.week.param,
        }
        params.update(changes)
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{self.base_url}?{query}" if query else self.base_url

    @property
    def previous_url(self) -> str:
        previous = self.week.previous
        return self.url(week=previous.param) if previous else ""

    @property
    def next_url(self) -> str:
        following = self.week.next
        return self.url(week=following.param) if following else ""

    @property
    def first_available_url(self) -> str:
        return self.url(week="", first="1")

    @property
    def try_again_url(self) -> str:
        return self.retry_url or self.url()

    @property
    def change_consultation_url(self) -> str:
        return f"{self.base_url}?consultation="

    def find(self, start: int, end: int, provider_id: str = "") -> TimeSlot | None:
        """Return the shown slot at exactly [start, end] (with that provider, if one is asked)."""
        for day in self.days:
            for slot in day.slots:
                if (slot.start, slot.end) == (start, end) and (
                    not provider_id or provider_id in slot.provider_ids
                ):
                    return slot
        return None

    @property
    def has_slots(self) -> bool:
        return any(day.slots for day in self.days)

    @property
    def other_zone(self) -> bool:
        return self.clinic_zone != self.zone


def load_page(
    fetch: Fetch,
    page: PickerPage,
    now: datetime,
    *,
    first_available: bool = False,
    nearest_to: int | None = None,
    names: Mapping[str, str] | None = None,
) -> PickerPage:
    """Fill `page` with one VSee call: its week, or the week of the first (or nearest) slot.

    A VSee failure is kept on `page.error` for the caller to record and show; an expired
    token is left to propagate (the caller signs the patient in again).
    """
    zone = page.week.zone
    try:
        if first_available or nearest_to is not None:
            found = find_week(fetch, zone, now, after=nearest_to)
            if found is None:
                page.week = (
                    week_of_timestamp(nearest_to, zone, now)
                    if nearest_to
                    else current_week(zone, now)
                )
                page.days = group_by_day([], page.week, now)
                page.notice = (
                    f"There are no free times in the next {FIRST_AVAILABLE_WEEKS} weeks. "
                    "Please try again later or call the clinic."
                )
                return page
            page.week, slots = found
        else:
            slots = fetch_week(fetch, page.week, now)
    except VSeeAuthExpired:
        raise
    except VSeeError as exc:
        page.error = exc
        page.days = []
        return page
    page.days = group_by_day(slots, page.week, now, names)
    return page
