"""The three ways to be seen, end to end in Chromium against the sandbox."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxVisit
from tests.conftest import book_every_provider
from tests.e2e.conftest import assert_accessible, fill_intake, sign_in_by_email

pytestmark = pytest.mark.browser


@pytest.fixture
def new_visits(vsee_live):
    before = set(SandboxVisit.objects.values_list("pk", flat=True))
    return lambda: list(SandboxVisit.objects.exclude(pk__in=before))


def choose(page, live_server, mailoutbox, option_title: str) -> None:
    """From the clinic's page, pick an option and sign in by email."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=option_title).click()
    sign_in_by_email(page, mailoutbox)
    page.get_by_role("heading", name="About your visit").wait_for()


def skip_files(page) -> None:
    page.get_by_role("heading", name="Add files").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()


class TestWalkIn:
    def test_from_the_clinic_s_page_to_the_waiting_room(
        self, every_width_page, live_server, mailoutbox, new_visits
    ):
        page = every_width_page  # 320 px, a phone, a desktop
        choose(page, live_server, mailoutbox, "See a doctor now")
        fill_intake(page)
        skip_files(page)
        page.get_by_role("heading", name="Ready to see a doctor").wait_for()
        assert page.get_by_text("Sore throat").is_visible()
        assert_accessible(page)
        # One tap: checked in and straight into VSee's waiting room.
        page.get_by_role("button", name="Go to the waiting room").click()
        page.get_by_role("heading", name="VSee waiting room (sandbox)").wait_for()
        [visit] = new_visits()
        assert f"visits%2Fstart%2F{visit.pk}" in page.url

        # Back from VSee: the confirmation says what happens next; no second visit.
        page.go_back()
        page.get_by_role("heading", name="You're checked in").wait_for()
        assert page.url.endswith(f"/booked/{visit.pk}/")
        assert "What happens next" in page.locator("main").inner_text()
        assert page.locator("main dt", has_text="When").count() == 0
        assert_accessible(page)
        join = page.get_by_role("link", name="Go to the waiting room")
        assert join.get_attribute("href") == f"/visits/{visit.pk}/join/"
        assert len(new_visits()) == 1

        # Changed their mind: they leave the queue, and their visits say so.
        page.get_by_role("link", name="Leave the waiting room").click()
        page.get_by_role("heading", name="Leave the waiting room?").wait_for()
        assert_accessible(page)
        page.get_by_role("button", name="Yes, leave the waiting room").click()
        page.get_by_role("heading", name="Your visits").wait_for()
        row = page.locator(f"#visit-{visit.pk}")
        assert "Left the waiting room" in row.inner_text()


class TestEConsult:
    def test_a_vsee_outage_on_submit_keeps_everything_and_a_retry_sends_it(
        self, every_width_page, live_server, mailoutbox, new_visits, settings
    ):
        page = every_width_page  # 320 px, a phone, a desktop
        choose(page, live_server, mailoutbox, "Send a question")
        fill_intake(page, reason="A rash on my arm")
        skip_files(page)
        page.get_by_role("heading", name="Check and send").wait_for()

        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.add_econsult", "error_rate": 1.0, "error_status": 503}
        ]
        page.get_by_role("button", name="Send my question").click()
        alert = page.get_by_role("alert")
        assert "Nothing was booked" in alert.inner_text()
        assert page.get_by_text("A rash on my arm").is_visible()
        assert_accessible(page)
        assert new_visits() == []

        settings.SANDBOX_FAULTS = []
        page.get_by_role("button", name="Send my question").click()
        page.get_by_role("heading", name="Your question is sent").wait_for()
        assert len(new_visits()) == 1


class TestAppointment:
    def test_a_slot_taken_meanwhile_then_a_double_clicked_booking_makes_one_visit(
        self, every_width_page, live_server, mailoutbox, new_visits, vsee, ben
    ):
        page = every_width_page  # 320 px, a phone, a desktop
        # Times first: the type of visit on the clinic's page, the state, then the times,
        # all before signing in.
        page.goto(live_server.url + "/")
        page.get_by_role("list", name="Types of visit to book").get_by_role(
            "link", name="Quick video visit"
        ).click()
        page.get_by_role("heading", name="Where are you?").wait_for()
        assert_accessible(page)
        page.get_by_role("button", name="Show free times").click()
        page.get_by_role("alert").get_by_text("Choose the state").wait_for()
        assert_accessible(page)
        page.get_by_label("Which state are you in right now?").select_option("NY")
        page.get_by_role("button", name="Show free times").click()
        page.get_by_role("heading", name="Choose a time").wait_for()
        assert "In New York" in page.locator(".picker__options summary").inner_text()
        assert_accessible(page)

        # The day strip: one day's times at a time; another day without a new request.
        days = page.get_by_role("list", name="Days").get_by_role("link")
        assert days.count() == 7
        shown = page.locator("[data-day-panel]:visible")
        assert shown.count() == 1
        with_times = page.locator(".days__day:not(.days__day--none)")
        other = with_times.nth(1)
        other_label = other.inner_text()
        requests: list[str] = []
        page.on(
            "request",
            lambda request: (
                request.resource_type in ("document", "xhr", "fetch")
                and requests.append(request.url)
            ),
        )
        other.click()
        assert other.get_attribute("aria-current") == "date"
        assert page.locator("[data-day-panel]:visible").count() == 1
        focused = page.evaluate("document.activeElement.tagName")
        assert focused == "H3" and requests == []
        assert "day=" in page.url
        assert (
            other_label.split()[0]
            in page.locator("[data-day-panel]:visible h3").inner_text()
        )

        first = page.locator("[data-day-panel]:visible button[name=slot]").first
        start, end = (int(x) for x in first.get_attribute("value").split("-"))
        first.click()
        sign_in_by_email(page, mailoutbox)
        fill_intake(page, reason="Follow-up")
        skip_files(page)
        page.get_by_role("heading", name="Check and book").wait_for()
        assert_accessible(page)

        # Back and forward in the middle: the answers are still there.
        intake = page.get_by_role("heading", name="About your visit")
        for _ in range(6):
            page.go_back()
            page.wait_for_load_state()
            if intake.is_visible():
                break
        assert page.get_by_label("What brings you in today?").input_value() == (
            "Follow-up"
        )
        page.goto(live_server.url + "/rooms/demo-room/appointment/review/")

        # Someone else takes that time (every provider) before the patient books it.
        book_every_provider(vsee, ben, start, end)
        ours_before = len(
            [v for v in new_visits() if v.member.email == "ada@example.com"]
        )
        page.get_by_role("button", name="Book this time").click()
        page.get_by_text("That time was just taken").wait_for()
        assert_accessible(page)

        page.locator("button[name=slot]:visible").first.click()
        page.get_by_role("heading", name="Check and book").wait_for()
        page.get_by_role("button", name="Book this time").dblclick()
        page.get_by_role("heading", name="Your visit is booked").wait_for()
        assert_accessible(page)
        ours = [v for v in new_visits() if v.member.email == "ada@example.com"]
        assert len(ours) == ours_before + 1
        assert page.get_by_role("link", name="Add to calendar (.ics)").is_visible()
