"""The stand-in for VSee's patient web page (sandbox/views/clinic.py: auth)."""

from __future__ import annotations

from sandbox.models import SandboxVisit
from tests.sandbox.conftest import DAY, NOW


class TestClinicAuth:
    def test_it_shows_the_waiting_room_for_the_patient_s_visit(
        self, client, ada_token, book
    ):
        visit = book(ada_token, NOW + DAY).json()["data"]
        response = client.get(
            "/sandbox/clinic/auth",
            {"sso_token": ada_token, "next": f"/visits/start/{visit['id']}"},
        )
        assert response.status_code == 200
        assert b"VSee waiting room (sandbox)" in response.content
        # Starting an appointment opens the walk-in its call happens in, as VSee does.
        walkin = SandboxVisit.objects.get(related_appointment_id=visit["id"])
        assert walkin.type == SandboxVisit.WALKIN
        assert walkin.status == SandboxVisit.PENDING
        assert f"Visit {walkin.pk}: waiting for your provider".encode() in (
            response.content
        )
        appointment = SandboxVisit.objects.get(pk=visit["id"])
        assert appointment.status == SandboxVisit.CONFIRMED  # unchanged
        assert ada_token.encode() not in response.content
        assert response["Referrer-Policy"] == "no-referrer"

    def test_it_shows_the_dashboard_for_other_targets(self, client, ada_token):
        response = client.get(
            "/sandbox/clinic/auth", {"sso_token": ada_token, "next": "/u/clinic"}
        )
        assert response.status_code == 200
        assert b"waiting for your provider" not in response.content

    def test_it_does_not_show_another_patients_visit(self, client, ben_token, seeded):
        response = client.get(
            "/sandbox/clinic/auth",
            {
                "sso_token": ben_token,
                "next": f"/visits/start/{seeded['past_visit_id']}",
            },
        )
        assert b"waiting for your provider" not in response.content

    def test_it_says_the_link_has_expired_for_a_bad_token(self, client, seeded):
        response = client.get(
            "/sandbox/clinic/auth", {"sso_token": "f" * 32, "next": "/u/clinic"}
        )
        assert response.status_code == 401
        assert b"This link has expired" in response.content
        assert b"f" * 32 not in response.content
