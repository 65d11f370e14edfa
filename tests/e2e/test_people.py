"""Booking for someone in the patient's care, in Chromium: each way to be seen, for a
child added on the way, then the child's visit labelled in the history."""

from __future__ import annotations

import pytest

from portal.patients.identity import patient_code
from sandbox.models import SandboxUser, SandboxVisit
from tests.conftest import ADA
from tests.e2e.conftest import (
    assert_accessible,
    choose_a_time,
    fill_intake,
    sign_in_by_email,
)

pytestmark = pytest.mark.browser

OPTIONS = {
    "walkin": (
        "See a doctor now",
        "Go to the waiting room",
        "VSee waiting room (sandbox)",
    ),
    "econsult": ("Send a question", "Send my question", "Your question is sent"),
    "appointment": ("Book a time", "Book this time", "Your visit is booked"),
}


@pytest.mark.parametrize("option", list(OPTIONS))
def test_a_parent_books_for_their_child_who_gets_a_record_of_their_own(
    page, live_server, vsee_live, mailoutbox, option
):
    link, submit, done = OPTIONS[option]
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=link).click()
    if option == "appointment":  # times first, then sign-in
        choose_a_time(page)
        page.locator("button[name=slot]:visible").first.click()
    sign_in_by_email(page, mailoutbox)
    ada = SandboxUser.objects.get(code=patient_code(ADA["email"]))
    before = (ada.first_name, ada.last_name, ada.dob)

    page.get_by_role("heading", name="About your visit").wait_for()
    who = page.get_by_role("group", name="Who is this visit for?")
    assert who.get_by_label("Me (Ada)").is_checked()
    who.get_by_label("Someone else in my care").check()
    fill_intake(page, reason="Earache since last night")

    page.get_by_role("heading", name="Someone in your care").wait_for()
    assert_accessible(page)
    page.get_by_label("First name").fill("Mia")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Date of birth").fill("2018-04-02")
    page.get_by_role("button", name="Add and continue").click()

    page.get_by_role("heading", name="About your visit").wait_for()
    assert page.get_by_text("This visit is for Mia.").is_visible()
    assert who.get_by_label("Mia").is_checked()
    assert page.get_by_label("What brings you in today?").input_value() == (
        "Earache since last night"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add files").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=submit).wait_for()
    assert page.locator("dl.summary").get_by_text("Mia").is_visible()
    page.get_by_role("button", name=submit).click()
    page.get_by_role("heading", name=done).wait_for()

    [visit] = SandboxVisit.objects.filter(member__first_name="Mia")
    assert visit.member.dob.isoformat() == "2018-04-02"
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.dob) == before
    assert not SandboxVisit.objects.filter(member=ada).exists()

    page.goto(live_server.url + "/visits/")
    row = page.locator(f"#visit-{visit.pk}")
    assert row.get_by_text("For Mia").is_visible()
    whose = page.get_by_role("navigation", name="Whose visits")
    whose.get_by_role("link", name="Mia").click()
    page.locator(f"#visit-{visit.pk}").wait_for()
    assert_accessible(page)
