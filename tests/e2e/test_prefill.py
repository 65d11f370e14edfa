"""A returning patient's second visit, in Chromium: the stable answers are filled in from
the first, said so, and can be changed."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, fill_intake, sign_in_by_email

pytestmark = pytest.mark.browser


def test_the_second_visit_starts_with_state_phone_and_insurance_filled_in(
    page, live_server, vsee_live, mailoutbox
):
    page.goto(live_server.url + "/rooms/demo-room/walkin/")
    sign_in_by_email(page, mailoutbox)
    fill_intake(page)
    page.get_by_role("heading", name="Add files").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Go to the waiting room").click()
    page.get_by_role("heading", name="VSee waiting room (sandbox)").wait_for()
    page.goto(live_server.url + "/visits/")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="You are signed out").wait_for()

    # Another day: a question for the clinic.
    page.goto(live_server.url + "/rooms/demo-room/econsult/")
    sign_in_by_email(page, mailoutbox)
    page.get_by_role("heading", name="About your visit").wait_for()
    notice = page.get_by_role("status").filter(has_text="from your last visit")
    assert "How will you pay?" in notice.inner_text()
    pay = page.get_by_role("group", name="How will you pay?")
    assert pay.get_by_label("Self-pay").is_checked()
    assert page.get_by_label("Which state are you in right now?").input_value() == "NY"
    assert page.get_by_label("What brings you in today?").input_value() == ""
    assert_accessible(page)
    pay.get_by_label("Insurance").check()  # changed: what is sent is the change
    page.get_by_label("What brings you in today?").fill("A rash")
    page.get_by_role("group", name="Have you been seen by us before?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add files").wait_for()
