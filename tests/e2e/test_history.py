from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.patients.identity import patient_code
from sandbox.demo import link_demo_patients
from sandbox.models import SandboxVisit
from tests.conftest import ADA
from tests.e2e.conftest import assert_accessible, sign_in_by_email

pytestmark = pytest.mark.browser


@pytest.fixture
def ada_in_browser(page, live_server, vsee_live, mailoutbox, vsee):
    """The demo Ada, signed in by email in the browser, with one upcoming appointment."""
    link_demo_patients()
    ada = vsee.user_sso(
        type=200,
        code=patient_code(ADA["email"]),
        first_name=ADA["first_name"],
        last_name=ADA["last_name"],
        dob=ADA["dob"],
    )
    room = vsee.room_get(code="demo-room")
    intake = vsee.intake_create(token=ada.token.token, room_code="demo-room", type=2)
    now = int(time.time())
    slot = vsee.availability_get(
        token=ada.token.token,
        room_code="demo-room",
        intake_id=intake.id,
        consultation_id=room.consultations[0].id,
        start=now + 86400,
        end=now + 8 * 86400,
    )[0]
    upcoming = vsee.visit_create(
        token=ada.token.token,
        room_code="demo-room",
        intake_id=intake.id,
        slot_start=slot.start,
        slot_end=slot.end,
    )
    page.goto(live_server.url + "/visits/")
    sign_in_by_email(page, mailoutbox)
    page.get_by_role("heading", name="Your visits").wait_for()
    return upcoming


class TestHistoryInTheBrowser:
    def test_the_history_lists_upcoming_and_past_and_cancels_in_place(
        self, page, ada_in_browser
    ):
        upcoming = ada_in_browser
        assert_accessible(page)
        row = page.locator(f"#visit-{upcoming.id}")
        assert "Booked" in row.inner_text()
        past = page.get_by_role("region", name="Past visits")
        assert "Completed" in past.inner_text()

        row.get_by_role("link", name="Cancel").click()
        page.get_by_role("button", name="Yes, cancel it").wait_for()
        # Keyboard and screen reader users land on the question, then on the row.
        expect(page.get_by_role("button", name="Yes, cancel it")).to_be_focused()
        assert_accessible(page)
        page.keyboard.press("Enter")
        page.locator(
            f"#visit-{upcoming.id} .visit__status", has_text="Cancelled"
        ).wait_for()
        # (Locators, not wait_for_function: the page's policy forbids eval.)
        focused = f"#visit-{upcoming.id}:focus, #visit-{upcoming.id} :focus"
        expect(page.locator(focused)).to_have_count(1)
        assert page.url.endswith("/visits/")  # swapped in place, no page load
        assert SandboxVisit.objects.get(pk=upcoming.id).status == SandboxVisit.CANCELLED

    def test_the_detail_page_shows_the_provider_s_notes(self, page, ada_in_browser):
        page.get_by_role("region", name="Past visits").get_by_role("link").first.click()
        page.get_by_role("heading", name="From your provider").wait_for()
        assert page.get_by_text("Acute pharyngitis, likely bacterial.").is_visible()
        assert page.get_by_role("link", name="Download summary (PDF)").is_visible()
        assert_accessible(page)

    def test_rescheduling_uses_the_picker_and_moves_the_visit(
        self, page, ada_in_browser
    ):
        upcoming = ada_in_browser
        earlier = timezone.now() - timedelta(minutes=5)  # booked a while ago
        SandboxVisit.objects.filter(pk=upcoming.id).update(
            created=earlier, modified=earlier
        )
        page.locator(f"#visit-{upcoming.id}").get_by_role(
            "link", name="Reschedule"
        ).click()
        page.get_by_role("heading", name="Choose a new time").wait_for()
        assert_accessible(page)
        other = page.locator(
            f"button[name=slot]:not([value^='{upcoming.start}-'])"
        ).first
        new_start = int(other.get_attribute("value").split("-")[0])
        other.click()
        # A check step first: nothing is moved by the tap in the grid.
        page.get_by_role("heading", name="Move your appointment?").wait_for()
        assert_accessible(page)
        assert int(SandboxVisit.objects.get(pk=upcoming.id).start.timestamp()) == (
            upcoming.start
        )
        page.get_by_role("button", name="Move my appointment").click()
        page.get_by_role("heading", name="Your appointment is moved").wait_for()
        assert_accessible(page)
        moved = SandboxVisit.objects.get(pk=upcoming.id)
        assert int(moved.start.timestamp()) == new_start
        with page.expect_download() as download:
            page.get_by_role("link", name="Add to calendar").click()
        ics = download.value.path().read_text()
        assert "SEQUENCE:0" not in ics and f"UID:visit-{upcoming.id}@" in ics


HOSTILE_NOTES = {
    "physical_exam": '<p>Exam <img src=x onerror="window.__pwned=1"></p>'
    '<script>window.__pwned=2</script><svg onload="window.__pwned=3"></svg>',
    "assessment_plan": '<a href="javascript:window.__pwned=4">Plan</a>'
    '<iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>'
    '<style>body{display:none}</style><p onclick="window.__pwned=6">Plan text</p>',
    "diagnosis": "<b>Diagnosis</b><form action=https://evil.example><input></form>",
    "patient_instructions": '<p>Rest</p><object data="x.swf"></object>'
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=7">',
}


class TestHostileNotes:
    def test_a_provider_note_s_markup_never_runs_in_the_browser(
        self, page, ada_in_browser
    ):
        visit = SandboxVisit.objects.get(
            status=SandboxVisit.COMPLETED, member__email="ada@example.com"
        )
        visit.postvisit = HOSTILE_NOTES
        visit.save()
        dialogs: list[str] = []
        page.on(
            "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss())
        )
        page.goto(page.url.split("/visits/")[0] + f"/visits/{visit.pk}/")
        page.get_by_role("heading", name="From your provider").wait_for()
        assert page.get_by_text("Plan text").is_visible()  # the words stay
        page.get_by_text("Plan text").click()
        page.wait_for_timeout(300)  # time for an onerror or onload to have fired
        assert page.evaluate("window.__pwned === undefined")
        assert dialogs == []
        notes = page.locator("main").inner_html()
        for gone in (
            "<script",
            "onerror",
            "onload",
            "onclick",
            "<iframe",
            "<svg",
            "<form",
            "<object",
            "<style",
            "javascript:",
        ):
            assert gone not in notes, gone


class TestRelatedVisits:
    def test_an_appointment_and_the_walk_in_it_started_are_one_row(
        self, page, live_server, ada_in_browser, vsee
    ):
        upcoming = ada_in_browser
        # The demo's past appointment was started: one row, completed, with its summary.
        past = page.get_by_role("region", name="Past visits")
        rows = past.locator("li.visit").filter(has_not_text="For Leo")
        assert rows.count() == 1
        assert "Appointment" in rows.first.inner_text()
        assert "Completed" in rows.first.inner_text()
        assert (
            rows.first.get_by_role("link", name="Download summary (PDF)").count() == 1
        )

        # Ada starts her upcoming appointment in VSee's page: VSee opens its walk-in.
        token = vsee.user_sso(
            type=200,
            code=patient_code(ADA["email"]),
            first_name=ADA["first_name"],
            last_name=ADA["last_name"],
            dob=ADA["dob"],
        ).token.token
        page.goto(
            f"{live_server.url}/sandbox/clinic/auth?sso_token={token}"
            f"&next=/visits/start/{upcoming.id}"
        )
        walkin = SandboxVisit.objects.get(related_appointment_id=upcoming.id)
        page.goto(f"{live_server.url}/visits/")
        page.get_by_role("heading", name="Your visits").wait_for()
        # One row: the appointment, now happening, joinable; the walk-in is not apart.
        assert page.locator(f"#visit-{walkin.pk}").count() == 0
        row = page.locator(f"#visit-{upcoming.id}")
        assert row.count() == 1
        now = page.get_by_role("region", name="Happening now")
        assert "Appointment" in now.inner_text() and "In progress" in now.inner_text()
        assert row.get_by_role("link", name="Join").count() == 1
        # Either id opens the one visit.
        page.goto(f"{live_server.url}/visits/{walkin.pk}/")
        assert "Appointment" in page.locator("main").inner_text()
        assert_accessible(page)
