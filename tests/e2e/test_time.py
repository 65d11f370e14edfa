"""Browser test: book-a-time up to the review, in the browser's own time zone."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    fill_intake,
    sign_in_by_email,
)

pytestmark = pytest.mark.browser

BROWSER_ZONE = "America/Los_Angeles"


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def la_page(chromium, request):
    """A fresh page whose browser says it is in Los Angeles."""
    context = chromium.new_context(viewport=request.param, timezone_id=BROWSER_ZONE)
    page = context.new_page()
    yield page
    context.close()


def sign_in_and_fill_the_intake(page, live_server, mailoutbox) -> None:
    page.goto(live_server.url + "/rooms/demo-room/appointment/")
    sign_in_by_email(page, mailoutbox)
    fill_intake(page, reason="Follow-up on a rash")
    page.wait_for_url(lambda url: not url.endswith("/rooms/demo-room/appointment/"))


class TestChoosingATime:
    def test_a_patient_picks_a_time_in_their_own_zone(
        self, la_page, live_server, vsee_live, mailoutbox
    ):
        page = la_page
        sign_in_and_fill_the_intake(page, live_server, mailoutbox)
        # The next step may be the attachments; this test starts at the time step.
        page.goto(live_server.url + "/rooms/demo-room/appointment/time/")

        page.get_by_role("heading", name="What kind of visit do you need?").wait_for()
        assert page.get_by_text("30 minutes · $25").is_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Standard video visit").click()

        # timezone.js reloads once with the browser's zone; the page says which it is.
        zone_line = page.locator(".picker__tz summary")
        zone_line.filter(has_text=BROWSER_ZONE).wait_for()
        assert "Times are shown in America/Los_Angeles" in zone_line.inner_text()
        assert "tz=America%2FLos_Angeles" in page.url
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

        # Pick the first free time: on to the review step (which may still be written).
        first = page.locator("button.picker__slot").first
        first.wait_for()
        first.click()
        page.wait_for_url(re.compile(r"/rooms/demo-room/appointment/review/$"))
