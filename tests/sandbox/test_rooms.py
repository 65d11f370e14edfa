"""GET /rooms/:code (portal/sandbox/views/rooms.py: get)."""

from __future__ import annotations

from django.conf import settings

from portal.sandbox.models import SandboxRoom


class TestRoomsGet:
    def test_it_returns_the_room_in_vsee_s_shape(self, api, seeded):
        response = api.get("/rooms/demo-room")  # public: the account code is enough
        assert response.status_code == 200
        room = response.json()["data"]
        assert room["id"].isdigit()
        assert (room["code"], room["name"]) == ("demo-room", "Demo Clinic")
        assert room["subtitle"] == "If this is an emergency, call 911."
        assert room["account_code"] == settings.SANDBOX_ACCOUNT_CODE
        assert room["provider_ids"] == seeded["provider_ids"]
        assert room["users"] == ",".join(seeded["provider_ids"])
        assert room["visits"] == {
            "walkin": {"enabled": True},
            "appointment": {"enabled": True},
        }
        assert room["auth"] == {"guest": {"type": 600, "log_in": {"enabled": True}}}
        assert room["operation_settings"] == {
            "is_closed": False,
            "close_msg": "We are closed right now. Please come back during opening hours.",
            "default_timezone": "America/New_York",
        }
        assert room["specialties"] == []
        assert isinstance(room["created"], int)

    def test_it_lists_the_consultations(self, api, seeded):
        consultations = api.get("/rooms/demo-room").json()["data"]["payment"][
            "consultations"
        ]
        assert [c["id"] for c in consultations] == seeded["consultation_ids"]
        quick, standard = consultations
        assert (quick["description"], quick["duration"], quick["amount"]) == (
            "Quick video visit",
            15,
            0,
        )
        assert (standard["duration"], standard["amount"], standard["currency"]) == (
            30,
            25,
            "USD",
        )
        assert set(standard) == {
            "id",
            "description",
            "duration",
            "amount",
            "currency",
            "group",
            "charge",
            "slots",
            "visible_to_patient",
        }

    def test_it_shows_a_closed_room(self, api, seeded):
        SandboxRoom.objects.filter(code="demo-room").update(is_closed=True)
        room = api.get("/rooms/demo-room").json()["data"]
        assert room["operation_settings"]["is_closed"] is True

    def test_it_says_room_not_found(self, api, seeded):
        response = api.get("/rooms/nope")
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Room not found"}
