"""Browser test: the times in the browser's own time zone, named in words, on every page of
the session; and week paging in the picker."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    fill_intake,
    sign_in_by_email,
    watch_policy,
)

pytestmark = pytest.mark.browser

BROWSER_ZONE = "America/Los_Angeles"
TIMES = "/rooms/demo-room/appointment/time/"


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def la_page(chromium, request):
    """A fresh page whose browser says it is in Los Angeles."""
    context = chromium.new_context(viewport=request.param, timezone_id=BROWSER_ZONE)
    page = context.new_page()
    blocked = watch_policy(page)
    yield page
    context.close()
    assert blocked == []


class TestTheBrowsersZone:
    def test_it_is_detected_on_the_first_page_and_used_everywhere_after(
        self, la_page, live_server, vsee_live, mailoutbox
    ):
        page = la_page
        # Sent once, in the background, from the first page; the next pages know it.
        with page.expect_response(lambda r: r.url.endswith("/time-zone/")) as sent:
            page.goto(live_server.url + "/")
        assert sent.value.status == 204
        page.reload()
        assert page.locator("body[data-tz-send]").count() == 0

        page.goto(live_server.url + TIMES)
        page.get_by_label("Which state are you in right now?").select_option("CA")
        page.get_by_role("button", name="Show free times").click()
        page.get_by_role("heading", name="What kind of visit do you need?").wait_for()
        assert_accessible(page)
        page.get_by_role("link", name="Standard video visit").click()
        zone_line = page.locator(".picker__options summary")
        assert "Times in Pacific Time (Los Angeles)" in zone_line.inner_text()
        assert (
            "The clinic is on Eastern Time (New York)"
            in page.locator("main").inner_text()
        )
        assert_accessible(page)

        # Next week and back: only the picker is swapped, and the address follows.
        this_week = page.locator("#picker-week").inner_text()
        page.evaluate("window.__stillHere = true")
        page.get_by_role("link", name="Next week").click()
        page.wait_for_url(re.compile(r"week=\d{4}-\d\d-\d\d"))
        page.locator("#picker-week").filter(has_not_text=this_week).wait_for()
        assert page.evaluate("window.__stillHere === true")  # no full page load
        assert page.locator("#picker-week").evaluate(
            "el => el === document.activeElement"
        )
        assert_accessible(page)
        page.get_by_role("link", name="Previous week").click()
        page.locator("#picker-week").filter(has_text=this_week).wait_for()
        assert page.evaluate("window.__stillHere === true")

        slot = page.locator("button.picker__slot:visible").first
        label = slot.inner_text().splitlines()[0].strip()
        slot.click()
        sign_in_by_email(page, mailoutbox)
        fill_intake(page, reason="Follow-up on a rash")
        page.get_by_role("heading", name="Add files").wait_for()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Check and book").wait_for()
        when = page.locator("dd[data-tz-current]").inner_text()
        assert label in when and "Pacific Time (Los Angeles)" in when
        assert "at the clinic" in when
        page.get_by_role("button", name="Book this time").click()
        page.get_by_role("heading", name="Your visit is booked").wait_for()
        assert label in page.locator("dd[data-tz-current]").inner_text()
        page.goto(live_server.url + "/visits/")
        assert (
            "Times are shown in Pacific Time (Los Angeles)"
            in page.locator("main").inner_text()
        )

    def test_another_zone_is_chosen_from_the_list_or_typed(
        self, la_page, live_server, vsee_live
    ):
        page = la_page
        page.goto(live_server.url + "/rooms/demo-room/")
        page.get_by_role("list", name="Types of visit to book").get_by_role(
            "link", name="Quick video visit"
        ).click()
        page.get_by_label("Which state are you in right now?").select_option("IL")
        page.get_by_role("button", name="Show free times").click()
        page.locator(".picker__options summary").click()
        zones = page.get_by_role("group", name="Your time zone")
        zones.get_by_label("Central Time (Chicago)").check()
        page.get_by_role("button", name="Show times in this zone").click()
        summary = page.locator(".picker__options summary")
        summary.filter(has_text="Central Time (Chicago)").wait_for()
        summary.click()
        page.get_by_label("Other…").fill("Berlin")
        assert_accessible(page)
        page.get_by_role("button", name="Show times in this zone").click()
        summary.filter(has_text="Berlin (Europe)").wait_for()
        summary.click()
        page.get_by_label("Other…").fill("Atlantis")
        page.get_by_role("button", name="Show times in this zone").click()
        page.get_by_role("alert").get_by_text("couldn't find that time zone").wait_for()
        assert (
            "Berlin (Europe)" in page.locator(".picker__options summary").inner_text()
        )
        assert (
            page.evaluate("document.documentElement.scrollWidth")
            <= page.viewport_size["width"]
        )
