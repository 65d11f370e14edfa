"""Consent on the review page in a real browser: read, accept, sign, then book."""

from __future__ import annotations

import pytest

from portal.clinic.consents import ConsentDocument
from portal.clinic.rooms import Room
from portal.patients.models import ConsentGiven
from sandbox.models import SandboxFile
from tests.e2e.conftest import assert_accessible, fill_intake, sign_in_by_email

pytestmark = pytest.mark.browser


def test_a_patient_reads_accepts_and_signs_before_booking(
    every_width_page, live_server, vsee_live, mailoutbox
):
    page = every_width_page
    ConsentDocument.objects.create(
        room=Room.objects.get(code="demo-room"),
        title="Consent to telehealth",
        text="Video visits have limits.\n\nYou can stop at any time.",
        version="3",
        signature=True,
        for_walkin=False,
    )
    page.goto(live_server.url + "/rooms/demo-room/econsult/")
    sign_in_by_email(page, mailoutbox)
    fill_intake(page)
    page.get_by_role("heading", name="Add files").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check and send").wait_for()
    consent = page.get_by_role("region", name="Consent to telehealth")
    assert not consent.get_by_text("You can stop at any time.").is_visible()
    assert_accessible(page)

    # Sent without accepting: nothing is sent, and the box says why.
    page.get_by_role("button", name="Send my question").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "Tick the box to accept “Consent to telehealth”" in summary.inner_text()
    box = page.get_by_label("I have read and accept “Consent to telehealth”")
    assert box.get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    # Read it, accept it by keyboard, sign, send.
    consent.get_by_text("Read “Consent to telehealth”").click()
    assert consent.get_by_text("You can stop at any time.").is_visible()
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    page.get_by_label("Your full name, as your signature").fill("Ada Lovelace")
    page.get_by_role("button", name="Send my question").click()
    page.get_by_role("heading", name="Your question is sent").wait_for()
    assert SandboxFile.objects.filter(category="user_consent").count() == 1
    assert ConsentGiven.objects.count() == 1
