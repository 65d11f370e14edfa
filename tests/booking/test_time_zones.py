"""Time zones in words, a short list that matters for the clinic, any other by name, and the
browser's zone detected once for the whole session."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portal.booking.timezones import (
    US_ZONES,
    find_time_zone,
    time_zone_names,
    zone_choices,
    zone_label,
)
from tests.booking.test_time import text

TIMES = "/rooms/demo-room/appointment/time/"


class TestWords:
    @pytest.mark.parametrize(
        "name, words",
        [
            ("America/Chicago", "Central Time (Chicago)"),
            ("America/New_York", "Eastern Time (New York)"),
            ("Pacific/Honolulu", "Hawaii Time (Honolulu)"),
            ("Europe/Berlin", "Berlin (Europe)"),
            ("America/Argentina/Buenos_Aires", "Buenos Aires (America/Argentina)"),
            ("UTC", "Coordinated Universal Time (UTC)"),
        ],
    )
    def test_a_zone_is_named_as_people_say_it(self, name, words):
        assert zone_label(name) == words

    def test_a_us_clinic_offers_the_us_zones_and_the_one_in_use(self):
        choices = dict(zone_choices("America/New_York", "Asia/Tokyo"))
        assert list(choices)[: len(US_ZONES)] == list(US_ZONES)
        assert choices["Asia/Tokyo"] == "Tokyo (Asia)"
        assert len(choices) == len(US_ZONES) + 1

    def test_another_clinic_offers_its_own_zone(self):
        assert zone_choices("Europe/Berlin", "Europe/Berlin") == [
            ("Europe/Berlin", "Berlin (Europe)")
        ]

    @pytest.mark.parametrize(
        "typed, zone",
        [
            ("berlin", "Europe/Berlin"),
            ("New York", "America/New_York"),
            ("  Europe/Paris ", "Europe/Paris"),
            ("Atlantis", None),
            ("", None),
            ("../../etc/passwd", None),
            (None, None),
        ],
    )
    def test_a_typed_zone_or_city_is_found(self, typed, zone):
        assert find_time_zone(typed) == zone


class TestDetectedOnce:
    def test_the_first_page_asks_for_the_browser_s_zone_until_it_is_known(
        self, client, vsee_live
    ):
        assert b"data-tz-send=" in client.get("/rooms/demo-room/").content
        r = client.post("/time-zone/", {"tz": "America/Chicago"})
        assert r.status_code == 204
        assert b"data-tz-send=" not in client.get("/rooms/demo-room/").content

    def test_the_hand_off_page_moves_on_without_sending_it(self, client, vsee_live):
        # handoff.js posts the token at once; a second post would race it.
        page = client.get("/sign-in/handoff/").content.decode()
        assert "handoff" in page and "data-tz-send=" not in page

    def test_a_zone_already_known_is_not_replaced_by_detection(self, client, vsee_live):
        client.post("/time-zone/", {"tz": "America/Chicago"})
        client.post("/time-zone/", {"tz": "Asia/Tokyo"})
        assert client.session["portal.time_zone"] == "America/Chicago"

    @pytest.mark.parametrize("value", ["", "Mars/Olympus", "x" * 500])
    def test_a_made_up_zone_is_refused(self, client, vsee_live, value):
        r = client.post("/time-zone/", {"tz": value})
        assert r.status_code == 400
        assert "portal.time_zone" not in client.session

    def test_it_needs_the_page_s_csrf_token(self, vsee_live):
        strict = Client(enforce_csrf_checks=True)
        assert strict.post("/time-zone/", {"tz": "America/Chicago"}).status_code == 403
        assert strict.get("/time-zone/").status_code == 405


class TestInThePicker:
    @pytest.fixture
    def browsing(self, client, vsee_live):
        client.post("/rooms/demo-room/appointment/where/", {"location": "NY"})
        return client

    def test_the_zone_is_said_in_words_with_the_clinic_s_beside_it(
        self, browsing, quick
    ):
        browsing.post("/time-zone/", {"tz": "America/Chicago"})
        r = browsing.get(TIMES, {"consultation": quick})
        page = text(r)
        assert "Times in <strong>Central Time (Chicago)</strong>" in page
        assert "The clinic is on Eastern Time (New York)." in page
        assert 'value="America/Denver"' in page  # the short list
        assert page.count('name="tz"') == len(US_ZONES)

    def test_the_other_box_suggests_every_zone(self, browsing, quick):
        page = text(browsing.get(TIMES, {"consultation": quick}))
        listed = re.search(r'<datalist id="picker-tz-names">(.*?)</datalist>', page)
        offered = re.findall(r'<option value="([^"]+)"></option>', listed.group(1))
        assert offered == time_zone_names()
        assert (
            "Europe/Berlin" in offered and "America/Argentina/Buenos_Aires" in offered
        )

    def test_a_city_typed_sets_the_zone(self, browsing, quick):
        r = browsing.get(TIMES, {"consultation": quick, "tz_other": "berlin"})
        assert r.context["picker"].zone == "Europe/Berlin"
        r = browsing.get(TIMES, {"consultation": quick})
        assert r.context["picker"].zone == "Europe/Berlin"  # kept for the session

    def test_a_zone_that_matches_nothing_says_so_and_keeps_the_one_in_use(
        self, browsing, quick
    ):
        r = browsing.get(TIMES, {"consultation": quick, "tz_other": "Atlantis"})
        assert r.status_code == 200
        assert "couldn't find that time zone" in text(r)
        assert r.context["picker"].zone == "America/New_York"

    def test_the_history_uses_the_session_s_zone(self, patient_client):
        patient_client.post("/time-zone/", {"tz": "America/Chicago"})
        page = text(patient_client.get("/visits/"))
        assert "Times are shown in Central Time (Chicago)" in page
        assert "the clinic is on Eastern Time (New York)" in page
