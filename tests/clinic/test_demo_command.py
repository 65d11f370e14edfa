from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.clinic.embedding import EmbeddingSettings
from portal.clinic.questions import IntakeQuestion
from portal.clinic.rooms import Room
from sandbox.models import SandboxRoom


def sign_in(client, password: str) -> bool:
    """Sign in through admin's own form, as a person would; True if it let them in."""
    r = client.post(
        "/admin/login/", {"username": "admin", "password": password, "next": "/admin/"}
    )
    return r.status_code == 302 and r["Location"] == "/admin/"


@pytest.mark.django_db
class TestDemoCommand:
    def _run(self, *args: str) -> str:
        out = StringIO()
        call_command("demo", *args, stdout=out)
        return out.getvalue()

    def test_the_clinic_website_it_names_may_embed_the_portal(self):
        assert "embedded: http://localhost:8001/" in self._run()
        assert "http://localhost:8001" in EmbeddingSettings.load().origins
        # Served on another port (scripts/run: DEMO_SITE_PORT), that one is named.
        assert "embedded: http://localhost:8011/" in self._run("--site-port", "8011")
        assert "http://localhost:8011" in EmbeddingSettings.load().origins

    def test_it_prints_an_admin_login_that_works(self, client):
        output = self._run()
        password = re.search(r"Password: (\S+)", output).group(1)
        assert sign_in(client, password)
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/sandbox/sandboxfault/").status_code == 200

    def test_it_can_run_twice_and_the_new_password_replaces_the_old(self, client):
        first = re.search(r"Password: (\S+)", self._run()).group(1)
        second = re.search(r"Password: (\S+)", self._run()).group(1)
        assert SandboxRoom.objects.filter(code="demo-room").count() == 1
        assert not sign_in(client, first)
        assert sign_in(client, second)

    def test_it_refuses_when_the_sandbox_is_off(self, settings):
        settings.VSEE_SANDBOX_ENABLED = False
        with pytest.raises(CommandError, match="sandbox"):
            self._run()

    def test_it_loads_the_demo_room_and_its_questions(self):
        self._run()
        room = Room.objects.get(code="demo-room")
        assert room.active and room.offers_walkin and room.allow_guests
        keys = set(IntakeQuestion.objects.values_list("key", flat=True))
        assert {"allergies", "insurance", "seen_before"} <= keys
        assert IntakeQuestion.objects.get(key="allergies").room is None  # shared

    def test_running_it_again_puts_the_demo_back_and_leaves_other_rooms_alone(self):
        self._run()
        Room.objects.filter(code="demo-room").update(display_name="Renamed")
        IntakeQuestion.objects.filter(key="insurance").update(active=False)
        Room.objects.create(code="derm-room", display_name="Dermatology")
        self._run()
        assert Room.objects.get(code="demo-room").display_name.startswith("Demo Clinic")
        assert IntakeQuestion.objects.get(key="insurance").active
        assert Room.objects.filter(code="derm-room").exists()
        assert IntakeQuestion.objects.filter(key="insurance").count() == 1
