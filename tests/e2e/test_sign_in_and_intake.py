from __future__ import annotations

import re

import pytest

from tests.conftest import ADA
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser


def emailed_code(mailoutbox) -> str:
    return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)


class TestEmailSignInThenTheIntake:
    def test_a_patient_signs_in_by_email_and_fills_in_the_clinic_s_form(
        self, page, live_server, vsee_live, mailoutbox
    ):
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="See a doctor now").click()

        # Not signed in: the sign-in page, which offers a guest walk-in here too.
        page.get_by_role("heading", name="Sign in").wait_for()
        assert page.get_by_role("link", name="Continue as a guest").is_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Email me a code").click()
        assert page.get_by_role("heading", name="There is a problem").is_visible()
        email = page.get_by_label("Email address")
        assert email.get_attribute("aria-invalid") == "true"
        assert_accessible(page)

        email.fill(ADA["email"])
        page.get_by_role("button", name="Email me a code").click()

        page.get_by_role("heading", name="Check your email").wait_for()
        assert_accessible(page)
        page.get_by_label("6-digit code").fill(emailed_code(mailoutbox))
        page.get_by_role("button", name="Sign in").click()

        # The first time here: who the patient is, once.
        page.get_by_role("heading", name="About you", exact=True).wait_for()
        page.get_by_role("button", name="Continue").click()
        assert page.get_by_role("heading", name="There are 3 problems").is_visible()
        assert page.get_by_label("First name").get_attribute("aria-invalid") == "true"
        assert_accessible(page)
        page.get_by_label("First name").fill(ADA["first_name"])
        page.get_by_label("Last name").fill(ADA["last_name"])
        page.get_by_label("Date of birth").fill(ADA["dob"])
        page.get_by_role("button", name="Continue").click()

        # Back where the patient was going: the intake form, step 2.
        page.get_by_role("heading", name="About your visit").wait_for()
        assert page.get_by_text("Step 2 of 4").is_visible()
        assert_accessible(page)

        # A required question left empty: the message is on the field, the rest is kept.
        page.get_by_label("What brings you in today?").fill("Sore throat")
        page.get_by_label("Which state are you in right now?").select_option("NY")
        page.get_by_role("group", name="Have you been seen by us before?").get_by_label(
            "No"
        ).check()
        page.get_by_role("button", name="Continue").click()
        summary = page.get_by_role("alert")
        assert "How will you pay?" in summary.inner_text()
        assert page.get_by_label("What brings you in today?").input_value() == (
            "Sore throat"
        )
        assert_accessible(page)
        summary.get_by_role("link").first.click()
        page.get_by_role("group", name="How will you pay?").get_by_label(
            "Self-pay"
        ).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Add files").wait_for()
        assert page.get_by_text("Step 3 of 4").is_visible()

        # Back to the form, and a refresh: the answers are still there.
        page.go_back()
        page.get_by_role("heading", name="About your visit").wait_for()
        # The problem fixed earlier is not shown again (Post/Redirect/Get).
        assert page.get_by_role("heading", name="There is a problem").count() == 0
        page.reload()
        assert page.get_by_label("What brings you in today?").input_value() == (
            "Sore throat"
        )

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="You are signed out").wait_for()
        assert_accessible(page)


class TestBackAfterAnError:
    def test_back_never_shows_a_problem_already_fixed(
        self, page, live_server, vsee_live, mailoutbox
    ):
        """Each sign-in form with a problem is shown by the GET its POST redirects to, so
        going back later shows the forms afresh (Post/Redirect/Get)."""
        page.goto(live_server.url + "/sign-in/?next=/visits/")
        page.get_by_label("Email address").fill("ada@")
        page.get_by_role("button", name="Email me a code").click()
        problem = page.get_by_role("heading", name="There is a problem")
        problem.wait_for()
        assert page.get_by_label("Email address").input_value() == "ada@"
        page.get_by_label("Email address").fill("grace@example.com")
        page.get_by_role("button", name="Email me a code").click()

        page.get_by_role("heading", name="Check your email").wait_for()
        code = emailed_code(mailoutbox)
        page.get_by_label("6-digit code").fill("000000" if code != "000000" else "1")
        page.get_by_role("button", name="Sign in").click()
        problem.wait_for()
        page.get_by_label("6-digit code").fill(code)
        page.get_by_role("button", name="Sign in").click()

        page.get_by_role("heading", name="About you", exact=True).wait_for()
        page.get_by_label("First name").fill("Grace")
        page.get_by_label("Last name").fill("R2D2")
        page.get_by_label("Date of birth").fill("1906-12-09")
        page.get_by_role("button", name="Continue").click()
        problem.wait_for()
        assert page.get_by_label("First name").input_value() == "Grace"
        assert page.get_by_label("Last name").get_attribute("aria-invalid") == "true"
        assert_accessible(page)
        page.get_by_label("Last name").fill("Hopper")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Your visits").wait_for()

        for _ in range(3):  # About you twice, then the code: none says an old problem
            page.go_back()
            page.get_by_role("heading", name="You're signed in").wait_for()
            assert problem.count() == 0, page.url


class TestGuestWalkIn:
    def test_a_guest_reaches_the_intake_with_a_name_and_birth_date(
        self, page, live_server, vsee_live
    ):
        page.goto(live_server.url + "/rooms/demo-room/walkin/")
        page.get_by_role("link", name="Continue as a guest").click()
        page.get_by_role("heading", name="Continue as a guest").wait_for()
        assert_accessible(page)
        page.get_by_label("First name").fill("Grace")
        page.get_by_label("Last name").fill("Hopper")
        page.get_by_label("Date of birth").fill("1906-12-09")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="About your visit").wait_for()
        assert page.url.endswith("/rooms/demo-room/walkin/")


class TestReturningPatient:
    def test_the_demo_s_ada_confirms_her_birth_date_and_a_wrong_one_is_refused(
        self, page, live_server, vsee_live, mailoutbox
    ):
        from sandbox.demo import link_demo_patients
        from sandbox.models import SandboxUser

        link_demo_patients()  # as `manage.py demo` leaves her
        page.goto(live_server.url + "/visits/")
        page.get_by_label("Email address").fill(ADA["email"])
        page.get_by_role("button", name="Email me a code").click()
        page.get_by_label("6-digit code").fill(emailed_code(mailoutbox))
        page.get_by_role("button", name="Sign in").click()

        page.get_by_role("heading", name="Welcome back").wait_for()
        assert page.get_by_label("First name").count() == 0
        assert_accessible(page)
        page.get_by_label("Date of birth").fill("2001-01-01")
        page.get_by_role("button", name="Sign in").click()
        dob = page.get_by_label("Date of birth")
        assert dob.get_attribute("aria-invalid") == "true"
        assert "doesn't match" in page.get_by_role("alert").inner_text()
        assert_accessible(page)

        dob.fill(ADA["dob"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Your visits").wait_for()
        ada = SandboxUser.objects.get(email=ADA["email"])
        assert (ada.first_name, ada.last_name, ada.dob.isoformat()) == (
            "Ada",
            "Lovelace",
            "1985-12-10",
        )

    def test_the_pause_after_wrong_birth_dates_passes_axe(
        self, page, live_server, vsee_live, mailoutbox, settings
    ):
        from sandbox.demo import link_demo_patients

        link_demo_patients()
        settings.SIGN_IN_CODE_TRIES = 1
        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Email address").fill(ADA["email"])
        page.get_by_role("button", name="Email me a code").click()
        page.get_by_label("6-digit code").fill(emailed_code(mailoutbox))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Date of birth").fill("2001-01-01")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Please wait a few minutes").wait_for()
        assert_accessible(page)
