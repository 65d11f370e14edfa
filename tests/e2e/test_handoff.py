from __future__ import annotations

import time

import pytest

from portal.clinic.models import HandoffSecret
from tests.e2e.conftest import assert_accessible
from tests.patients.test_handoff import PATIENT, make_handoff_token, sign_handoff

pytestmark = pytest.mark.browser


class TestHandoffInTheBrowser:
    def test_a_link_with_the_token_after_the_hash_signs_the_patient_in(
        self, page, live_server, vsee_live
    ):
        token = make_handoff_token(HandoffSecret.rotate(), PATIENT)
        page.goto(f"{live_server.url}/sign-in/handoff/#{token}")
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_role("button", name="Sign out").is_visible()
        assert token not in page.url
        # Nor is it left in history for the back button to bring back.
        page.go_back()
        assert token not in page.url

    def test_the_failure_page_is_accessible(self, page, live_server, vsee_live):
        secret = HandoffSecret.rotate()
        now = int(time.time())
        expired = sign_handoff(
            secret, {**PATIENT, "iat": now - 200, "exp": now - 100, "nonce": "x" * 20}
        )
        page.goto(f"{live_server.url}/sign-in/handoff/#{expired}")
        page.get_by_text("The link has expired").wait_for()  # the server's answer
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "This sign-in link didn't work"
        assert page.get_by_role("link", name="Sign in with email").is_visible()
        assert_accessible(page)

    def test_a_link_without_a_token_says_so_accessibly(
        self, page, live_server, vsee_live
    ):
        page.goto(f"{live_server.url}/sign-in/handoff/")
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "This sign-in link didn't work"
        assert_accessible(page)

    def test_a_token_in_the_query_string_is_refused_accessibly(
        self, page, live_server, vsee_live
    ):
        token = make_handoff_token(HandoffSecret.rotate(), PATIENT)
        page.goto(f"{live_server.url}/sign-in/handoff/?token={token}")
        assert (
            "set up the wrong way" in page.get_by_role("heading", level=1).inner_text()
        )
        assert_accessible(page)

    def test_a_hand_off_for_someone_else_asks_first_accessibly_by_keyboard(
        self, page, live_server, vsee_live, mailoutbox
    ):
        from tests.e2e.conftest import sign_in_by_email

        page.goto(f"{live_server.url}/sign-in/?next=/visits/")
        sign_in_by_email(page, mailoutbox)
        page.wait_for_url(f"{live_server.url}/visits/")

        token = make_handoff_token(HandoffSecret.rotate(), PATIENT)
        page.goto(f"{live_server.url}/sign-in/handoff/?next=/visits/#{token}")
        heading = page.get_by_role("heading", level=1)
        heading.wait_for()
        assert heading.inner_text() == "Continue as Ada?"
        assert_accessible(page)

        page.get_by_role("button", name="Continue as Ada").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/visits/")
        assert page.get_by_text("Signed in as Ada").is_visible()

    def test_a_hand_off_naming_someone_else_for_a_known_pid_is_refused_accessibly(
        self, page, live_server, vsee_live
    ):
        from sandbox.models import SandboxUser

        secret = HandoffSecret.rotate()
        page.goto(
            f"{live_server.url}/sign-in/handoff/#{make_handoff_token(secret, PATIENT)}"
        )
        page.wait_for_url(f"{live_server.url}/")
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="You are signed out").wait_for()

        other = {**PATIENT, "first_name": "Someone", "dob": "2001-01-01"}
        page.goto(
            f"{live_server.url}/sign-in/handoff/#{make_handoff_token(secret, other)}"
        )
        page.get_by_text("doesn't match the patient record").wait_for()
        assert_accessible(page)
        user = SandboxUser.objects.get(code=PATIENT["pid"])
        assert (user.first_name, user.dob.isoformat()) == (
            PATIENT["first_name"],
            PATIENT["dob"],
        )
