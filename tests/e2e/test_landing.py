from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser


class TestLandingInTheBrowser:
    def test_it_shows_the_demo_room_options_with_no_accessibility_violations(
        self, page, live_server, vsee_live
    ):
        page.goto(live_server.url + "/")
        assert (
            page.get_by_role("heading", level=1).inner_text()
            == "Demo Clinic — online visits"
        )
        options = page.get_by_role("list", name="Visit options")
        assert options.get_by_role("heading", name="See a doctor now").is_visible()
        assert options.get_by_role("heading", name="Book a time").is_visible()
        assert options.get_by_role("heading", name="Send a question").is_visible()
        assert_accessible(page)

    def test_it_fits_a_320_pixel_screen_without_sideways_scrolling(
        self, chromium, live_server, vsee_live
    ):
        context = chromium.new_context(viewport={"width": 320, "height": 640})
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        context.close()

    def test_it_lets_a_keyboard_user_skip_to_the_content(
        self, page, live_server, vsee_live
    ):
        page.goto(live_server.url + "/")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        assert skip.evaluate("el => el === document.activeElement")
        assert skip.is_visible()

    def test_it_stays_accessible_with_the_clinic_s_branding(
        self, page, live_server, vsee_live
    ):
        from portal.clinic.branding import Branding

        Branding.objects.update_or_create(
            pk=1,
            defaults={
                "clinic_name": "Sunrise Clinic",
                "primary_colour": "#1a4d2e",
                "support_phone": "555-0100",
                "support_email": "help@sunrise.example",
                "privacy_url": "https://sunrise.example/privacy",
                "terms_url": "https://sunrise.example/terms",
            },
        )
        page.goto(live_server.url + "/")
        assert page.locator(".site-header").inner_text().strip() == "Sunrise Clinic"
        assert page.get_by_role("link", name="Privacy policy").is_visible()
        assert_accessible(page)


class TestTheWayBack:
    def test_your_visits_leads_a_returning_patient_through_sign_in_to_them(
        self, page, live_server, vsee_live, mailoutbox
    ):
        from sandbox.demo import link_demo_patients
        from tests.e2e.conftest import sign_in_by_email

        link_demo_patients()
        page.goto(live_server.url + "/")
        way_back = page.get_by_role("navigation", name="Been here before?")
        assert way_back.get_by_role("link", name="Sign in").is_visible()
        way_back.get_by_role("link", name="Your visits").click()
        sign_in_by_email(page, mailoutbox)  # the demo's Ada: her birth date only
        page.get_by_role("heading", name="Your visits", level=1).wait_for()
        assert "Mina Lee" in page.locator("main").inner_text()  # her past visit
        page.goto(live_server.url + "/")
        signed_in = page.get_by_role("navigation", name="Your visits")
        assert signed_in.get_by_role("link", name="Your visits").is_visible()
        assert page.get_by_role("link", name="Sign in", exact=True).count() == 0
        assert_accessible(page)


def test_the_header_takes_one_line_on_a_320_pixel_phone(
    chromium, live_server, vsee_live, mailoutbox
):
    from tests.e2e.conftest import sign_in_by_email

    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    sign_in_by_email(page, mailoutbox)
    page.get_by_role("button", name="Sign out").wait_for()
    tops = page.evaluate(
        "[...document.querySelectorAll('.site-header .wrap > *')]"
        ".map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))"
    )
    assert len(set(tops)) == 1, tops  # one line: every item on the same middle
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Screen readers still hear whose account it is.
    assert "Signed in as" in page.locator(".signed-in-as").text_content()
    context.close()
