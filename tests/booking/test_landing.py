from __future__ import annotations

import time

import pytest

from portal.clinic.rooms import Room
from sandbox.models import SandboxRoom


def _second_room(code: str = "derm-room", name: str = "Dermatology") -> Room:
    """A second VSee room in the sandbox, configured in the portal."""
    demo = SandboxRoom.objects.get(code="demo-room")
    demo.pk = None
    demo.code, demo.name = code, name
    demo.save()
    return Room.objects.create(
        code=code, display_name=name, position=1, consultation_ids=[]
    )


class TestOneRoom:
    def test_it_shows_the_room_and_its_visit_options(self, client, vsee_live):
        r = client.get("/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "Demo Clinic — online visits" in page
        assert "If this is an emergency, call 911." in page
        assert "Tell us what&#x27;s going on" in page
        for title in ("See a doctor now", "Book a time", "Send a question"):
            assert title in page

    def test_it_offers_only_what_the_clinic_switched_on(self, client, vsee_live):
        Room.objects.filter(code="demo-room").update(offers_econsult=False)
        page = client.get("/").content.decode()
        assert 'data-option="walkin"' in page
        assert "Send a question" not in page

    def test_admin_changes_reach_the_next_patient_without_a_restart(
        self, client, vsee_live
    ):
        client.get("/")
        # As admin saves it (a bulk update would not say so: portal/clinic/changes.py).
        room = Room.objects.get(code="demo-room")
        room.welcome_text, room.emergency_notice = "Flu shots are in.", "Call 999."
        room.save()
        page = client.get("/").content.decode()
        assert "Flu shots are in." in page
        assert "Call 999." in page

    def test_it_follows_what_vsee_says_the_room_offers(self, client, vsee_live):
        SandboxRoom.objects.filter(code="demo-room").update(appointment_enabled=False)
        page = client.get("/").content.decode()
        assert 'data-option="walkin"' in page
        assert 'data-option="appointment"' not in page
        assert "Book a time: No times can be booked online right now." in page

    def test_it_offers_no_booking_when_none_of_the_chosen_types_remain(
        self, client, vsee_live
    ):
        Room.objects.filter(code="demo-room").update(consultation_ids=["no-such"])
        page = client.get("/").content.decode()
        assert 'data-option="appointment"' not in page

    def test_it_shows_the_clinic_s_closed_message_and_no_walk_ins(
        self, client, vsee_live
    ):
        SandboxRoom.objects.filter(code="demo-room").update(is_closed=True)
        page = client.get("/").content.decode()
        assert "We&#x27;re closed right now." in page
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

    def test_it_says_online_visits_are_not_set_up_for_a_code_vsee_does_not_know(
        self, client, vsee_live
    ):
        Room.objects.filter(code="demo-room").update(code="no-such-room")
        r = client.get("/")
        assert r.status_code == 503
        assert "not set up correctly" in r.content.decode()

    def test_it_says_online_visits_are_not_set_up_when_no_room_is_active(
        self, client, vsee_live
    ):
        Room.objects.update(active=False)
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


class TestTheWayBackForReturningPatients:
    def test_someone_not_signed_in_is_offered_sign_in_and_their_visits(
        self, client, vsee_live
    ):
        page = client.get("/").content.decode()
        assert 'href="/sign-in/">Sign in</a>' in page
        assert 'href="/visits/">Your visits</a>' in page
        # "Your visits" leads through sign-in and back to the history.
        r = client.get("/visits/")
        assert r["Location"] == "/sign-in/?next=%2Fvisits%2F"

    def test_someone_signed_in_is_offered_their_visits(self, patient_client):
        page = patient_client.get("/").content.decode()
        assert 'href="/visits/">Your visits</a>' in page
        assert 'href="/sign-in/">Sign in</a>' not in page

    def test_several_rooms_offer_it_too(self, client, vsee_live):
        _second_room()
        page = client.get("/").content.decode()
        assert "What do you need help with?" in page
        assert 'href="/sign-in/">Sign in</a>' in page


class TestSeveralRooms:
    def test_the_patient_picks_a_room_first(self, client, vsee_live):
        _second_room()
        page = client.get("/").content.decode()
        assert "What do you need help with?" in page
        assert 'href="/rooms/demo-room/"' in page
        assert 'href="/rooms/derm-room/"' in page
        assert 'data-option="walkin"' not in page

    def test_each_room_has_its_own_page_with_a_way_back(self, client, vsee_live):
        _second_room()
        page = client.get("/rooms/derm-room/").content.decode()
        assert "<h1>Dermatology</h1>" in page
        assert 'href="/"' in page and "All services" in page

    def test_a_link_or_embed_can_name_the_room(self, client, vsee_live):
        _second_room()
        r = client.get("/?room=derm-room")
        assert r.status_code == 302
        assert r["Location"] == "/rooms/derm-room/"

    @pytest.mark.parametrize(
        "path",
        [
            "/rooms/no-such-room/",
            "/?room=../admin/",
            "/?room=" + "x" * 300,
        ],
    )
    def test_an_unknown_room_gets_a_page_listing_the_real_ones(
        self, client, vsee_live, path
    ):
        r = client.get(path, follow=True)
        assert r.status_code == 404
        page = r.content.decode()
        assert "We couldn't find that service" in page
        assert 'href="/rooms/demo-room/"' in page

    def test_an_inactive_room_is_not_offered(self, client, vsee_live):
        _second_room()
        Room.objects.filter(code="derm-room").update(active=False)
        assert client.get("/rooms/derm-room/").status_code == 404
        # With one room left, the patient goes straight to it.
        assert 'data-option="walkin"' in client.get("/").content.decode()


@pytest.mark.django_db
class TestLandingAgainstAnotherServer:
    def test_it_talks_to_whatever_vsee_api_base_url_names(self, client, settings):
        import responses

        from tests.fixtures import load_fixture

        settings.VSEE_API_BASE_URL = "https://api-acme.vsee.example/api_v3"
        Room.objects.create(code="k7p2q", display_name="Acme urgent care")
        room = load_fixture("rooms_get__ok")
        with responses.RequestsMock() as rsps:
            rsps.get("https://api-acme.vsee.example/api_v3/rooms/k7p2q", json=room)
            page = client.get("/").content.decode()
        assert "Acme urgent care" in page
        assert room["data"]["name"] in page  # the clinic name in the header
