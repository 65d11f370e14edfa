"""A sign-in never changes who a patient is: the code proves a mailbox, the birth date the
patient, and VSee is only ever sent who the portal first recorded for that code."""

from __future__ import annotations

import datetime
import importlib
import re
from io import StringIO

import pytest
from django.core.management import call_command

from portal.clinic.models import AuditEvent
from portal.patients.identity import (
    Identity,
    known_identity,
    patient_code,
    remember_identity,
)
from portal.patients.models import KnownPatient
from portal.vsee.client import VSeeClient
from portal.vsee.service import current_patient
from sandbox.demo import link_demo_patients
from sandbox.models import SandboxUser
from tests.conftest import ADA, spy
from tests.patients.conftest import code_from

YOU = "/sign-in/you/"


@pytest.fixture
def sso_calls(monkeypatch):
    """Every users/sso call the portal makes, as the keyword arguments it sent."""
    return spy(monkeypatch, VSeeClient, "user_sso")


@pytest.fixture
def code_for(client, mailoutbox):
    """Ask for a code for an email and enter it: the next page asks who the patient is."""

    def enter(email: str, next_path: str = "/") -> None:
        client.post("/sign-in/", {"email": email, "next": next_path})
        r = client.post("/sign-in/code/", {"code": code_from(mailoutbox)})
        assert r["Location"] == YOU

    return enter


def failures() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="sign_in_failed").values_list(
            "detail", flat=True
        )
    )


def ada_in_vsee() -> tuple[str, str, str]:
    ada = SandboxUser.objects.get(email="ada@example.com")
    return ada.first_name, ada.last_name, ada.dob.isoformat()


class TestTheReproduction:
    """The demo's Ada, and someone who can read her mailbox typing other details."""

    @pytest.fixture(autouse=True)
    def demo(self, vsee_live):
        link_demo_patients()  # as `manage.py demo` leaves her: known to the portal

    def test_another_birth_date_is_refused_and_her_record_is_unchanged(
        self, client, code_for, sso_calls
    ):
        code_for("ada@example.com", "/visits/")
        page = client.get(YOU).content.decode()
        assert "Welcome back" in page
        assert 'name="first_name"' not in page  # a returning patient types no name
        r = client.post(
            YOU,
            {"first_name": "Ada", "last_name": "Byron", "dob": "2001-01-01"},
            follow=True,
        )
        assert r.redirect_chain == [(YOU, 302)]
        assert "doesn&#x27;t match the one the clinic has" in r.content.decode()
        assert current_patient(client.session) is None
        assert client.get("/visits/")["Location"].startswith("/sign-in/")
        assert sso_calls == []
        assert ada_in_vsee() == ("Ada", "Lovelace", "1985-12-10")
        assert failures() == ["wrong_birth_date"]

    def test_her_birth_date_signs_her_in_and_what_was_typed_is_not_sent(
        self, client, code_for, sso_calls
    ):
        code_for("ada@example.com", "/visits/")
        r = client.post(
            YOU, {"first_name": "Ada", "last_name": "Byron", "dob": ADA["dob"]}
        )
        assert r["Location"] == "/visits/"
        assert [(c["first_name"], c["last_name"], c["dob"]) for c in sso_calls] == [
            ("Ada", "Lovelace", "1985-12-10")
        ]
        assert ada_in_vsee() == ("Ada", "Lovelace", "1985-12-10")
        header = re.sub(r"<[^>]+>", "", client.get("/").content.decode())
        assert "Signed in as Ada" in header


class TestFirstTimeAndReturning:
    def test_a_first_time_patient_gives_name_and_birth_date_once(
        self, client, vsee_live, code_for, sso_calls
    ):
        code_for("grace@example.com")
        page = client.get(YOU).content.decode()
        assert "About you" in page and 'name="first_name"' in page
        who = {"first_name": "Grace", "last_name": "Hopper", "dob": "1906-12-09"}
        assert client.post(YOU, who).status_code == 302
        user = SandboxUser.objects.get(code=patient_code("grace@example.com"))
        assert (user.first_name, user.last_name) == ("Grace", "Hopper")
        assert KnownPatient.objects.count() == 1

        client.post("/sign-out/")
        code_for("grace@example.com")
        page = client.get(YOU).content.decode()
        assert "Welcome back" in page and 'name="first_name"' not in page
        r = client.post(YOU, {"dob": "1906-12-09"})
        assert r.status_code == 302
        assert current_patient(client.session).member_id == str(user.pk)
        assert len(sso_calls) == 2 and sso_calls[0] == sso_calls[1]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("first_name", "", "Enter your first name."),
            ("last_name", "R2D2", "Enter your last name using letters"),
            ("dob", "2099-01-01", "must be in the past"),
            ("dob", "31/31/1980", "as a real date"),
        ],
    )
    def test_bad_details_get_a_message_on_the_field_and_keep_the_rest(
        self, client, vsee_live, code_for, field, value, message
    ):
        code_for("grace@example.com")
        who = {"first_name": "Grace", "last_name": "Hopper", "dob": "1906-12-09"}
        r = client.post(YOU, {**who, field: value}, follow=True)
        page = r.content.decode()
        assert r.redirect_chain == [(YOU, 302)] and message in page
        assert f'id="id_{field}_error"' in page and 'aria-invalid="true"' in page
        assert 'value="Hopper"' in page or field == "last_name"
        assert not KnownPatient.objects.exists()  # nothing recorded from a bad form

    def test_the_step_needs_a_right_code_first(self, client, vsee_live, mailoutbox):
        assert "No code is waiting" in client.get(YOU).content.decode()
        client.post("/sign-in/", {"email": "grace@example.com"})
        # A code asked for but not entered does not open the step either.
        r = client.post(YOU, {"dob": "1906-12-09"})
        assert "No code is waiting" in r.content.decode()
        assert current_patient(client.session) is None

    def test_the_step_expires_like_a_code(
        self, client, vsee_live, code_for, monkeypatch
    ):
        import time

        code_for("grace@example.com")
        later = time.time() + 11 * 60
        monkeypatch.setattr("portal.patients.codes.time.time", lambda: later)
        r = client.post(YOU, {"first_name": "G", "last_name": "H", "dob": "1906-12-09"})
        assert "No code is waiting" in r.content.decode()
        assert not KnownPatient.objects.exists()

    def test_two_first_sign_ins_at_once_record_one_identity(
        self, client, vsee_live, code_for, sso_calls, monkeypatch
    ):
        about_you = importlib.import_module("portal.patients.views.about_you")

        code_for("grace@example.com")
        # Another device, signing in with this email as someone else, records them
        # between this sign-in's look-up and its own record.
        code = patient_code("grace@example.com")
        remember_identity(code, Identity("Gracie", "Hopper", "1906-12-09"))
        looked_up = about_you.known_identity
        monkeypatch.setattr(about_you, "known_identity", lambda code: None)
        r = client.post(
            YOU, {"first_name": "Grace", "last_name": "Hopper", "dob": "1950-01-01"}
        )
        assert r["Location"] == YOU  # asked to confirm instead
        monkeypatch.setattr(about_you, "known_identity", looked_up)
        assert "Welcome back" in client.get(YOU).content.decode()
        assert sso_calls == []
        assert client.post(YOU, {"dob": "1906-12-09"}).status_code == 302
        assert sso_calls[0]["first_name"] == "Gracie"


class TestWrongBirthDates:
    @pytest.fixture(autouse=True)
    def demo(self, vsee_live, settings):
        link_demo_patients()
        settings.SIGN_IN_CODE_TRIES = 3

    def test_a_few_tries_then_a_pause_that_a_new_code_does_not_lift(
        self, client, code_for
    ):
        code_for("ada@example.com")
        r = client.post(YOU, {"dob": "2001-01-01"}, follow=True)
        assert "You can try 2 more times." in r.content.decode()
        r = client.post(YOU, {"dob": "2001-01-02"}, follow=True)
        assert "You can try 1 more time." in r.content.decode()
        r = client.post(YOU, {"dob": "2001-01-03"})
        assert r.status_code == 429
        assert "Please wait a few minutes" in r.content.decode()
        assert "No code is waiting" in client.get(YOU).content.decode()

        code_for("ada@example.com")
        r = client.post(YOU, {"dob": ADA["dob"]})  # even the right one, for now
        assert r.status_code == 429
        assert current_patient(client.session) is None
        assert sorted(failures()) == ["birth_date_tries"] * 2 + ["wrong_birth_date"] * 3

    def test_the_pause_ends_with_the_window(self, client, code_for, monkeypatch):
        import time

        for dob in ("2001-01-01", "2001-01-02", "2001-01-03"):
            code_for("ada@example.com")
            client.post(YOU, {"dob": dob})
        later = time.time() + 16 * 60
        monkeypatch.setattr("portal.patients.ratelimit._now", lambda: later)
        monkeypatch.setattr("portal.patients.codes.time.time", lambda: later)
        code_for("ada@example.com")
        assert client.post(YOU, {"dob": ADA["dob"]}).status_code == 302


class TestTheRecordAtRest:
    def test_it_holds_no_name_or_birth_date_readable(self, db):
        remember_identity("em-abc", Identity("Zyxfirst", "Zyxlast", "1911-11-11"))
        row = KnownPatient.objects.get()
        assert "em-abc" not in row.ref
        for needle in ("Zyxfirst", "Zyxlast", "1911"):
            assert needle not in row.sealed_identity and needle not in row.ref
        assert known_identity("em-abc").first_name == "Zyxfirst"
        assert "Zyxfirst" not in repr(known_identity("em-abc"))

    def test_the_key_rotates_without_losing_anyone(self, db, settings):
        settings.PATIENT_DATA_KEYS = ["old-key"]
        remember_identity("em-abc", Identity("Ada", "Lovelace", "1985-12-10"))
        before = KnownPatient.objects.get().sealed_identity
        settings.PATIENT_DATA_KEYS = ["new-key", "old-key"]
        out = StringIO()
        call_command("reseal_patients", stdout=out)
        assert "Re-encrypted 1 known patient record" in out.getvalue()
        assert KnownPatient.objects.get().sealed_identity != before
        settings.PATIENT_DATA_KEYS = ["new-key"]
        assert known_identity("em-abc").dob == "1985-12-10"

    def test_a_lost_key_stops_the_sign_in_instead_of_starting_afresh(
        self, client, vsee_live, code_for, settings, sso_calls
    ):
        remember_identity(
            patient_code("grace@example.com"), Identity("Grace", "H", "1906-12-09")
        )
        settings.PATIENT_DATA_KEYS = ["a-key-that-never-sealed-it"]
        code_for("grace@example.com")
        r = client.post(
            YOU, {"first_name": "Eve", "last_name": "H", "dob": "1990-01-01"}
        )
        assert r.status_code == 503
        assert "finish signing you in" in r.content.decode()
        assert sso_calls == [] and KnownPatient.objects.count() == 1
        assert failures() == ["identity_unreadable"]


def test_a_birth_date_is_compared_exactly(db):
    who = Identity("Ada", "Lovelace", "1985-12-10")
    assert who.born_on("1985-12-10") and not who.born_on("1985-12-01")
    assert who.same_person_as(Identity(" ada ", "LOVELACE", "1985-12-10"))
    assert not who.same_person_as(Identity("Ada", "Byron", "1985-12-10"))
    assert datetime.date.fromisoformat(who.dob)
