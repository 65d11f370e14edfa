"""One odd visit never breaks a page (issue: real VSee). Each variant of what VSee really
sends is fed through the client (with its saved sample), then the history and the detail
page (the sandbox made to answer that way), and must be read."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.fixtures import load_fixture
from tests.vsee.conftest import ADA_TOKEN, BASE

Change = Callable[[dict[str, Any]], None]


def setter(key: str, value: Any) -> Change:
    def change(visit: dict[str, Any]) -> None:
        visit[key] = copy.deepcopy(value)

    return change


def intake_without_id(visit: dict[str, Any]) -> None:
    intake = visit.get("intake")
    if isinstance(intake, dict):
        intake.pop("id", None)
        intake.pop("_id", None)


VARIANTS: dict[str, Change] = {
    "intake_php_empty_list": setter("intake", []),
    "intake_php_empty_object": setter("intake", {}),
    "provider_false": setter("provider", False),
    "member_empty_string": setter("member", ""),
    "postvisit_php_empty": setter("postvisit", []),
    "start_sec_usec": setter("start", {"sec": 1763640000, "usec": 250000}),
    "start_float": setter("start", 1763640000.75),
    "start_numeric_string": setter("start", "1763640000"),
    "created_sec_usec": setter("created", {"sec": 1763630000, "usec": 0}),
    "intake_without_id": intake_without_id,
    "prescriptions_object": setter("prescriptions", {"0": {"name": "Amoxicillin"}}),
    "prescriptions_one_object": setter("prescriptions", {"name": "Amoxicillin"}),
    "room_false": setter("room", False),
}


class TestThroughTheClient:
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_one_visit_is_read(self, rsps, api, variant):
        payload = load_fixture("visits_get__ok")
        VARIANTS[variant](payload["data"])
        rsps.get(f"{BASE}/visits/{payload['data']['id']}", json=payload)
        visit = api.visit_get(token=ADA_TOKEN, id=str(payload["data"]["id"]))
        assert visit.id == str(payload["data"]["id"])

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_the_list_reads_every_visit(self, rsps, api, variant):
        payload = load_fixture("visits_list__ok")
        for visit in payload["data"]:
            VARIANTS[variant](visit)
        rsps.get(f"{BASE}/visits", json=payload)
        visits = api.visit_list(token=ADA_TOKEN)
        assert len(visits) == len(payload["data"]) and visits.skipped == 0

    def test_a_list_sent_as_an_object_with_numeric_keys_is_read_in_order(
        self, rsps, api
    ):
        items = load_fixture("visits_list__ok")["data"]
        as_object = {str(n * 2): item for n, item in enumerate(items)}
        rsps.get(f"{BASE}/visits", json={"data": as_object})
        visits = api.visit_list(token=ADA_TOKEN)
        assert [v.id for v in visits] == [str(item["id"]) for item in items]

    def test_timestamps_in_every_shape_mean_the_same_time(self, rsps, api):
        payload = load_fixture("visits_get__ok")
        for shape in (1763640000, "1763640000", 1763640000.75, {"sec": 1763640000}):
            payload["data"]["start"] = shape
            rsps.get(f"{BASE}/visits/1", json=payload)
            assert api.visit_get(token=ADA_TOKEN, id="1").start == 1763640000

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_the_reply_to_booking_is_read(self, rsps, api, variant):
        payload = load_fixture("visits_create__ok")
        VARIANTS[variant](payload["data"])
        rsps.post(f"{BASE}/visits", json=payload)
        visit = api.visit_create(
            token=ADA_TOKEN,
            room_code="demo-room",
            intake_id="1",
            slot_start=1763640000,
            slot_end=1763641800,
        )
        assert visit.id == str(payload["data"]["id"])
