"""The picker's page: its query parameters, asking VSee, and what the template shows."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.booking.picker.choices import (
    ConsultationChoice,
    ProviderChoice,
    choose_consultation,
    choose_provider,
)
from portal.booking.picker.slots import (
    FIRST_AVAILABLE_WEEKS,
    Day,
    Fetch,
    TimeSlot,
    fetch_week,
    find_week,
    group_by_day,
)
from portal.booking.picker.weeks import (
    Week,
    current_week,
    week_from_param,
    week_of_timestamp,
)
from portal.booking.timezones import zone_choices, zone_label
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.schemas import Consultation, Slot
from portal.vsee.service import PatientVSee, clinic_availability, get_room_providers

UNKNOWN_ZONE = gettext_lazy(
    "We couldn't find that time zone. Try a big city near you, such as Denver or Berlin."
)

# The logger keeps the name it had before the picker became a package.
log = logging.getLogger("portal.booking.picker")


def is_that_time(
    slot: Slot | TimeSlot, start: int, end: int, provider_id: str = ""
) -> bool:
    """Whether a slot is exactly [start, end] (with that provider, if one is asked)."""
    return (slot.start, slot.end) == (start, end) and (
        not provider_id or provider_id in slot.provider_ids
    )


def vsee_fetch(
    vsee: PatientVSee,
    *,
    room_code: str,
    intake_id: str,
    consultation_id: str,
    provider_id: str = "",
    fresh: bool = False,
) -> Fetch:
    """Return a Fetch asking GET /availability for one window, as the patient (`fresh`:
    of VSee itself, not the few seconds' cache)."""

    def fetch(start: int, end: int) -> list[Slot]:
        return vsee.availability(
            fresh=fresh,
            room_code=room_code,
            intake_id=intake_id or None,
            consultation_id=consultation_id,
            start=start,
            end=end,
            provider_id=provider_id or None,
        )

    return fetch


def clinic_fetch(
    *,
    room_code: str,
    consultation_id: str,
    provider_id: str = "",
    location: str = "",
    fresh: bool = False,
) -> Fetch:
    """Return a Fetch asking GET /availability with the clinic's key: no sign-in needed."""

    def fetch(start: int, end: int) -> list[Slot]:
        return clinic_availability(
            fresh=fresh,
            room_code=room_code,
            consultation_id=consultation_id,
            start=start,
            end=end,
            provider_id=provider_id,
            location=location,
        )

    return fetch


def provider_names(room_code: str) -> dict[str, str]:
    """Return the room's provider names by id; {} when VSee cannot say (names are a nicety)."""
    try:
        return get_room_providers(room_code)
    except VSeeError as exc:
        # Without names the picker numbers the providers: nothing to tell the patient.
        log.warning("provider names unavailable: %s", exc)
        return {}


@dataclass(frozen=True)
class PickerParams:
    """The picker's query parameters, validated; anything wrong falls back quietly."""

    consultation: Consultation | None
    provider_id: str
    week: Week
    first_available: bool
    day: date | None = None


def _day_from_param(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def read_params(
    query: Mapping[str, str],
    *,
    consultations: Sequence[Consultation],
    provider_ids: Sequence[str],
    zone: ZoneInfo,
    now: datetime,
    default_consultation: str = "",
) -> PickerParams:
    """Read `consultation`, `provider`, `week`, `day` and `first` from a query (or a POST).

    `day` alone (a day strip link) names its week too; a day outside the week is ignored.

    `consultation` absent means `default_consultation`; present but unknown (or empty)
    means no choice yet, unless the room offers only one.
    """
    wanted = query.get("consultation")
    if wanted is None:
        wanted = default_consultation
    day = _day_from_param(query.get("day"))
    week = week_from_param(query.get("week") or query.get("day"), zone, now)
    return PickerParams(
        consultation=choose_consultation(consultations, wanted),
        provider_id=choose_provider(provider_ids, query.get("provider")),
        week=week,
        first_available=query.get("first") == "1",
        day=day if day in week.days else None,
    )


# --- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayTab:
    """One day of the strip: its link, and whether its times are the ones shown."""

    day: Day
    url: str
    selected: bool


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
    chosen_day: date | None = None  # the strip's day; else the first with free times
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
                if is_that_time(slot, start, end, provider_id):
                    return slot
        return None

    @property
    def has_slots(self) -> bool:
        return any(day.slots for day in self.days)

    @property
    def selected_day(self) -> Day | None:
        """The day whose times are shown: the one chosen, else the first with times."""
        for day in self.days:
            if day.date == self.chosen_day:
                return day
        return next((day for day in self.days if day.slots), None) or (
            self.days[0] if self.days else None
        )

    @property
    def day_tabs(self) -> list[DayTab]:
        selected = self.selected_day
        return [
            DayTab(day=day, url=self.url(day=day.param), selected=day is selected)
            for day in self.days
        ]

    def choose_day_of(self, timestamp: int) -> None:
        """Show the day of the first free time at or after `timestamp` (else the last)."""
        slots = [slot for day in self.days for slot in day.slots]
        later = [slot for slot in slots if slot.start >= timestamp]
        target = later[0] if later else (slots[-1] if slots else None)
        if target is not None:
            self.chosen_day = target.local_start.date()

    @property
    def other_zone(self) -> bool:
        return self.clinic_zone != self.zone

    @property
    def provider_label(self) -> str:
        chosen = next((p for p in self.providers if p.id == self.provider_id), None)
        return chosen.label if chosen else _("Any provider")

    @property
    def problem_is_zone(self) -> bool:
        return self.problem == UNKNOWN_ZONE

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)

    @property
    def clinic_zone_label(self) -> str:
        return zone_label(self.clinic_zone)

    @property
    def zone_choices(self) -> list[tuple[str, str]]:
        return zone_choices(self.clinic_zone, self.zone)


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
                page.notice = ngettext(
                    "There are no free times in the next %(weeks)s week. "
                    "Please try again later or call the clinic.",
                    "There are no free times in the next %(weeks)s weeks. "
                    "Please try again later or call the clinic.",
                    FIRST_AVAILABLE_WEEKS,
                ) % {"weeks": FIRST_AVAILABLE_WEEKS}
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
