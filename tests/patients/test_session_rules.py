from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.vsee.service import current_patient
from sandbox.models import SandboxToken
from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA, BEN, sign_in_by_email

WALKIN = "/rooms/demo-room/walkin/"


def sign_in(client, mailoutbox, person: dict) -> None:
    sign_in_by_email(client, mailoutbox, person)


class TestATokenVSeeNoLongerTakes:
    def test_the_patient_signs_in_again_and_finds_the_step_and_answers_intact(
        self, patient_client, mailoutbox
    ):
        client = patient_client
        assert client.post(WALKIN, ANSWERS).status_code == 302
        SandboxToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

        r = client.post(WALKIN, {**ANSWERS, "custom_allergies": "Latex"})
        assert r.status_code == 302
        assert (
            r["Location"] == "/sign-in/?next=%2Frooms%2Fdemo-room%2Fwalkin%2F&expired=1"
        )
        page = client.get(r["Location"]).content.decode()
        assert "please sign in again. What you had typed is kept." in page
        assert current_patient(client.session) is None

        sign_in(client, mailoutbox, ADA)
        page = client.get(WALKIN).content.decode()
        assert "Latex" in page  # typed just before VSee refused the old token
        assert "Sore throat for three days" in page

    def test_someone_else_signing_in_on_the_same_browser_sees_nothing_of_it(
        self, patient_client, mailoutbox
    ):
        client = patient_client
        client.post(WALKIN, ANSWERS)
        SandboxToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        client.post(WALKIN, ANSWERS)  # VSee refuses; sign-in is asked for

        sign_in(client, mailoutbox, BEN)
        page = client.get(WALKIN).content.decode()
        assert "Sore throat" not in page
        assert client.session["booking.draft"]["answers"] == {}
