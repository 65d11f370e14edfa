"""GET /availability (sandbox/views/availability.py: get).

The pinned clock (conftest.FIXED_NOW) is 14:00 UTC. Every day Dr. Lee offers 13:00–16:00 UTC,
Dr. Ortiz 16:00–20:00 and Dr. Shah 17:00–21:00.
"""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import DAY, HOUR, NOW

TOMORROW_14 = NOW + DAY


def slots(api, token, **params):
    response = api.get("/availability", params, token=token)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def starts(data):
    return [s["slot_start"] for s in data["slots"]]


def providers(data):
    return [data["slot_data"][s["slot_id"]]["provider_id"] for s in data["slots"]]


class TestAvailabilityWindow:
    def test_it_defaults_to_four_days_from_the_first_free_slot(self, api, ada_token):
        data = slots(api, ada_token, room_code="demo-room")
        assert data["slots"][0]["slot_start"] == NOW, "13:00–13:45 are already past"
        assert max(s["slot_end"] for s in data["slots"]) == NOW + 4 * DAY
        assert starts(data) == sorted(starts(data))

    def test_it_honours_start_and_end(self, api, ada_token):
        data = slots(
            api,
            ada_token,
            room_code="demo-room",
            start=TOMORROW_14,
            end=TOMORROW_14 + 2 * HOUR,
        )
        assert starts(data) == [TOMORROW_14 + i * 900 for i in range(8)]
        assert all(s["slot_end"] - s["slot_start"] == 900 for s in data["slots"])

    def test_it_spans_four_days_from_start_alone(self, api, ada_token):
        data = slots(api, ada_token, room_code="demo-room", start=TOMORROW_14)
        assert min(starts(data)) == TOMORROW_14
        assert max(s["slot_end"] for s in data["slots"]) == TOMORROW_14 + 4 * DAY

    def test_it_spans_four_days_back_from_end_alone_without_past_slots(
        self, api, ada_token
    ):
        data = slots(api, ada_token, room_code="demo-room", end=NOW + 2 * DAY)
        assert min(starts(data)) == NOW
        assert max(s["slot_end"] for s in data["slots"]) <= NOW + 2 * DAY

    def test_it_uses_duration_seconds_after_start(self, api, ada_token):
        data = slots(
            api, ada_token, room_code="demo-room", start=TOMORROW_14, duration=1800
        )
        assert starts(data) == [TOMORROW_14, TOMORROW_14 + 900]

    def test_it_uses_duration_from_the_first_free_slot(self, api, ada_token):
        data = slots(api, ada_token, room_code="demo-room", duration=HOUR)
        assert starts(data) == [NOW + i * 900 for i in range(4)]

    def test_it_jumps_to_the_nearest_free_slot(self, api, ada_token):
        evening = NOW + 8 * HOUR  # 22:00 UTC, after every block of the day
        data = slots(
            api,
            ada_token,
            room_code="demo-room",
            start=evening,
            duration=HOUR,
            nearest=1,
        )
        assert starts(data) == [NOW + DAY - HOUR + i * 900 for i in range(4)], (
            "tomorrow 13:00"
        )

    def test_it_refuses_an_end_before_the_start(self, api, ada_token):
        response = api.get(
            "/availability",
            {"room_code": "demo-room", "start": NOW, "end": NOW - 1},
            token=ada_token,
        )
        assert response.status_code == 400

    @pytest.mark.parametrize("start", ["soon", 10**15, -5])
    def test_it_refuses_a_start_that_is_not_a_timestamp(self, api, ada_token, start):
        response = api.get(
            "/availability", {"room_code": "demo-room", "start": start}, token=ada_token
        )
        assert response.status_code == 400


class TestAvailabilitySlots:
    def test_it_answers_in_the_seed_s_first_shape(self, api, ada_token, seeded):
        data = slots(
            api,
            ada_token,
            room_code="demo-room",
            start=TOMORROW_14,
            end=TOMORROW_14 + 1800,
        )
        first, second = data["slots"]
        assert set(first) == {
            "slot_id",
            "slot_start",
            "slot_end",
            "slot_booked",
            "slot_available",
            "group_id",
        }
        assert first["slot_booked"] == 0
        assert (first["slot_available"], second["slot_available"]) == (1, "1")
        block = data["slot_data"][first["slot_id"]]
        assert block["provider_id"] == seeded["provider_ids"][0]
        assert block["status"] == "10"
        assert block["group_id"] == first["group_id"]
        assert (
            isinstance(block["start"], str)
            and int(block["start"]) == TOMORROW_14 - HOUR
        )
        assert block["consultation"] == {"duration": 15, "slots": 1}

    def test_it_cuts_slots_at_the_consultation_s_length(self, api, ada_token, seeded):
        standard = seeded["consultation_ids"][1]
        data = slots(
            api,
            ada_token,
            room_code="demo-room",
            consultation_id=standard,
            start=TOMORROW_14,
            end=TOMORROW_14 + 2 * HOUR,
        )
        assert starts(data) == [
            TOMORROW_14,
            TOMORROW_14 + 1800,
            TOMORROW_14 + 3600,
            TOMORROW_14 + 5400,
        ]
        assert all(s["slot_end"] - s["slot_start"] == 1800 for s in data["slots"])

    def test_it_refuses_an_unknown_consultation(self, api, ada_token):
        response = api.get(
            "/availability",
            {"room_code": "demo-room", "consultation_id": "nope"},
            token=ada_token,
        )
        assert response.status_code == 400

    def test_it_lists_each_provider_offering_the_same_time(
        self, api, ada_token, seeded
    ):
        five_pm = NOW + DAY + 3 * HOUR  # tomorrow 17:00 UTC: Dr. Ortiz and Dr. Shah
        data = slots(
            api, ada_token, room_code="demo-room", start=five_pm, end=five_pm + 900
        )
        assert starts(data) == [five_pm, five_pm]
        assert providers(data) == seeded["provider_ids"][1:]

    def test_it_filters_by_provider(self, api, ada_token, seeded):
        shah = seeded["provider_ids"][2]
        data = slots(
            api,
            ada_token,
            room_code="demo-room",
            provider_id=shah,
            start=NOW,
            end=NOW + DAY,
        )
        assert set(providers(data)) == {shah}

    def test_it_leaves_out_a_booked_slot_until_it_is_cancelled(
        self, api, ada_token, book
    ):
        visit = book(ada_token, TOMORROW_14).json()["data"]
        window = {
            "room_code": "demo-room",
            "start": TOMORROW_14,
            "end": TOMORROW_14 + 1800,
        }
        assert starts(slots(api, ada_token, **window)) == [TOMORROW_14 + 900]
        api.post(
            "/visits/close",
            {"id": visit["id"], "reason": "patient_cancel_appointment"},
            token=ada_token,
        )
        assert starts(slots(api, ada_token, **window)) == [
            TOMORROW_14,
            TOMORROW_14 + 900,
        ]

    def test_it_falls_back_to_the_intake_s_room(self, api, ada_token, make_intake):
        data = slots(api, ada_token, intake_id=make_intake(ada_token), duration=HOUR)
        assert len(data["slots"]) == 4


class TestAvailabilityWithoutToken:
    def test_it_accepts_the_key_and_secret_with_all_required_params(self, api, seeded):
        params = {
            "room_code": "demo-room",
            "consultation_id": seeded["consultation_ids"][0],
            "start": TOMORROW_14,
            "end": TOMORROW_14 + HOUR,
        }
        response = api.get("/availability", params, key=True)
        assert response.status_code == 200
        assert len(response.json()["data"]["slots"]) == 4

    def test_it_needs_room_window_and_consultation_without_a_token(self, api, seeded):
        response = api.get(
            "/availability",
            {"room_code": "demo-room", "start": NOW, "end": NOW + DAY},
            key=True,
        )
        assert response.status_code == 400
        assert response.json()["message"] == "consultation_id is required"

    def test_it_refuses_a_missing_key_without_a_token(self, api, seeded):
        response = api.get("/availability", {"room_code": "demo-room"})
        assert response.status_code == 403
        assert response.json()["message"] == "Invalid API key or secret"


class TestTheListShape:
    """SANDBOX_AVAILABILITY_SHAPE="list": the shape the reference says VSee "will change
    soon to", one item per time naming every provider free then."""

    def test_it_lists_each_time_once_with_its_providers(self, api, ada_token, settings):
        window = {"room_code": "demo-room", "start": NOW + DAY, "end": NOW + 2 * DAY}
        by_slot = slots(api, ada_token, **window)
        settings.SANDBOX_AVAILABILITY_SHAPE = "list"
        listed = slots(api, ada_token, **window)
        assert isinstance(listed, list) and set(listed[0]) == {
            "start",
            "end",
            "providers",
        }
        expected: dict[tuple[int, int], list[str]] = {}
        for s in by_slot["slots"]:
            provider = by_slot["slot_data"][s["slot_id"]]["provider_id"]
            expected.setdefault((s["slot_start"], s["slot_end"]), []).append(provider)
        assert {(i["start"], i["end"]): i["providers"] for i in listed} == expected
        assert any(len(i["providers"]) > 1 for i in listed)  # Ortiz and Shah overlap
        assert [i["start"] for i in listed] == sorted(i["start"] for i in listed)

    def test_nothing_free_is_an_empty_list(self, api, ada_token, settings):
        settings.SANDBOX_AVAILABILITY_SHAPE = "list"
        assert slots(api, ada_token, room_code="demo-room", end=NOW - DAY) == []
