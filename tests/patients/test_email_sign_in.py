from __future__ import annotations

import re
import time

import pytest

from portal.clinic.models import AuditEvent
from portal.patients.identity import patient_code
from portal.vsee.service import PATIENT_KEY, current_patient
from sandbox.models import SandboxUser
from tests.conftest import ADA
from tests.patients.conftest import DETAILS, WHO, code_from


def signed_in(client, code: str, who: dict | None = None) -> None:
    """Enter the code, then who the patient is (name and birth date the first time)."""
    assert client.post("/sign-in/code/", {"code": code})["Location"] == "/sign-in/you/"
    assert client.post("/sign-in/you/", who or WHO).status_code == 302


def failures() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="sign_in_failed").values_list(
            "detail", flat=True
        )
    )


class TestAskingForACode:
    def test_it_emails_a_six_digit_code_and_asks_for_it(
        self, client, vsee_live, mailoutbox
    ):
        r = client.post("/sign-in/", {**DETAILS, "next": "/rooms/demo-room/walkin/"})
        assert r.status_code == 302 and r["Location"] == "/sign-in/code/"
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["ada.lovelace@example.com"]
        body = mail.body
        assert "10 minutes" in body
        # The email carries the code, not the patient's name or birth date.
        assert "Ada" not in body and "1985" not in body
        page = client.get("/sign-in/code/").content.decode()
        assert "ada.lovelace@example.com" in page

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("", "Enter your email address."),
            ("ada@", "Enter an email address like name@example.com."),
        ],
    )
    def test_a_bad_email_gets_a_message_on_the_field(
        self, client, vsee_live, mailoutbox, value, message
    ):
        r = client.post("/sign-in/?next=/history/", {"email": value}, follow=True)
        page = r.content.decode()
        # Post/Redirect/Get: the page that says it is a GET, so Back never repeats it.
        assert r.redirect_chain == [("/sign-in/?next=%2Fhistory%2F", 302)]
        assert message in page
        assert 'id="id_email_error"' in page
        assert 'aria-invalid="true"' in page
        if value:
            assert f'value="{value}"' in page  # what they typed stays
        assert mailoutbox == []
        # Said once: a refresh or Back later shows the form without the old problem.
        again = client.get("/sign-in/?next=/history/").content.decode()
        assert 'id="id_email_error"' not in again
        assert 'aria-invalid="true"' not in again

    def test_only_the_email_is_asked_for(self, client, vsee_live):
        page = client.get("/sign-in/").content.decode()
        assert 'name="email"' in page
        assert 'name="first_name"' not in page and 'name="dob"' not in page

    def test_the_email_never_says_whether_someone_is_a_patient(
        self, client, vsee_live, mailoutbox
    ):
        known = client.post("/sign-in/", DETAILS)
        unknown = client.post(
            "/sign-in/", {**DETAILS, "email": "nobody@example.com"}, follow=True
        )
        assert known.status_code == 302
        assert "We sent a 6-digit code" in unknown.content.decode()
        assert len(mailoutbox) == 2

    def test_codes_are_rate_limited_per_email(
        self, client, vsee_live, mailoutbox, settings
    ):
        settings.SIGN_IN_CODES_PER_EMAIL = 2
        for _ in range(2):
            assert client.post("/sign-in/", DETAILS).status_code == 302
        r = client.post("/sign-in/", DETAILS)
        assert r.status_code == 429
        assert "Please wait a few minutes" in r.content.decode()
        assert len(mailoutbox) == 2
        assert failures() == ["rate_limited_email"]
        # Another address from the same place still works.
        other = {**DETAILS, "email": "someone.else@example.com"}
        assert client.post("/sign-in/", other).status_code == 302

    def test_codes_are_rate_limited_per_ip(self, client, vsee_live, settings):
        settings.SIGN_IN_CODES_PER_IP = 2
        for n in range(2):
            r = client.post("/sign-in/", {**DETAILS, "email": f"p{n}@example.com"})
            assert r.status_code == 302
        r = client.post("/sign-in/", {**DETAILS, "email": "p9@example.com"})
        assert r.status_code == 429
        assert failures() == ["rate_limited_ip"]

    def test_a_mail_server_failure_says_so_and_keeps_the_details(
        self, client, vsee_live, settings
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
        settings.EMAIL_TIMEOUT = 1
        r = client.post("/sign-in/", DETAILS)
        assert r.status_code == 503
        page = r.content.decode()
        assert "send the email just now" in page
        assert 'value="Ada.Lovelace@Example.com "' in page  # as typed
        assert failures() == ["email_not_sent"]


class TestEnteringTheCode:
    def test_the_right_code_then_who_they_are_signs_the_patient_in_with_vsee(
        self, client, vsee_live, ask_for_code
    ):
        before = client.session.session_key
        code = ask_for_code("/rooms/demo-room/walkin/")
        r = client.post("/sign-in/code/", {"code": code})
        assert r["Location"] == "/sign-in/you/"
        assert current_patient(client.session) is None  # a mailbox is not a patient
        r = client.post("/sign-in/you/", WHO)
        assert r.status_code == 302
        assert r["Location"] == "/rooms/demo-room/walkin/"
        patient = current_patient(client.session)
        assert patient is not None and not patient.is_guest
        # VSee knows the patient by a keyed hash of the normalised email.
        user = SandboxUser.objects.get(code=patient_code("ada.lovelace@example.com"))
        assert str(user.pk) == patient.member_id and user.code.startswith("em-")
        assert client.session.session_key != before
        assert AuditEvent.objects.filter(action="signed_in").count() == 1
        # Whose account this is, at a glance (a hand-off link could be someone else's).
        page = client.get("/").content.decode()
        assert "Signed in as Ada" in re.sub(r"<[^>]+>", "", page)

    def test_the_same_email_is_the_same_vsee_patient_next_time(
        self, client, vsee_live, ask_for_code
    ):
        signed_in(client, ask_for_code())
        first = current_patient(client.session).member_id
        client.post("/sign-out/")
        code = ask_for_code(email="ADA.LOVELACE@example.com")
        signed_in(client, code, {"dob": ADA["dob"]})
        assert current_patient(client.session).member_id == first

    def test_the_token_never_reaches_a_page_or_a_cookie(
        self, client, vsee_live, ask_for_code
    ):
        client.post("/sign-in/code/", {"code": ask_for_code()})
        r = client.post("/sign-in/you/", WHO, follow=True)
        token = client.session[PATIENT_KEY]["token"]
        assert token not in r.content.decode()
        assert all(token not in c.value for c in client.cookies.values())

    def test_a_wrong_code_says_how_many_tries_are_left(
        self, client, vsee_live, ask_for_code
    ):
        code = ask_for_code()
        wrong = "000000" if code != "000000" else "111111"
        r = client.post("/sign-in/code/", {"code": wrong}, follow=True)
        assert r.redirect_chain == [("/sign-in/code/", 302)]
        page = r.content.decode()
        assert "That code isn&#x27;t right. You can try 4 more times." in page
        assert 'aria-invalid="true"' in page
        assert current_patient(client.session) is None
        assert failures() == ["wrong_code"]

    def test_five_wrong_codes_use_the_code_up(self, client, vsee_live, ask_for_code):
        code = ask_for_code()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(4):
            client.post("/sign-in/code/", {"code": wrong})
        r = client.post("/sign-in/code/", {"code": wrong})
        assert "Too many wrong codes" in r.content.decode()
        # Even the right code no longer works.
        r = client.post("/sign-in/code/", {"code": code})
        assert "No code is waiting" in r.content.decode()
        assert current_patient(client.session) is None
        assert failures().count("too_many_tries") == 1

    def test_an_expired_code_is_refused(
        self, client, vsee_live, ask_for_code, monkeypatch
    ):
        code = ask_for_code()
        later = time.time() + 11 * 60
        monkeypatch.setattr("portal.patients.codes.time.time", lambda: later)
        r = client.post("/sign-in/code/", {"code": code})
        assert r.status_code == 400
        assert "That code has expired" in r.content.decode()
        assert failures() == ["expired_code"]

    def test_a_code_works_once(self, client, vsee_live, ask_for_code):
        code = ask_for_code()
        signed_in(client, code)
        client.post("/sign-out/")
        r = client.post("/sign-in/code/", {"code": code})
        assert "No code is waiting" in r.content.decode()
        assert current_patient(client.session) is None

    def test_back_to_the_code_after_signing_in_says_so(
        self, client, vsee_live, ask_for_code
    ):
        assert "No code is waiting" in client.get("/sign-in/code/").content.decode()
        signed_in(client, ask_for_code())
        for page in ("/sign-in/code/", "/sign-in/you/"):
            r = client.get(page)
            assert r.status_code == 200
            assert "<h1>You're signed in</h1>" in r.content.decode()
            assert "Get a new code" not in r.content.decode()

    def test_a_new_code_replaces_the_old_one(self, client, vsee_live, ask_for_code):
        first = ask_for_code()
        second = ask_for_code()
        if first != second:
            r = client.post("/sign-in/code/", {"code": first}, follow=True)
            assert "isn&#x27;t right" in r.content.decode()
        signed_in(client, second)
        assert current_patient(client.session) is not None

    def test_a_code_typed_with_spaces_is_fine_and_letters_are_explained(
        self, client, vsee_live, ask_for_code
    ):
        code = ask_for_code()
        r = client.post("/sign-in/code/", {"code": "abc"}, follow=True)
        assert "The code is 6 digits" in r.content.decode()
        signed_in(client, f"{code[:3]} {code[3:]}")
        assert current_patient(client.session) is not None

    def test_vsee_down_at_the_last_step_needs_no_new_code(
        self, client, vsee_live, ask_for_code, settings
    ):
        client.post("/sign-in/code/", {"code": ask_for_code()})
        settings.SANDBOX_FAULTS = [
            {"endpoint": "users.sso", "error_rate": 1.0, "error_status": 503}
        ]
        r = client.post("/sign-in/you/", WHO)
        assert r.status_code == 503
        page = r.content.decode()
        assert "you won&#x27;t need a new code" in page
        assert 'value="Lovelace"' in page  # what they typed is kept
        settings.SANDBOX_FAULTS = []
        r = client.post("/sign-in/you/", WHO)
        assert r.status_code == 302
        assert current_patient(client.session) is not None

    @pytest.mark.parametrize(
        "next_path",
        ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"],
    )
    def test_it_only_ever_returns_to_our_own_pages(
        self, client, vsee_live, ask_for_code, next_path
    ):
        client.post("/sign-in/code/", {"code": ask_for_code(next_path)})
        r = client.post("/sign-in/you/", WHO)
        assert r["Location"] == "/"


class TestSigningOut:
    def test_sign_out_forgets_everything(self, client, vsee_live, ask_for_code):
        signed_in(client, ask_for_code())
        session = client.session
        session["booking.draft"] = {"room_code": "demo-room", "option": "walkin"}
        session.save()
        r = client.post("/sign-out/", follow=True)
        assert "You are signed out" in r.content.decode()
        assert dict(client.session.items()) == {}

    def test_a_timed_out_session_says_why_and_keeps_nothing(
        self, client, vsee_live, ask_for_code
    ):
        signed_in(client, ask_for_code())
        client.session.flush()  # what the session store does after 30 idle minutes
        # The cookie jar still has the marker, as a real browser would.
        r = client.get("/rooms/demo-room/walkin/", follow=True)
        page = r.content.decode()
        assert "signed out to protect your privacy" in page
        assert "Lovelace" not in page
        # Once said, a later visit just asks to sign in.
        r = client.get("/rooms/demo-room/walkin/")
        assert r["Location"].startswith("/sign-in/?next=")

    def test_sign_out_only_by_post(self, client, vsee_live):
        assert client.get("/sign-out/").status_code == 405


def test_the_code_helper_reads_the_email(mailoutbox):
    from django.core import mail

    mail.send_mail("s", "Your code is 123456.", None, ["a@example.com"])
    assert code_from(mailoutbox) == "123456"
