"""The picker as pages use it: read the request, ask VSee, find the chosen slot, render.

Shared by booking a time (portal/booking/views/time.py) and moving an appointment
(portal/visits/views/reschedule.py); each decides only what a chosen slot then does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy, ngettext_lazy

from portal.booking.picker import (
    FIRST_AVAILABLE_WEEKS,
    UNKNOWN_ZONE,
    Fetch,
    PickerPage,
    PickerParams,
    clinic_fetch,
    consultation_choices,
    is_that_time,
    load_page,
    parse_slot_value,
    provider_choices,
    provider_names,
    read_params,
    vsee_fetch,
    week_of_timestamp,
)
from portal.booking.timezones import (
    chosen_time_zone,
    patient_time_zone,
    time_zone_options,
    unknown_zone_typed,
)
from portal.http import PortalRequest
from portal.vsee.errors import VSeeError
from portal.vsee.schemas import Consultation, Slot
from portal.vsee.service import PatientVSee

PICKER_TARGET = "picker"
NOT_OFFERED = gettext_lazy(
    "Sorry, that time can't be booked — it may have just been taken. "
    "Please choose one of the times below."
)
TAKEN = gettext_lazy("That time was just taken — here are the nearest free times.")
# Said with `% {"weeks": FIRST_AVAILABLE_WEEKS}`.
TAKEN_NONE = ngettext_lazy(
    "That time was just taken, and there are no other free times in the next "
    "%(weeks)s week. Please try again later or call the clinic.",
    "That time was just taken, and there are no other free times in the next "
    "%(weeks)s weeks. Please try again later or call the clinic.",
    "weeks",
)


@dataclass
class Picker:
    params: PickerParams
    page: PickerPage
    fetch: Fetch  # free times as shown: kept a few seconds (service.cached_slots)
    check: Fetch  # the same question, always asked of VSee: before a time is taken
    names: dict[str, str]
    now: datetime

    def show_week(self, request: PortalRequest, *, taken_near: int | None) -> None:
        """GET: one week (or the first available, or the nearest to a time just taken)."""
        self.page.retry_url = request.get_full_path()
        load_page(
            self.fetch,
            self.page,
            self.now,
            first_available=self.params.first_available,
            nearest_to=taken_near,
            names=self.names,
        )
        if taken_near and not self.page.error:
            self.page.notice = (
                str(TAKEN)
                if self.page.has_slots
                else TAKEN_NONE % {"weeks": FIRST_AVAILABLE_WEEKS}
            )
            self.page.choose_day_of(taken_near)

    def chosen_slot(self, request: PortalRequest) -> Slot | None:
        """POST: the slot picked, if VSee (asked again, for its week) still offers it.

        None with `page.error` set when VSee failed, or with `page.problem` when the slot
        is not (or no longer) offered, including a tampered value.
        """
        chosen = parse_slot_value(request.POST.get("slot"))
        if chosen is not None:
            self.page.week = week_of_timestamp(chosen[0], self.page.week.zone, self.now)
        load_page(self.check, self.page, self.now, names=self.names)
        if self.page.error:
            return None
        slot = (
            self.page.find(*chosen, provider_id=self.page.provider_id)
            if chosen
            else None
        )
        if slot is None:
            self.page.problem = str(NOT_OFFERED)
        return slot

    def still_offers(self, slot: Slot, provider_id: str = "") -> bool | None:
        """Whether VSee still offers this time (asked again); None when it can't say."""
        try:
            offered = self.check(slot.start - 60, slot.end + 60)
        except VSeeError:
            return None
        return any(is_that_time(s, slot.start, slot.end, provider_id) for s in offered)

    def provider_for(self, slot: Slot) -> str:
        """The patient's choice, or the only provider free then; "" lets VSee pick."""
        only = slot.provider_ids[0] if len(slot.provider_ids) == 1 else ""
        return self.page.provider_id or only


def open_picker(
    request: PortalRequest,
    vsee: PatientVSee | None,
    *,
    base_url: str,
    room_code: str,
    intake_id: str,
    consultations: Sequence[Consultation],
    provider_ids: Sequence[str],
    clinic_zone: str,
    default_consultation: str = "",
    can_change_consultation: bool = False,
    location: str = "",
    consultation_name: Callable[[Consultation], str] | None = None,
) -> Picker | PickerParams:
    """Return the picker, or just the params when a type of visit must be chosen first.

    With `vsee` and an intake, VSee is asked as the patient for that intake (its state and
    specialty count); without, with the clinic's key for the room (and `location`).
    """
    now = timezone.now()
    zone_name = patient_time_zone(request, clinic_zone)
    params = read_params(
        request.POST if request.method == "POST" else request.GET,
        consultations=consultations,
        provider_ids=provider_ids,
        zone=ZoneInfo(zone_name),
        now=now,
        default_consultation=default_consultation,
    )
    if params.consultation is None:
        return params
    names = provider_names(room_code)
    page = PickerPage(
        base_url=base_url,
        zone=zone_name,
        zone_chosen=chosen_time_zone(request.session) is not None,
        clinic_zone=clinic_zone,
        consultation=consultation_choices([params.consultation], consultation_name)[0],
        week=params.week,
        providers=provider_choices(provider_ids, names),
        provider_id=params.provider_id,
        chosen_day=params.day,
        can_change_consultation=can_change_consultation,
    )
    if unknown_zone_typed(request):
        page.problem = str(UNKNOWN_ZONE)
    consultation_id = params.consultation.id or ""

    def fetcher(fresh: bool) -> Fetch:
        if vsee is not None and intake_id:
            return vsee_fetch(
                vsee,
                room_code=room_code,
                intake_id=intake_id,
                consultation_id=consultation_id,
                provider_id=params.provider_id,
                fresh=fresh,
            )
        return clinic_fetch(
            room_code=room_code,
            consultation_id=consultation_id,
            provider_id=params.provider_id,
            location=location,
            fresh=fresh,
        )

    return Picker(
        params=params,
        page=page,
        fetch=fetcher(fresh=False),
        check=fetcher(fresh=True),
        names=names,
        now=now,
    )


def is_picker_fragment(request: PortalRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(
        htmx and not htmx.history_restore_request and htmx.target == PICKER_TARGET
    )


def render_picker(
    request: PortalRequest,
    template: str,
    ctx: dict[str, Any],
    page: PickerPage,
    *,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or with htmx only the picker (htmx swaps only 2xx answers, so the
    fragment carries its own error message)."""
    fragment = is_picker_fragment(request)
    ctx = {
        **ctx,
        "picker": page,
        "time_zone_options": time_zone_options(),
        "htmx_swap": fragment,
    }
    if page.error:
        status = 503
    if fragment:
        response = render(request, "booking/partials/picker.html", ctx)
    else:
        response = render(request, template, ctx, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
