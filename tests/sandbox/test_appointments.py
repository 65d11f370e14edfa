"""Booking and changing appointments (sandbox/views/visits.py: create, update, close, delete)."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxRoom, SandboxVisit
from tests.sandbox.conftest import API, DAY, HOUR, NOW

TOMORROW_14 = NOW + DAY  # Dr. Lee only
TOMORROW_17 = NOW + DAY + 3 * HOUR  # Dr. Ortiz and Dr. Shah


def update(api, token, visit_id, body, version="2"):
    return api.client.post(
        f"{API}/visits/{visit_id}?version={version}",
        body,
        content_type="application/json",
        headers=api.headers(token),
    )


class TestVisitsCreate:
    def test_it_books_a_free_slot_with_the_first_free_provider(
        self, api, ada_token, book, seeded
    ):
        response = book(ada_token, TOMORROW_17)
        assert response.status_code == 200, response.content
        visit = response.json()["data"]
        assert (visit["type"], visit["status"], visit["subtype"], visit["subType"]) == (
            2,
            20,
            3,
            3,
        )
        assert (visit["start"], visit["end"]) == (TOMORROW_17, TOMORROW_17 + 900)
        assert str(visit["provider_id"]) == seeded["provider_ids"][1], (
            "Dr. Ortiz has the lower id"
        )

    def test_it_books_the_provider_asked_for(self, api, ada_token, book, seeded):
        shah = seeded["provider_ids"][2]
        visit = book(ada_token, TOMORROW_17, provider_id=shah).json()["data"]
        assert visit["provider"]["id"] == shah

    def test_it_refuses_the_same_slot_twice(
        self, api, ada_token, ben_token, book, seeded
    ):
        lee = seeded["provider_ids"][0]
        assert book(ada_token, TOMORROW_14, provider_id=lee).status_code == 200
        second = book(ben_token, TOMORROW_14, provider_id=lee)
        assert second.status_code == 400
        assert second.json() == {
            "code": 400,
            "message": "The selected slot is no longer available",
        }
        assert SandboxVisit.objects.filter(type=2).count() == 2  # with Ada's past visit

    def test_it_gives_the_second_booking_the_other_free_provider(
        self, api, ada_token, ben_token, book
    ):
        first = book(ada_token, TOMORROW_17).json()["data"]
        second = book(ben_token, TOMORROW_17).json()["data"]
        assert first["provider_id"] != second["provider_id"]
        assert book(ada_token, TOMORROW_17).status_code == 400, (
            "both providers are taken"
        )

    def test_it_refuses_an_overlapping_slot(self, api, ada_token, book, seeded):
        lee = seeded["provider_ids"][0]
        book(ada_token, TOMORROW_14, minutes=30, provider_id=lee)
        assert book(ada_token, TOMORROW_14 + 900, provider_id=lee).status_code == 400

    def test_it_refuses_a_time_outside_every_block(self, api, ada_token, book):
        assert book(ada_token, NOW + DAY - 3 * HOUR).status_code == 400  # 11:00 UTC

    def test_it_refuses_a_slot_in_the_past(self, api, ada_token, book):
        response = book(ada_token, NOW - HOUR)
        assert response.status_code == 400
        assert response.json()["message"] == "The selected slot is in the past"

    def test_it_takes_slot_times_as_numeric_strings(self, api, ada_token, make_intake):
        body = {
            "type": "2",
            "room_code": "demo-room",
            "intake_id": make_intake(ada_token),
            "slot_start": str(TOMORROW_14),
            "slot_end": str(TOMORROW_14 + 900),
        }
        assert (
            api.post("/visits", body, token=ada_token, encoding="form").status_code
            == 200
        )

    def test_it_takes_slot_times_as_whole_floats_in_json(self, api, ada_token, book):
        assert (
            book(
                ada_token, float(TOMORROW_14), slot_end=TOMORROW_14 + 900.0
            ).status_code
            == 200
        )

    @pytest.mark.parametrize("kind", [1, 3, None])
    def test_it_needs_type_2(self, api, ada_token, book, kind):
        assert book(ada_token, TOMORROW_14, type=kind).status_code == 400

    def test_it_refuses_a_room_without_appointments(self, api, ada_token, book):
        SandboxRoom.objects.filter(code="demo-room").update(appointment_enabled=False)
        assert book(ada_token, TOMORROW_14).status_code == 400

    def test_it_refuses_another_patients_intake(
        self, api, ada_token, ben_token, make_intake
    ):
        body = {
            "type": 2,
            "room_code": "demo-room",
            "intake_id": make_intake(ada_token),
            "slot_start": TOMORROW_14,
            "slot_end": TOMORROW_14 + 900,
        }
        assert api.post("/visits", body, token=ben_token).status_code == 404


class TestVisitsUpdate:
    def test_it_moves_an_appointment_to_a_free_slot(self, api, ada_token, book, seeded):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        body = {"slot_start": TOMORROW_14 + 1800, "slot_end": TOMORROW_14 + 2700}
        moved = update(api, ada_token, visit["id"], body).json()["data"]
        assert (moved["start"], moved["end"]) == (
            TOMORROW_14 + 1800,
            TOMORROW_14 + 2700,
        )
        assert moved["provider_id"] == visit["provider_id"]

    def test_it_moves_to_another_provider_when_the_time_is_only_theirs(
        self, api, ada_token, book, seeded
    ):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        moved = update(
            api,
            ada_token,
            visit["id"],
            {"slot_start": TOMORROW_17, "slot_end": TOMORROW_17 + 900},
        )
        assert str(moved.json()["data"]["provider_id"]) == seeded["provider_ids"][1]

    def test_it_may_keep_the_visit_s_own_time(self, api, ada_token, book):
        visit = book(ada_token, TOMORROW_14, minutes=30).json()["data"]
        body = {"slot_start": TOMORROW_14 + 900, "slot_end": TOMORROW_14 + 2700}
        assert update(api, ada_token, visit["id"], body).status_code == 200

    def test_it_refuses_a_slot_taken_by_someone_else(
        self, api, ada_token, ben_token, book, seeded
    ):
        lee = seeded["provider_ids"][0]
        book(ben_token, TOMORROW_14 + 1800, provider_id=lee)
        visit = book(ada_token, TOMORROW_14, provider_id=lee).json()["data"]
        body = {
            "slot_start": TOMORROW_14 + 1800,
            "slot_end": TOMORROW_14 + 2700,
            "provider_id": lee,
        }
        response = update(api, ada_token, visit["id"], body)
        assert response.status_code == 400
        assert response.json()["message"] == "The selected slot is no longer available"

    def test_it_removes_the_provider_with_provider_id_0(self, api, ada_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        removed = update(api, ada_token, visit["id"], {"provider_id": "0"}).json()[
            "data"
        ]
        assert removed["provider_id"] == 0 and removed["provider"] == []

    def test_it_needs_version_2(self, api, ada_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        response = update(
            api, ada_token, visit["id"], {"provider_id": "0"}, version="1"
        )
        assert response.status_code == 400
        assert response.json()["message"] == "Unsupported version"

    def test_it_refuses_a_cancelled_or_completed_visit(
        self, api, ada_token, book, seeded
    ):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        api.post(
            "/visits/close",
            {"id": visit["id"], "reason": "patient_cancel_appointment"},
            token=ada_token,
        )
        body = {"slot_start": TOMORROW_14 + 900, "slot_end": TOMORROW_14 + 1800}
        assert update(api, ada_token, visit["id"], body).status_code == 400
        assert update(api, ada_token, seeded["past_visit_id"], body).status_code == 400

    def test_it_refuses_another_patients_visit(self, api, ada_token, ben_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        assert (
            update(api, ben_token, visit["id"], {"provider_id": "0"}).status_code == 404
        )


class TestVisitsClose:
    def test_it_cancels_with_a_known_reason(self, api, ada_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        body = {"id": visit["id"], "reason": "patient_cancel_appointment"}
        response = api.post("/visits/close", body, token=ada_token)
        assert response.json() == {"data": {"id": visit["id"]}}
        closed = SandboxVisit.objects.get(pk=visit["id"])
        assert (closed.status, closed.close_reason) == (
            40,
            "patient_cancel_appointment",
        )

    def test_it_refuses_an_unknown_reason(self, api, ada_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        response = api.post(
            "/visits/close", {"id": visit["id"], "reason": "bored"}, token=ada_token
        )
        assert response.status_code == 400

    def test_it_refuses_a_visit_already_closed_or_completed(
        self, api, ada_token, book, seeded
    ):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        body = {"id": visit["id"], "reason": "patient_exit_room"}
        api.post("/visits/close", body, token=ada_token)
        assert api.post("/visits/close", body, token=ada_token).status_code == 400
        body["id"] = seeded["past_visit_id"]
        assert api.post("/visits/close", body, token=ada_token).status_code == 400

    def test_it_refuses_another_patients_visit(self, api, ada_token, ben_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        body = {"id": visit["id"], "reason": "patient_exit_room"}
        assert api.post("/visits/close", body, token=ben_token).status_code == 404


class TestVisitsDelete:
    def test_it_force_cancels_a_visit(self, api, ada_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        response = api.post(
            "/visits/delete", {"id": visit["id"]}, token=ada_token, encoding="multipart"
        )
        assert response.json() == {"data": True}
        assert SandboxVisit.objects.get(pk=visit["id"]).status == 40

    def test_it_keeps_a_completed_visit(self, api, ada_token, seeded):
        response = api.post(
            "/visits/delete", {"id": seeded["past_visit_id"]}, token=ada_token
        )
        assert response.status_code == 400
        assert SandboxVisit.objects.get(pk=seeded["past_visit_id"]).status == 30

    def test_it_refuses_another_patients_visit(self, api, ada_token, ben_token, book):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        assert (
            api.post("/visits/delete", {"id": visit["id"]}, token=ben_token).status_code
            == 404
        )
