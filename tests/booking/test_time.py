"""The time step: consultation type, then a week of free times from the live sandbox."""

from __future__ import annotations

import html
import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from portal.booking.draft import load_draft, save_draft
from portal.clinic.models import AuditEvent
from portal.clinic.rooms import Room
from portal.vsee.client import VSeeClient
from sandbox.models import SandboxAvailability, SandboxConsultation
from tests.booking.test_intake import ANSWERS

URL = "/rooms/demo-room/appointment/time/"
REVIEW = "/rooms/demo-room/appointment/review/"
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def booking(patient_client):
    """Ada, signed in, with the appointment intake made: the time step is next."""
    r = patient_client.post("/rooms/demo-room/appointment/", ANSWERS)
    assert r.status_code == 302
    return patient_client


@pytest.fixture
def standard(vsee_live) -> str:
    return str(SandboxConsultation.objects.get(description="Standard video visit").id)


@pytest.fixture
def no_waits(monkeypatch):
    monkeypatch.setattr("portal.vsee.client.transport._sleep", lambda seconds: None)


def today_ny() -> date:
    return timezone.now().astimezone(NEW_YORK).date()


def lee_block(days_ahead: int) -> SandboxAvailability:
    """Dr Lee's morning (9-12 New York time) `days_ahead` days from today."""
    for block in SandboxAvailability.objects.filter(provider__code="demo-dr-lee"):
        if block.start.astimezone(NEW_YORK).date() == today_ny() + timedelta(
            days_ahead
        ):
            return block
    raise AssertionError("no such block")


def unix(value: datetime) -> int:
    return int(value.timestamp())


def text(response) -> str:
    """The page as the patient reads it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def draft(client):
    return load_draft(client.session)


class TestConsultationType:
    def test_several_types_are_offered_with_duration_and_price(self, booking):
        r = booking.get(URL)
        assert r.status_code == 200
        page = r.content.decode()
        assert "What kind of visit do you need?" in page
        assert "Quick video visit" in page and "Standard video visit" in page
        assert "15 minutes" in page and "30 minutes · $25" in page
        assert "$0" not in page
        assert 'id="picker"' not in page
        assert "Step 1 of 5" in page  # times first

    def test_choosing_one_shows_its_week(self, booking, standard):
        r = booking.get(URL, {"consultation": standard})
        picker = r.context["picker"]
        assert picker.consultation.description == "Standard video visit"
        assert all(s.end - s.start == 30 * 60 for d in picker.days for s in d.slots)

    def test_the_only_type_is_chosen_for_the_patient(self, booking, quick):
        Room.objects.filter(code="demo-room").update(consultation_ids=[quick])
        r = booking.get(URL)
        assert r.context["picker"].consultation.id == quick
        assert "Change<span" not in r.content.decode()


class TestOneCallPerWeek:
    def test_a_week_page_asks_vsee_once_for_that_week(self, booking, quick, calls):
        r = booking.get(URL, {"consultation": quick})
        assert r.status_code == 200
        assert len(calls) == 1
        [call] = calls
        assert call["room_code"] == "demo-room"
        assert call["consultation_id"] == quick
        assert call["intake_id"] == draft(booking).intake_id
        assert 0 < call["end"] - call["start"] <= 7 * 24 * 3600
        week = r.context["picker"].week
        assert call["end"] == week.end

    def test_next_and_previous_week_each_ask_once(self, booking, quick, calls):
        following = (today_ny() + timedelta(days=7)).isoformat()
        r = booking.get(URL, {"consultation": quick, "week": following})
        picker = r.context["picker"]
        assert picker.week.first_day.isoformat() == following
        assert f"week={today_ny().isoformat()}" in picker.previous_url
        assert len(calls) == 1
        assert calls[0]["start"] == picker.week.start
        r = booking.get(picker.previous_url)
        assert r.context["picker"].week.first_day == today_ny()
        assert len(calls) == 2


class TestDays:
    def test_slots_land_on_the_patient_s_local_day_and_time(self, booking, quick):
        # Kiritimati is UTC+14: Dr Lee's 9:00 in New York is 3:00 or 4:00 the next day.
        zone = ZoneInfo("Pacific/Kiritimati")
        block = lee_block(3)
        local = block.start.astimezone(zone)
        r = booking.get(URL, {"consultation": quick, "tz": "Pacific/Kiritimati"})
        assert "Times in <strong>Kiritimati (Pacific)</strong>" in (r.content.decode())
        [day] = [d for d in r.context["picker"].days if d.date == local.date()]
        assert local.date() == block.start.astimezone(NEW_YORK).date() + timedelta(1)
        slot = next(s for s in day.slots if s.start == unix(block.start))
        assert slot.time_label == f"{local.hour}:00 AM"
        section = re.search(
            rf'data-day="{local.date().isoformat()}"[^>]*>(.*?)</section>',
            r.content.decode(),
            re.S,
        ).group(1)
        # Its button posts it, says its time, and is described by its day's heading.
        button = re.search(
            rf'<button [^>]*value="{slot.value}"[^>]*>([^<]*)</button>', section
        )
        assert button.group(1) == slot.time_label
        assert f'aria-describedby="{day.id}"' in button.group(0)
        assert f'<h3 id="{day.id}"' in section

    def test_the_zone_is_kept_for_the_next_page(self, booking, quick):
        booking.get(URL, {"consultation": quick, "tz": "Asia/Tokyo"})
        r = booking.get(URL, {"consultation": quick})
        assert r.context["picker"].zone == "Asia/Tokyo"
        assert r.context["picker"].zone_chosen

    def test_the_clinic_s_zone_is_the_default(self, booking, quick):
        r = booking.get(URL, {"consultation": quick})
        picker = r.context["picker"]
        assert picker.zone == "America/New_York" and not picker.zone_chosen
        assert 'data-tz-chosen="0"' in r.content.decode()

    def test_a_day_with_no_slots_says_so(self, booking, quick):
        # The demo has 14 days of availability: the third week is empty.
        later = (today_ny() + timedelta(days=14)).isoformat()
        r = booking.get(URL, {"consultation": quick, "week": later})
        page = r.content.decode()
        assert page.count("No times this day") == 7
        assert 'name="slot"' not in page

    def test_a_single_empty_day_says_so_among_full_ones(self, booking, quick):
        empty = today_ny() + timedelta(days=2)
        for block in SandboxAvailability.objects.all():
            if block.start.astimezone(NEW_YORK).date() == empty:
                block.delete()
        r = booking.get(URL, {"consultation": quick})
        days = {d.date: d for d in r.context["picker"].days}
        assert days[empty].slots == []
        assert days[empty + timedelta(1)].slots
        assert r.content.decode().count("No times this day") >= 1

    def test_times_already_begun_are_not_offered(self, booking, quick):
        r = booking.get(URL, {"consultation": quick})
        now = timezone.now().timestamp()
        assert all(s.start > now for d in r.context["picker"].days for s in d.slots)

    def test_the_current_week_has_no_previous_week(self, booking, quick):
        r = booking.get(URL, {"consultation": quick})
        assert r.context["picker"].previous_url == ""
        assert 'picker__nav-disabled" role="link" aria-disabled="true">' in (
            r.content.decode()
        )


class TestFirstAvailable:
    def test_it_jumps_to_the_week_of_the_first_free_time_in_one_call(
        self, booking, quick, calls
    ):
        first_free_day = today_ny() + timedelta(days=9)
        for block in SandboxAvailability.objects.all():
            if block.start.astimezone(NEW_YORK).date() < first_free_day:
                block.delete()
        r = booking.get(URL, {"consultation": quick, "first": "1"})
        picker = r.context["picker"]
        assert picker.week.first_day == today_ny() + timedelta(days=7)
        assert picker.has_slots
        assert len(calls) == 1
        assert calls[0]["end"] - calls[0]["start"] > 7 * 24 * 3600

    def test_nothing_in_four_weeks_says_so(self, booking, quick):
        SandboxAvailability.objects.all().delete()
        r = booking.get(URL, {"consultation": quick, "first": "1"})
        assert r.status_code == 200
        assert "no free times in the next 4 weeks" in r.content.decode()


class TestBadParameters:
    @pytest.mark.parametrize(
        "params",
        [
            {"week": "next tuesday"},
            {"week": "1999-01-01"},
            {"week": "3000-01-01"},
            {"week": "2026-02-30"},
            {"tz": "Mars/Olympus_Mons"},
            {"tz": "../../etc/passwd"},
            {"provider": "not-a-provider"},
            {"first": "yes please"},
        ],
    )
    def test_they_fall_back_to_this_week_in_the_clinic_s_zone(
        self, booking, quick, params
    ):
        r = booking.get(URL, {"consultation": quick, **params})
        assert r.status_code == 200
        picker = r.context["picker"]
        assert picker.week.first_day == today_ny()
        assert picker.zone == "America/New_York"
        assert picker.provider_id == ""

    @pytest.mark.parametrize("value", ["nope", "", "<script>"])
    def test_an_unknown_consultation_asks_again(self, booking, value):
        r = booking.get(URL, {"consultation": value})
        assert r.status_code == 200
        assert "What kind of visit do you need?" in r.content.decode()


class TestProviders:
    def test_a_room_with_several_providers_offers_a_choice(self, booking, quick):
        r = booking.get(URL, {"consultation": quick})
        page = r.content.decode()
        assert '<option value="">Any provider</option>' in page
        assert len(r.context["picker"].providers) == 3

    def test_choosing_a_provider_shows_only_their_times(self, booking, quick, calls):
        lee = str(lee_block(1).provider_id)
        r = booking.get(URL, {"consultation": quick, "provider": lee})
        assert calls[-1]["provider_id"] == lee
        slots = [s for d in r.context["picker"].days for s in d.slots]
        assert slots and all(s.provider_ids == (lee,) for s in slots)
        assert all(9 <= s.local_start.hour < 12 for s in slots)

    def test_the_filter_names_the_providers_and_the_times_stay_short(
        self, booking, quick
    ):
        # Names come from GET /rooms/:code/providers (availability gives ids only).
        lee = str(lee_block(1).provider_id)
        r = booking.get(URL, {"consultation": quick})
        picker = r.context["picker"]
        assert [p.label for p in picker.providers] == [
            "Dr. Mina Lee MD",
            "Dr. Sam Ortiz MD",
            "Dr. Priya Shah MD",
        ]
        page = text(r)
        assert f'<option value="{lee}">Dr. Mina Lee MD</option>' in page
        assert "Provider 1" not in page
        slot = next(s for d in picker.days for s in d.slots if s.provider_ids == (lee,))
        assert slot.provider_names == ("Dr. Mina Lee MD",)
        # A time's button is the time alone (a phone shows three in a row); whom it is
        # with is the filter's choice, and the review names the provider.
        assert re.search(rf'value="{slot.value}"[^>]*>{slot.time_label}</button>', page)
        assert "Ortiz" in page and "Shah" in page

    def test_the_names_are_asked_for_once_and_cached(self, booking, quick, monkeypatch):
        asked: list[str] = []
        original = VSeeClient.room_providers

        def counting(self, **params):
            asked.append(params["code"])
            return original(self, **params)

        monkeypatch.setattr(VSeeClient, "room_providers", counting)
        booking.get(URL, {"consultation": quick})
        r = booking.get(URL, {"consultation": quick})
        assert asked == ["demo-room"]
        assert "Dr. Mina Lee MD" in text(r)

    def test_without_names_the_picker_still_works(
        self, booking, quick, settings, no_waits, caplog
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.providers", "error_rate": 1.0, "error_status": 503}
        ]
        r = booking.get(URL, {"consultation": quick})
        assert r.status_code == 200
        picker = r.context["picker"]
        assert [p.label for p in picker.providers] == [
            "Provider 1",
            "Provider 2",
            "Provider 3",
        ]
        assert picker.has_slots and picker.error is None
        page = text(r)
        assert "Lee" not in page and "Ortiz" not in page and "Shah" not in page
        assert "couldn't" not in page
        assert not AuditEvent.objects.filter(action="vsee_error").exists()
        assert any(
            "provider names unavailable" in rec.getMessage()
            and rec.levelname == "WARNING"
            for rec in caplog.records
        )

        slot = next(s for d in picker.days for s in d.slots)
        r = booking.post(URL, {"consultation": quick, "slot": slot.value})
        assert r["Location"] == REVIEW

    def test_a_vsee_that_cannot_name_them_is_asked_once_a_minute_not_per_page(
        self, booking, quick, settings, no_waits, monkeypatch
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.providers", "error_rate": 1.0, "error_status": 503}
        ]
        asked: list[str] = []
        original = VSeeClient.room_providers

        def counting(self, **params):
            asked.append(params["code"])
            return original(self, **params)

        monkeypatch.setattr(VSeeClient, "room_providers", counting)
        for _ in range(3):
            assert booking.get(URL, {"consultation": quick}).status_code == 200
        assert asked == ["demo-room"]


class TestChoosingATime:
    @pytest.mark.parametrize("shape", ["slots", "list"])
    def test_the_slot_is_kept_in_the_draft_and_the_review_is_next(
        self, booking, quick, calls, settings, shape
    ):
        settings.SANDBOX_AVAILABILITY_SHAPE = shape  # either of the reference's shapes
        r = booking.get(URL, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        r = booking.post(URL, {"consultation": quick, "slot": slot.value})
        assert r.status_code == 302
        assert r["Location"] == REVIEW
        d = draft(booking)
        assert (d.slot_start, d.slot_end) == (slot.start, slot.end)
        assert d.consultation_id == quick
        assert len(calls) == 2  # the page, and VSee asked again for that week

    def test_a_chosen_provider_is_kept(self, booking, standard):
        lee = str(lee_block(1).provider_id)
        r = booking.get(URL, {"consultation": standard, "provider": lee})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        r = booking.post(
            URL, {"consultation": standard, "provider": lee, "slot": slot.value}
        )
        assert r["Location"] == REVIEW
        assert draft(booking).provider_id == lee
        assert draft(booking).slot_end - draft(booking).slot_start == 30 * 60
        # The review names the provider the patient chose.
        assert (
            "<dt>With</dt><dd>Dr. Mina Lee MD</dd>"
            in booking.get(REVIEW).content.decode()
        )

    def test_a_slot_in_a_later_week_is_checked_against_that_week(
        self, booking, quick, calls
    ):
        block = lee_block(10)
        value = f"{unix(block.start)}-{unix(block.start) + 900}"
        r = booking.post(URL, {"consultation": quick, "slot": value})
        assert r["Location"] == REVIEW
        assert calls[-1]["start"] <= unix(block.start) < calls[-1]["end"]
        assert calls[-1]["end"] - calls[-1]["start"] <= 7 * 24 * 3600

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda s, e: f"{s + 60}-{e + 60}",  # not on the grid
            lambda s, e: f"{s}-{e + 900}",  # longer than the consultation
            lambda s, e: f"{s - 30 * 86400}-{e - 30 * 86400}",  # in the past
            lambda s, e: "1-2",
            lambda s, e: "garbage",
            lambda s, e: "",
        ],
    )
    def test_a_tampered_slot_is_refused(self, booking, quick, tamper):
        r = booking.get(URL, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        r = booking.post(
            URL, {"consultation": quick, "slot": tamper(slot.start, slot.end)}
        )
        assert r.status_code == 400
        assert "that time can't be booked" in text(r)
        assert draft(booking).slot_start is None
        assert r.context["picker"].days  # the times to choose from instead

    def test_a_slot_of_another_provider_is_refused(self, booking, quick):
        lee = str(lee_block(1).provider_id)
        r = booking.get(URL, {"consultation": quick})
        # 16:00 New York: only Dr Shah works then.
        slot = next(
            s
            for d in r.context["picker"].days
            for s in d.slots
            if s.local_start.hour == 16
        )
        r = booking.post(
            URL, {"consultation": quick, "provider": lee, "slot": slot.value}
        )
        assert r.status_code == 400
        assert draft(booking).slot_start is None

    def test_an_unknown_consultation_is_refused(self, booking, quick):
        r = booking.get(URL, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        r = booking.post(URL, {"consultation": "nope", "slot": slot.value})
        assert r.status_code == 400
        assert "Please choose a type of visit" in r.content.decode()
        assert draft(booking).slot_start is None


class TestHtmx:
    HEADERS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "picker"}

    def test_week_navigation_returns_only_the_picker(self, booking, quick):
        following = (today_ny() + timedelta(days=7)).isoformat()
        r = booking.get(URL, {"consultation": quick, "week": following}, **self.HEADERS)
        page = r.content.decode()
        assert r.status_code == 200
        assert '<div id="picker"' in page and "<html" not in page
        assert "<h1" not in page
        assert "autofocus" in page  # focus moves to the new week's heading
        assert "HX-Request" in r["Vary"]

    def test_links_are_plain_links_too(self, booking, quick):
        page = booking.get(URL, {"consultation": quick}).content.decode()
        nav = re.search(r'<nav class="picker__weeks".*?</nav>', page, re.S).group(0)
        nav += re.search(r'<a class="picker__first".*?</a>', page, re.S).group(0)
        for link in re.findall(r"<a [^>]*>", nav):
            if "aria-disabled" in link:
                continue
            href = re.search(r'href="([^"]+)"', link).group(1)
            assert f'hx-get="{href}"' in link and 'hx-push-url="true"' in link

    def test_a_history_restore_gets_the_whole_page(self, booking, quick):
        r = booking.get(
            URL,
            {"consultation": quick},
            HTTP_HX_HISTORY_RESTORE_REQUEST="true",
            **self.HEADERS,
        )
        assert "<html" in r.content.decode()


class TestVSeeDown:
    def test_the_picker_says_so_with_a_retry_link(
        self, booking, quick, settings, no_waits
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "availability.get", "error_rate": 1.0, "error_status": 503}
        ]
        r = booking.get(URL, {"consultation": quick, "week": today_ny().isoformat()})
        assert r.status_code == 503
        page = text(r)
        assert "couldn't get the free times" in page
        assert re.search(r'<a href="[^"]*week=[^"]*"[^>]*>Try again</a>', page)
        assert "No times this day" not in page
        assert AuditEvent.objects.filter(action="vsee_error").count() == 1

        htmx = text(booking.get(URL, {"consultation": quick}, **TestHtmx.HEADERS))
        assert "couldn't get the free times" in htmx  # swapped in, status 200

        settings.SANDBOX_FAULTS = []
        assert booking.get(URL, {"consultation": quick}).status_code == 200

    def test_choosing_while_vsee_is_down_keeps_nothing(
        self, booking, quick, settings, no_waits
    ):
        r = booking.get(URL, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        settings.SANDBOX_FAULTS = [
            {"endpoint": "availability.get", "error_rate": 1.0, "error_status": 503}
        ]
        r = booking.post(URL, {"consultation": quick, "slot": slot.value})
        assert r.status_code == 503
        assert "couldn't get the free times" in text(r)
        assert draft(booking).slot_start is None


class TestTaken:
    def test_it_shows_the_nearest_free_times_after_the_taken_one(
        self, booking, quick, calls
    ):
        block = lee_block(9)
        d = draft(booking)
        d.consultation_id = quick
        d.slot_start, d.slot_end = unix(block.start), unix(block.start) + 900
        session = booking.session
        save_draft(session, d)
        session.save()
        # The taken time is gone: nothing that morning before 10:00.
        block.start += timedelta(hours=1)
        block.save()
        r = booking.get(URL, {"taken": "1"})
        page = r.content.decode()
        assert "That time was just taken — here are the nearest free times" in page
        picker = r.context["picker"]
        assert picker.week.first_day == today_ny() + timedelta(days=7)
        assert len(calls) == 1
        assert picker.find(unix(block.start), unix(block.start) + 900)

    def test_none_free_in_four_weeks_says_so(self, booking, quick):
        d = draft(booking)
        d.consultation_id = quick
        d.slot_start, d.slot_end = unix(lee_block(2).start), unix(lee_block(2).end)
        session = booking.session
        save_draft(session, d)
        session.save()
        SandboxAvailability.objects.all().delete()
        r = booking.get(URL, {"taken": "1"})
        assert r.status_code == 200
        assert "no other free times in the next 4 weeks" in text(r)


class TestFewerCallsToVSee:
    """Free times are kept a few seconds (VSEE_AVAILABILITY_CACHE_SECONDS); a time is
    checked with VSee itself before it is taken, and a booking made here forgets them."""

    def test_a_week_is_asked_once_and_going_back_to_it_asks_nothing(
        self, booking, quick, calls
    ):
        # The current week is asked from the minute, so seconds passing between the pages
        # ask the same question; wait out a minute about to turn, for a steady test.
        second = timezone.now().second
        if second > 50:
            time.sleep(61 - second)
        r = booking.get(URL, {"consultation": quick})
        assert len(calls) == 1  # the picker: one call
        booking.get(r.context["picker"].next_url)
        assert len(calls) == 2  # next week: one more
        booking.get(URL, {"consultation": quick})
        assert len(calls) == 2  # back to the first week within seconds: none

    def test_kept_times_run_out(self, booking, quick, calls, settings):
        settings.VSEE_AVAILABILITY_CACHE_SECONDS = 0
        booking.get(URL, {"consultation": quick})
        booking.get(URL, {"consultation": quick})
        assert len(calls) == 2

    def test_choosing_a_time_asks_vsee_not_the_kept_week(self, booking, quick, calls):
        r = booking.get(URL, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        booking.post(URL, {"consultation": quick, "slot": slot.value})
        assert len(calls) == 2

    def test_a_time_booked_here_is_gone_from_the_next_look(self, booking, quick, calls):
        r = booking.get(URL, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        booking.post(URL, {"consultation": quick, "slot": slot.value})
        assert booking.post(REVIEW).status_code == 302  # booked
        asked = len(calls)
        r = booking.get(URL, {"consultation": quick})
        assert len(calls) == asked + 1  # VSee asked again, not the kept week
        offered = [s.start for d in r.context["picker"].days for s in d.slots]
        # Dr Lee and Dr Chen may both have been free then: the time stays offered
        # only while someone is still free at it.
        assert slot.start not in offered or len(slot.provider_ids) > 1
