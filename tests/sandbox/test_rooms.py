"""GET /rooms/:code (sandbox/views/rooms.py: get)."""

from __future__ import annotations

from django.conf import settings

from sandbox.models import SandboxRoom, SandboxUser


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


class TestRoomsProviders:
    def test_it_names_the_room_s_providers_in_vsee_s_shape(self, api, seeded):
        response = api.get("/rooms/demo-room/providers")  # public: account code only
        assert response.status_code == 200
        providers = response.json()["data"]
        assert [p["id"] for p in providers] == seeded["provider_ids"]
        assert [(p["first_name"], p["last_name"]) for p in providers] == [
            ("Mina", "Lee"),
            ("Sam", "Ortiz"),
            ("Priya", "Shah"),
        ]
        lee = providers[0]
        assert (lee["title"], lee["suffix"]) == ("Dr.", "MD")
        assert (lee["code"], lee["subtype"]) == ("demo-dr-lee", "482")
        # beyond-the-seed §4: `false` placeholders, not strings.
        assert lee["status"] is False and lee["short_bio"] is False
        assert lee["photo"] is None
        assert lee["vseeid"] == f"{settings.SANDBOX_ACCOUNT_CODE}+{lee['username']}"

    def test_it_answers_with_and_without_json_suffix(self, api, seeded):
        assert api.get("/rooms/demo-room/providers.json").status_code == 200
        assert api.get("/rooms/demo-room/providers/").status_code == 200

    def test_it_lists_only_providers_attached_to_the_room(self, api, seeded):
        outsider = SandboxUser.objects.create(
            type=SandboxUser.PROVIDER, first_name="Ida", last_name="Outside"
        )
        SandboxRoom.objects.create(code="other-room", name="Other").providers.add(
            outsider
        )
        room = SandboxRoom.objects.get(code="demo-room")
        room.providers.remove(SandboxUser.objects.get(code="demo-dr-ortiz"))

        names = [
            p["last_name"] for p in api.get("/rooms/demo-room/providers").json()["data"]
        ]
        assert names == ["Lee", "Shah"]
        other = api.get("/rooms/other-room/providers").json()["data"]
        assert [p["last_name"] for p in other] == ["Outside"]

    def test_a_room_without_providers_has_an_empty_list(self, api, seeded):
        SandboxRoom.objects.create(code="empty-room", name="Empty")
        response = api.get("/rooms/empty-room/providers")
        assert response.status_code == 200
        assert response.json() == {"data": []}

    def test_it_says_room_not_found(self, api, seeded):
        response = api.get("/rooms/nope/providers")
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Room not found"}

    def test_it_needs_the_account_code(self, client, seeded):
        response = client.get("/sandbox/api_v3/rooms/demo-room/providers")
        assert response.status_code == 403
