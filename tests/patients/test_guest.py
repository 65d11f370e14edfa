from __future__ import annotations

import pytest

from portal.clinic.models import AuditEvent
from portal.clinic.rooms import Room
from portal.vsee.service import current_patient
from sandbox.models import SandboxUser, SandboxVisit
from tests.booking.test_intake import ANSWERS
from tests.conftest import made_visit_id

GUEST = {"first_name": "Grace", "last_name": "Hopper", "dob": "1906-12-09"}
WALKIN = "/rooms/demo-room/walkin/"


class TestGuestWalkIn:
    def test_the_sign_in_page_offers_it_where_the_room_allows_it(
        self, client, vsee_live
    ):
        page = client.get(f"/sign-in/?next={WALKIN}").content.decode()
        assert "Continue as a guest" in page
        Room.objects.filter(code="demo-room").update(allow_guests=False)
        page = client.get(f"/sign-in/?next={WALKIN}").content.decode()
        assert "Continue as a guest" not in page

    def test_it_is_not_offered_for_booking_a_time(self, client, vsee_live):
        page = client.get(
            "/sign-in/?next=/rooms/demo-room/appointment/"
        ).content.decode()
        assert "Continue as a guest" not in page
        r = client.get("/sign-in/guest/?next=/rooms/demo-room/appointment/")
        assert r.status_code == 403
        assert "Sign in with email" in r.content.decode()

    def test_a_guest_gets_a_vsee_guest_token_and_goes_on_to_the_intake(
        self, client, vsee_live
    ):
        r = client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
        assert r.status_code == 302 and r["Location"] == WALKIN
        patient = current_patient(client.session)
        assert patient.is_guest
        user = SandboxUser.objects.get(pk=patient.member_id)
        assert user.type == SandboxUser.GUEST and user.first_name == "Grace"
        assert client.get(WALKIN).status_code == 200
        assert AuditEvent.objects.filter(action="signed_in", detail="type=600").exists()

    def test_a_guest_cannot_go_on_to_book_a_time(self, client, vsee_live):
        client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
        r = client.get("/rooms/demo-room/appointment/", follow=True)
        assert r.redirect_chain[-1][0].startswith("/sign-in/?next=")
        r = client.get("/rooms/demo-room/appointment/time/")
        assert r.status_code == 302 and r["Location"].startswith("/sign-in/?next=")

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("first_name", "", "Enter your first name."),
            ("dob", "not a date", "as a real date"),
        ],
    )
    def test_bad_details_are_explained(self, client, vsee_live, field, value, message):
        r = client.post(
            "/sign-in/guest/", {**GUEST, field: value, "next": WALKIN}, follow=True
        )
        # Said by the GET the post redirects to, which still knows where they were going.
        [(url, status)] = r.redirect_chain
        assert status == 302 and url.startswith("/sign-in/guest/?next=")
        page = r.content.decode()
        assert message in page and f'value="{WALKIN}"' in page
        assert current_patient(client.session) is None

    def test_vsee_down_says_so_and_keeps_the_details(self, client, vsee_live, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "users.sso", "error_rate": 1.0, "error_status": 503}
        ]
        r = client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
        assert r.status_code == 503
        assert 'value="Hopper"' in r.content.decode()


class TestGuestVisit:
    def test_a_guest_goes_from_the_intake_to_the_waiting_room(self, client, vsee_live):
        client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
        assert client.post(WALKIN, ANSWERS)["Location"].endswith("/files/")
        r = client.post("/rooms/demo-room/walkin/review/")
        visit_id = made_visit_id(r["Location"])
        visit = SandboxVisit.objects.get(pk=visit_id)
        assert visit.member.type == 600 and visit.type == SandboxVisit.WALKIN
        page = client.get(f"/booked/{visit_id}/").content.decode()
        assert "You're checked in" in page
        join = client.get(f"/visits/{visit_id}/join/")
        assert "sso_token=" in join["Location"]
