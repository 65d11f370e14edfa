"""Times first: "Book a time" shows free times before sign-in, holds the chosen one through
sign-in, the intake and the files, and books it. The day strip shows one day's times."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.booking.draft import load_draft
from portal.clinic.rooms import FieldMode, Room
from sandbox.models import SandboxAvailability, SandboxConsultation, SandboxVisit
from tests.booking.test_intake import ANSWERS
from tests.booking.test_time import NEW_YORK, text, today_ny
from tests.conftest import ADA, sign_in_by_email

ROOM = "/rooms/demo-room/"
TIMES = "/rooms/demo-room/appointment/time/"
WHERE = "/rooms/demo-room/appointment/where/"
INTAKE = "/rooms/demo-room/appointment/"
FILES = "/rooms/demo-room/appointment/files/"
REVIEW = "/rooms/demo-room/appointment/review/"


@pytest.fixture
def browsing(client, vsee_live):
    """Someone not signed in who has said which state they are in."""
    client.post(WHERE, {"location": "NY"})
    return client


def first_slot(response):
    return next(s for d in response.context["picker"].days for s in d.slots)


def hold_a_time(client) -> None:
    """Choose the first free Quick visit the way a patient does, before the intake."""

    quick = str(SandboxConsultation.objects.get(description="Quick video visit").id)
    client.post(WHERE, {"location": "NY"})
    slot = first_slot(client.get(TIMES, {"consultation": quick}))
    r = client.post(TIMES, {"consultation": quick, "slot": slot.value})
    assert r.status_code == 302 and r["Location"] == INTAKE


class TestBeforeSignIn:
    def test_the_room_page_lists_the_types_of_visit_straight_to_their_times(
        self, client, vsee_live, quick
    ):
        page = client.get(ROOM).content.decode()
        assert f'href="{TIMES}?consultation={quick}"' in page
        assert "Quick video visit" in page and "30 minutes · $25" in page

    def test_the_state_is_asked_first_and_the_type_is_kept(
        self, client, vsee_live, quick
    ):
        r = client.get(TIMES, {"consultation": quick})
        assert r.status_code == 302
        assert r["Location"] == f"{WHERE}?consultation={quick}"
        r = client.get(r["Location"])
        page = text(r)
        assert (
            "Where are you?" in page
            and 'Step 1 of 5<span class="visually-hidden">: Choose a time' in page
        )
        assert 'name="location"' in page and "Sign in" not in page.split("<main")[1]

    def test_no_state_chosen_is_said_once_by_the_next_page(
        self, client, vsee_live, quick
    ):
        url = f"{WHERE}?consultation={quick}"
        r = client.post(url, {"location": ""})
        assert r.status_code == 302 and r["Location"] == url
        page = text(client.get(url))
        assert "Choose the state you are in right now." in page
        assert 'aria-invalid="true"' in page
        # Back or a refresh: the form again, without the old problem.
        assert "Choose the state you are in right now." not in text(client.get(url))

    def test_a_made_up_state_is_refused(self, client, vsee_live, quick):
        url = f"{WHERE}?consultation={quick}"
        r = client.post(url, {"location": "XX"})
        assert r["Location"] == url
        assert "location" not in load_draft(client.session).answers

    def test_the_times_are_asked_with_the_clinic_s_key_and_the_state(
        self, client, vsee_live, quick, calls
    ):
        client.post(f"{WHERE}?consultation={quick}", {"location": "CA"})
        r = client.get(TIMES, {"consultation": quick})
        assert r.status_code == 200
        [call] = calls
        assert call.get("token") is None  # no patient: the key and secret
        assert call["room_code"] == "demo-room"
        assert call["consultation_id"] == quick
        assert call["location"] == "CA"
        assert call["start"] < call["end"]
        page = text(r)
        assert "In <strong>California</strong>" in page
        assert "Step 1 of 5" in page
        assert first_slot(r).start > 0

    def test_a_room_that_does_not_ask_the_state_goes_straight_to_the_times(
        self, client, vsee_live, quick, calls
    ):
        Room.objects.filter(code="demo-room").update(location_mode=FieldMode.HIDDEN)
        r = client.get(TIMES, {"consultation": quick})
        assert r.status_code == 200 and r.context["picker"]
        assert calls[0]["location"] is None

    def test_an_optional_state_may_be_left_blank_once(self, client, vsee_live, quick):
        Room.objects.filter(code="demo-room").update(location_mode=FieldMode.OPTIONAL)
        url = f"{WHERE}?consultation={quick}"
        r = client.post(url, {"location": ""})
        assert r["Location"] == f"{TIMES}?consultation={quick}"
        assert client.get(r["Location"]).status_code == 200

    def test_a_time_chosen_is_held_and_sign_in_comes_next(
        self, client, vsee_live, quick, calls
    ):
        client.post(f"{WHERE}?consultation={quick}", {"location": "NY"})
        slot = first_slot(client.get(TIMES, {"consultation": quick}))
        r = client.post(TIMES, {"consultation": quick, "slot": slot.value})
        assert r.status_code == 302 and r["Location"] == INTAKE
        draft = load_draft(client.session)
        assert (draft.slot_start, draft.slot_end) == (slot.start, slot.end)
        assert draft.consultation_id == quick and not draft.intake_id
        # The intake asks for sign-in first.
        r = client.get(INTAKE)
        assert r.status_code == 302 and r["Location"].startswith("/sign-in/")

    def test_a_tampered_time_is_refused_before_sign_in_too(
        self, client, vsee_live, quick
    ):
        client.post(f"{WHERE}?consultation={quick}", {"location": "NY"})
        r = client.post(TIMES, {"consultation": quick, "slot": "1-2"})
        assert r.status_code == 400
        assert "that time can't be booked" in text(r)
        assert load_draft(client.session).slot_start is None


class TestTheWholeWay:
    def test_the_held_time_is_booked_after_sign_in_intake_and_files(
        self, client, vsee_live, quick, mailoutbox
    ):
        client.post(f"{WHERE}?consultation={quick}", {"location": "NY"})
        slot = first_slot(client.get(TIMES, {"consultation": quick}))
        client.post(TIMES, {"consultation": quick, "slot": slot.value})
        assert sign_in_by_email(client, mailoutbox, ADA, INTAKE) == INTAKE
        page = text(client.get(INTAKE))
        assert 'Step 3 of 5<span class="visually-hidden">: About your visit' in page
        assert 'value="NY" selected' in page  # the state, answered once already
        r = client.post(INTAKE, ANSWERS)
        assert r["Location"] == FILES
        r = client.post(FILES, {"continue": "1"})
        assert r["Location"] == REVIEW
        page = text(client.get(REVIEW))
        assert slot.time_label in page
        r = client.post(REVIEW)
        assert r.status_code == 302 and r["Location"].startswith("/booked/")
        visit = SandboxVisit.objects.latest("pk")
        assert int(visit.start.timestamp()) == slot.start

    def test_a_time_taken_meanwhile_shows_the_nearest_free_times(
        self, client, vsee_live, quick, mailoutbox
    ):
        client.post(f"{WHERE}?consultation={quick}", {"location": "NY"})
        slot = first_slot(client.get(TIMES, {"consultation": quick}))
        client.post(TIMES, {"consultation": quick, "slot": slot.value})
        sign_in_by_email(client, mailoutbox, ADA, INTAKE)
        client.post(INTAKE, ANSWERS)
        # Someone else books every provider at that time before Ada confirms.
        SandboxAvailability.objects.filter(
            start__lte=slot.local_start, end__gte=slot.local_end
        ).delete()
        r = client.post(REVIEW)
        assert r.status_code == 302 and r["Location"] == f"{TIMES}?taken=1"
        r = client.get(r["Location"])
        assert "That time was just taken" in text(r)
        # Asked again as the patient, for the intake now made.
        assert r.context["back_to_answers"]


class TestSignedIn:
    def test_a_returning_patient_goes_straight_to_the_times_with_their_state(
        self, returning, quick, calls
    ):
        r = returning.get(TIMES, {"consultation": quick})
        assert r.status_code == 200 and r.context["picker"]
        assert calls[0]["location"] == "NY"  # from Ada's last visit
        assert "In <strong>New York</strong>" in text(r)


class TestDayStrip:
    def test_the_first_day_with_times_is_shown_and_the_others_wait(
        self, browsing, quick
    ):
        r = browsing.get(TIMES, {"consultation": quick})
        picker = r.context["picker"]
        first = next(d for d in picker.days if d.slots)
        assert picker.selected_day == first
        page = r.content.decode()
        assert len(re.findall(r'<a href="[^"]+" class="days__day', page)) == 7
        assert page.count('aria-current="date"') == 1
        shown = re.findall(r'data-day="([\d-]+)" data-day-panel="[^"]+">', page)
        assert shown == [first.param]  # every other day's panel is hidden
        count = len(first.slots)  # late in the day, today may have one left
        assert f"{first.label}: {count} free time{'s' if count > 1 else ''}" in text(r)

    def test_a_day_link_shows_that_day(self, browsing, quick):
        r = browsing.get(TIMES, {"consultation": quick})
        later = [d for d in r.context["picker"].days if d.slots][1]
        tab = next(t for t in r.context["picker"].day_tabs if t.day == later)
        assert f"day={later.param}" in tab.url
        r = browsing.get(tab.url)
        assert r.context["picker"].selected_day.date == later.date

    def test_a_day_alone_names_its_week(self, browsing, quick):
        day = today_ny() + timedelta(days=9)
        r = browsing.get(TIMES, {"consultation": quick, "day": day.isoformat()})
        picker = r.context["picker"]
        assert picker.week.first_day <= day <= picker.week.last_day
        assert picker.selected_day.date == day

    @pytest.mark.parametrize("value", ["2020-01-01", "garbage", "2026-02-30", "9" * 40])
    def test_an_odd_day_falls_back_to_the_first_with_times(
        self, browsing, quick, value
    ):
        r = browsing.get(TIMES, {"consultation": quick, "day": value})
        assert r.status_code == 200
        picker = r.context["picker"]
        assert picker.selected_day == next(d for d in picker.days if d.slots)

    def test_a_day_without_times_says_so_and_points_at_the_others(
        self, browsing, quick
    ):
        empty = today_ny() + timedelta(days=2)
        for block in SandboxAvailability.objects.all():
            if block.start.astimezone(NEW_YORK).date() == empty:
                block.delete()
        r = browsing.get(TIMES, {"consultation": quick, "day": empty.isoformat()})
        page = text(r)
        assert "No times this day — choose another day above" in page
        assert "days__day days__day--none" in page
