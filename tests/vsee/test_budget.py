"""portal/vsee/client/budget.py: one time budget for all of a page's VSee calls, and a cap
on calls waiting at once, both applied in the transport."""

from __future__ import annotations

import io
import threading
import time
from types import SimpleNamespace

import pytest

from portal.vsee.client import VSeeClient
from portal.vsee.client.budget import (
    in_flight_cap,
    page_budget,
    page_deadline,
    page_deadline_at,
)
from portal.vsee.errors import VSeeRejected, VSeeUnavailable
from tests.fixtures import load_fixture
from tests.vsee.conftest import ADA_TOKEN, API_KEY, API_SECRET, BASE, make_client
from tests.vsee.test_client import FakeClock, SlowBody, padded_summary

URL = f"{BASE}/visits/1000000/exports/visit_summary"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setattr(
        "portal.vsee.client.transport.time", SimpleNamespace(monotonic=clock.monotonic)
    )
    monkeypatch.setattr("portal.vsee.client.transport._sleep", clock.sleep)
    monkeypatch.setattr("portal.vsee.client.transport._jitter", lambda delay: delay)
    return clock


class TestThePageBudget:
    def test_it_cuts_a_call_to_what_the_page_has_left(self, rsps, clock):
        # The call alone may take 10 s; the page has 1 s left.
        rsps.get(URL, body=io.BufferedReader(SlowBody(padded_summary(50_000), clock)))
        with (
            page_deadline_at(clock.now + 1.0),
            pytest.raises(VSeeUnavailable) as info,
        ):
            make_client(deadline=10.0).visit_summary_export(
                token=ADA_TOKEN, id="1000000"
            )
        assert "in time" in info.value.message
        assert clock.now < 1.5

    def test_a_page_with_no_time_left_does_not_call_vsee(self, rsps, clock):
        with (
            page_deadline_at(clock.now + 0.05),
            pytest.raises(VSeeUnavailable) as info,
        ):
            make_client().visit_summary_export(token=ADA_TOKEN, id="1000000")
        assert info.value.message == "No time left for VSee"
        assert len(rsps.calls) == 0

    def test_it_does_not_retry_past_the_page_budget(self, rsps, clock):
        # The call's own deadline would allow three tries; the page allows one.
        rsps.get(URL, status=503, json={"code": 503, "message": "Busy"})
        with (
            page_deadline_at(clock.now + 0.4),
            pytest.raises(VSeeUnavailable) as info,
        ):
            make_client(deadline=10.0).visit_summary_export(
                token=ADA_TOKEN, id="1000000"
            )
        assert info.value.status == 503
        assert len(rsps.calls) == 1

    def test_calls_outside_a_page_keep_their_own_deadline(self, rsps, clock):
        rsps.get(URL, status=503)
        rsps.get(URL, json=load_fixture("visits_summary_export__ok"))
        url = make_client(deadline=2.0).visit_summary_export(
            token=ADA_TOKEN, id="1000000"
        )
        assert url.startswith("https://clinic.vsee.me/")

    def test_each_block_restores_the_budget_it_found(self):
        assert page_deadline() is None
        with page_budget(5):
            outer = page_deadline()
            with page_deadline_at(1.0):
                assert page_deadline() == 1.0
            assert page_deadline() == outer
        assert page_deadline() is None


def give_back_later(cap, seconds: float) -> threading.Timer:
    """Another page's call ending `seconds` from now."""
    timer = threading.Timer(seconds, cap.leave)
    timer.start()
    return timer


class TestCallsWaitingAtOnce:
    def client(self, place_wait: float = 0.0) -> VSeeClient:
        return VSeeClient(
            base_url=BASE,
            account_code="acme",
            api_key=API_KEY,
            api_secret=API_SECRET,
            max_in_flight=2,
            place_wait=place_wait,
        )

    def test_past_the_cap_a_call_waits_for_a_place_while_vsee_answers(self, rsps):
        rsps.get(URL, json=load_fixture("visits_summary_export__ok"))
        cap = in_flight_cap(2)
        assert cap.try_enter() and cap.try_enter()
        cap.leave()  # a call has just ended: VSee answers...
        assert cap.try_enter()  # ...and another page took its place
        give_back_later(cap, 0.2)
        try:
            self.client(place_wait=2).visit_summary_export(
                token=ADA_TOKEN, id="1000000"
            )
        finally:
            cap.leave()
        assert len(rsps.calls) == 1  # it waited, then went

    def test_past_the_cap_a_call_does_not_wait_on_a_vsee_that_stopped_answering(
        self, rsps
    ):
        cap = in_flight_cap(2)
        assert cap.try_enter() and cap.try_enter()
        cap.leave()
        assert cap.try_enter()
        time.sleep(0.3)  # no place given back since: every call waits on VSee
        timer = give_back_later(cap, 0.1)
        try:
            with pytest.raises(VSeeUnavailable) as info:
                self.client(place_wait=0.25).visit_summary_export(
                    token=ADA_TOKEN, id="1000000"
                )
        finally:
            timer.join()
            cap.leave()
        # Refused at once: had it waited its 0.25 s, it would have had that place.
        assert info.value.message == "Too many calls to VSee waiting"
        assert len(rsps.calls) == 0

    def test_past_the_cap_a_call_fails_at_once_without_reaching_vsee(self, rsps):
        cap = in_flight_cap(2)
        assert cap.try_enter() and cap.try_enter()  # two calls are waiting on VSee
        try:
            with pytest.raises(VSeeUnavailable) as info:
                self.client().visit_summary_export(token=ADA_TOKEN, id="1000000")
        finally:
            cap.leave()
            cap.leave()
        assert info.value.message == "Too many calls to VSee waiting"
        assert len(rsps.calls) == 0

    def test_a_finished_call_gives_its_place_back_even_when_it_failed(self, rsps):
        rsps.get(URL, status=400, json={"code": 400, "message": "Bad"})
        rsps.get(URL, json=load_fixture("visits_summary_export__ok"))
        client = self.client()
        with pytest.raises(VSeeRejected):
            client.visit_summary_export(token=ADA_TOKEN, id="1000000")
        client.visit_summary_export(token=ADA_TOKEN, id="1000000")
        cap = in_flight_cap(2)
        assert cap.try_enter() and cap.try_enter()
        cap.leave()
        cap.leave()
