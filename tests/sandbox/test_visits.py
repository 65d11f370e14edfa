"""Walk-ins, e-consults and reading visits (sandbox/views/visits.py)."""

from __future__ import annotations

import re

from django.conf import settings

from sandbox.models import SandboxRoom, SandboxVisit
from tests.sandbox.conftest import DAY, NOW


def walk_in(api, token, intake_id, room_code="demo-room"):
    return api.post(
        "/visits/add_walkin",
        {"intake_id": intake_id, "room_code": room_code},
        token=token,
    )


class TestAddWalkin:
    def test_it_queues_a_walk_in_without_a_provider(self, api, ada_token, make_intake):
        intake_id = make_intake(ada_token, type=1, reason_for_visit="Rash")
        response = walk_in(api, ada_token, intake_id)
        assert response.status_code == 200, response.content
        visit = response.json()["data"]
        assert int(visit["id"]) >= 1000
        assert (visit["type"], visit["status"], visit["start"], visit["end"]) == (
            1,
            10,
            NOW,
            NOW + 900,
        )
        assert visit["provider_id"] == 0 and visit["provider"] == []
        assert visit["intake"]["reason_for_visit"] == "Rash"
        assert visit["intake"]["visit_id"] == visit["id"]
        assert re.fullmatch(r"[0-9a-f]{32}", visit["code"])

    def test_it_refuses_a_closed_room_with_its_message(
        self, api, ada_token, make_intake
    ):
        intake_id = make_intake(ada_token)
        SandboxRoom.objects.filter(code="demo-room").update(is_closed=True)
        response = walk_in(api, ada_token, intake_id)
        assert response.status_code == 400
        assert (
            response.json()["message"]
            == "We are closed right now. Please come back during opening hours."
        )

    def test_it_refuses_a_room_without_walk_ins(self, api, ada_token, make_intake):
        intake_id = make_intake(ada_token)
        SandboxRoom.objects.filter(code="demo-room").update(walkin_enabled=False)
        response = walk_in(api, ada_token, intake_id)
        assert response.status_code == 400
        assert (
            response.json()["message"] == "Walk-in visits are not enabled in this room"
        )

    def test_it_refuses_another_patients_intake(
        self, api, ada_token, ben_token, make_intake
    ):
        assert walk_in(api, ben_token, make_intake(ada_token)).status_code == 404

    def test_it_needs_a_room(self, api, ada_token, make_intake):
        response = api.post(
            "/visits/add_walkin", {"intake_id": make_intake(ada_token)}, token=ada_token
        )
        assert response.status_code == 400


class TestAddEconsult:
    def test_it_creates_an_e_consult_like_the_seed_sample(
        self, api, ada_token, make_intake
    ):
        body = {"intake_id": make_intake(ada_token, type=3), "room_code": "demo-room"}
        visit = api.post("/visits/add_econsult", body, token=ada_token).json()["data"]
        assert (
            visit["type"],
            visit["status"],
            visit["provider_id"],
            visit["subtype"],
        ) == (3, 20, 0, 4)
        assert visit["expiry"] == NOW + 4 * 3600
        assert "subType" not in visit


class TestVisitsGet:
    def test_it_returns_the_detail_with_numbers_as_ints(self, api, ada_token, seeded):
        visit = api.get(f"/visits/{seeded['past_visit_id']}", token=ada_token).json()[
            "data"
        ]
        assert visit["id"] == seeded["past_visit_id"]
        for key in (
            "member_id",
            "provider_id",
            "start",
            "end",
            "type",
            "status",
            "room_id",
            "created",
        ):
            assert isinstance(visit[key], int), key
        # The walk-in Ada's appointment started: it links back to the appointment, which
        # links to it and shows how it went (seed §GET /visits/:id `related_walkin`).
        assert (visit["type"], visit["status"]) == (1, 30)
        appointment_id = visit["related_appointment_id"]
        appointment = api.get(f"/visits/{appointment_id}", token=ada_token).json()[
            "data"
        ]
        assert (appointment["type"], appointment["status"]) == (2, 20)
        assert (appointment["subtype"], appointment["subType"]) == (3, 3)
        assert appointment["end"] - appointment["start"] == 1800
        assert appointment["related_walkin_id"] == visit["id"]
        assert appointment["related_walkin"] == {
            "start": visit["start"],
            "end": visit["end"],
            "status": 30,
            "id": visit["id"],
        }
        assert visit["account_code"] == settings.SANDBOX_ACCOUNT_CODE
        assert visit["room"] == {
            "id": str(visit["room_id"]),
            "code": "demo-room",
            "name": "Demo Clinic",
        }
        assert (
            visit["provider"]["full_name"] == "Mina Lee"
            and visit["provider"]["subtype"] == "482"
        )
        assert visit["provider"]["timezone"] == "America/New_York"
        assert (
            visit["member"]["code"] == "demo-ada"
            and visit["member"]["dob"] == "1985-12-10"
        )
        assert visit["intake"]["reason_for_visit"] == "Sore throat and fever"
        assert visit["intake"]["type"] == "2"

    def test_it_includes_the_notes_and_prescriptions(self, api, ada_token, seeded):
        visit = api.get(f"/visits/{seeded['past_visit_id']}", token=ada_token).json()[
            "data"
        ]
        notes = visit["postvisit"]
        assert notes["draft"] is False
        assert notes["diagnosis"] == "Acute pharyngitis (J02.9)"
        assert notes["patient_instructions"].startswith("<p>Rest, fluids, ")
        assert notes["assessment_plan"].startswith("<p>")
        (prescription,) = visit["prescriptions"]
        assert {"Drug", "Directions", "Qty", "Refills", "PrescriberName"} <= set(
            prescription
        )

    def test_it_sends_a_bare_postvisit_without_notes(self, api, ada_token, make_intake):
        visit = walk_in(api, ada_token, make_intake(ada_token)).json()["data"]
        assert set(visit["postvisit"]) == {
            "visit_id",
            "member_id",
            "created",
            "modified",
        }
        assert visit["prescriptions"] == []

    def test_it_hides_another_patients_visit(self, api, ben_token, seeded):
        response = api.get(f"/visits/{seeded['past_visit_id']}", token=ben_token)
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Not found"}


class TestVisitsList:
    def test_it_lists_the_patients_visits_newest_first_with_strings(
        self, api, ada_token, book, seeded
    ):
        booked = book(ada_token, NOW + DAY).json()["data"]
        items = api.get("/visits", token=ada_token).json()["data"]
        past = seeded["past_visit_id"]
        started = str(SandboxVisit.objects.get(pk=past).related_appointment_id)
        assert [v["id"] for v in items] == [booked["id"], past, started]
        for key in (
            "id",
            "member_id",
            "provider_id",
            "start",
            "end",
            "type",
            "status",
            "subtype",
        ):
            assert isinstance(items[0][key], str), key
        assert items[0]["start"] == str(NOW + DAY)
        assert items[1]["postvisit"]["diagnosis"] == "Acute pharyngitis (J02.9)"
        assert items[0]["provider"]["id"] == items[0]["provider_id"]

    def test_it_shows_no_other_patients_visits(self, api, ben_token, seeded):
        listed = api.get("/visits", token=ben_token).json()["data"]
        assert [v["id"] for v in listed] == [seeded["visit_without_intake_id"]]


class TestVisitsCurrent:
    def test_it_returns_null_without_a_visit_in_progress(self, api, ada_token):
        assert api.get("/visits/current", token=ada_token).json() == {"data": None}

    def test_it_returns_the_waiting_walk_in(self, api, ada_token, make_intake):
        visit = walk_in(api, ada_token, make_intake(ada_token)).json()["data"]
        current = api.get("/visits/current.json", token=ada_token).json()["data"]
        assert current["id"] == visit["id"] and current["status"] == 10

    def test_it_returns_an_in_progress_visit_and_not_a_closed_one(
        self, api, ada_token, make_intake
    ):
        visit = walk_in(api, ada_token, make_intake(ada_token)).json()["data"]
        SandboxVisit.objects.filter(pk=visit["id"]).update(
            status=SandboxVisit.IN_PROGRESS
        )
        assert (
            api.get("/visits/current", token=ada_token).json()["data"]["status"] == 25
        )
        SandboxVisit.objects.filter(pk=visit["id"]).update(
            status=SandboxVisit.CANCELLED
        )
        assert api.get("/visits/current", token=ada_token).json()["data"] is None
