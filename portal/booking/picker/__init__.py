"""The availability picker: one week of free times, grouped by the patient's local day.

Reusable on its own: nothing here knows about the booking draft or a request. A caller
(the booking time step, later rescheduling a visit) validates the query parameters with
`read_params`, passes a `Fetch` that asks VSee for one window, and renders the `PickerPage`
that `load_page` returns with templates/booking/partials/picker.html.

Weeks are seven days counted from today in the patient's zone (the current week starts
today), so `?week=` is snapped to the week that contains it. Every page asks VSee once:
one week, or one wider window (FIRST_AVAILABLE_WEEKS) for "first available" and for the
times nearest a slot that was just taken.

The code lives in small modules: weeks.py (Week and the week helpers), slots.py (free
slots grouped by day, asking VSee), choices.py (consultation and provider choices) and
page.py (the query parameters, PickerPage and load_page).
"""

from __future__ import annotations

from portal.booking.picker.choices import (
    ConsultationChoice,
    ProviderChoice,
    choose_consultation,
    choose_provider,
    consultation_choices,
    duration_label,
    price_label,
    provider_choices,
)
from portal.booking.picker.page import (
    UNKNOWN_ZONE,
    DayTab,
    PickerPage,
    PickerParams,
    clinic_fetch,
    is_that_time,
    load_page,
    log,
    provider_names,
    read_params,
    vsee_fetch,
)
from portal.booking.picker.slots import (
    FIRST_AVAILABLE_WEEKS,
    Day,
    Fetch,
    TimeSlot,
    day_label,
    fetch_week,
    find_week,
    group_by_day,
    merge_slots,
    parse_slot_value,
    time_label,
)
from portal.booking.picker.weeks import (
    DAYS_IN_WEEK,
    MAX_WEEKS_AHEAD,
    Week,
    current_week,
    today_in,
    week_containing,
    week_from_param,
    week_of_timestamp,
)

__all__ = [
    "ConsultationChoice",
    "DAYS_IN_WEEK",
    "Day",
    "DayTab",
    "FIRST_AVAILABLE_WEEKS",
    "Fetch",
    "MAX_WEEKS_AHEAD",
    "PickerPage",
    "PickerParams",
    "ProviderChoice",
    "TimeSlot",
    "UNKNOWN_ZONE",
    "Week",
    "choose_consultation",
    "clinic_fetch",
    "choose_provider",
    "consultation_choices",
    "current_week",
    "day_label",
    "duration_label",
    "fetch_week",
    "find_week",
    "group_by_day",
    "load_page",
    "log",
    "merge_slots",
    "parse_slot_value",
    "price_label",
    "provider_choices",
    "provider_names",
    "read_params",
    "time_label",
    "today_in",
    "is_that_time",
    "vsee_fetch",
    "week_containing",
    "week_from_param",
    "week_of_timestamp",
]
