from __future__ import annotations

import time

import pytest

from portal.sandbox.models import SandboxRoom


class TestLanding:
    def test_it_shows_the_room_and_its_visit_options(self, client, vsee_live):
        r = client.get("/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "Demo Clinic" in page
        assert "If this is an emergency, call 911." in page
        for title in ("See a doctor now", "Book a time", "Send a question"):
            assert title in page

    def test_it_follows_what_vsee_says_the_room_offers(self, client, vsee_live):
        SandboxRoom.objects.filter(code="demo-room").update(appointment_enabled=False)
        page = client.get("/").content.decode()
        assert "See a doctor now" in page
        assert "Book a time" not in page

    def test_it_explains_walk_ins_are_off_while_the_room_is_closed(
        self, client, vsee_live
    ):
        SandboxRoom.objects.filter(code="demo-room").update(is_closed=True)
        page = client.get("/").content.decode()
        assert "We are closed right now" in page
        assert 'data-option="walkin"' not in page
        assert "Not available while the clinic is closed." in page
        assert 'data-option="appointment"' in page

    def test_it_shows_a_plain_page_when_vsee_is_down(self, client, vsee_live, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}
        ]
        r = client.get("/")
        assert r.status_code == 503
        assert "reach the clinic right now" in r.content.decode()

    def test_it_gives_up_on_a_hanging_vsee_within_the_read_timeout(
        self, client, vsee_live, settings
    ):
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "force_timeout": True}]
        settings.SANDBOX_HANG_SECONDS = 0.8
        settings.VSEE_READ_TIMEOUT = 0.3
        r = client.get("/")
        assert r.status_code == 503
        assert "reach the clinic" in r.content.decode()
        # Let the sandbox's hung thread answer before the test database goes away.
        time.sleep(settings.SANDBOX_HANG_SECONDS)

    def test_it_says_online_visits_are_not_set_up_for_an_unknown_room(
        self, client, vsee_live, settings
    ):
        settings.VSEE_ROOM_CODE = "no-such-room"
        r = client.get("/")
        assert r.status_code == 503
        assert "not set up correctly" in r.content.decode()

    def test_it_never_puts_credentials_in_the_page(self, client, vsee_live, settings):
        page = client.get("/").content.decode()
        assert settings.VSEE_API_KEY not in page
        assert settings.VSEE_API_SECRET not in page

    def test_it_reads_the_room_from_the_cache_on_the_next_visit(
        self, client, vsee_live, settings
    ):
        assert client.get("/").status_code == 200
        # VSee now fails, but the room read a moment ago is still good.
        settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "error_rate": 1.0}]
        assert client.get("/").status_code == 200


@pytest.mark.django_db
class TestLandingAgainstAnotherServer:
    def test_it_talks_to_whatever_vsee_api_base_url_names(self, client, settings):
        import responses

        from tests.fixtures import load_fixture

        settings.VSEE_API_BASE_URL = "https://api-acme.vsee.example/api_v3"
        settings.VSEE_ROOM_CODE = "k7p2q"
        room = load_fixture("rooms_get__ok")
        with responses.RequestsMock() as rsps:
            rsps.get("https://api-acme.vsee.example/api_v3/rooms/k7p2q", json=room)
            page = client.get("/").content.decode()
        assert room["data"]["name"] in page
