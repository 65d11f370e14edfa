"""A page's independent VSee calls made at the same time: they overlap, each keeps the
page's budget, failures come back as outcomes, and together they hold one place under
the process's cap on requests waiting on VSee."""

from __future__ import annotations

import threading

import pytest

from portal.vsee.client import VSeeClient
from portal.vsee.client.budget import (
    holding_place,
    in_flight_cap,
    page_budget,
    page_deadline,
)
from portal.vsee.errors import VSeeRejected, VSeeUnavailable
from portal.vsee.together import together
from tests.vsee.conftest import ADA_TOKEN, API_KEY, API_SECRET, BASE


def test_the_calls_are_in_flight_at_the_same_time():
    # Each call waits for the other two: made one after another, the first would wait
    # alone until the barrier gave up.
    barrier = threading.Barrier(3, timeout=5)
    outcomes = together(barrier.wait, barrier.wait, barrier.wait)
    assert sorted(o.get() for o in outcomes) == [0, 1, 2]


def test_outcomes_come_back_in_order_and_failures_are_not_raised():
    def refused():
        raise VSeeRejected("No", status=403)

    first, second, third = together(lambda: "a", refused, lambda: "c")
    assert (first.get(), third.get()) == ("a", "c")
    with pytest.raises(VSeeRejected):
        second.get()


def test_every_call_keeps_the_page_s_budget():
    with page_budget(5):
        outer = page_deadline()
        said = together(page_deadline, page_deadline, page_deadline)
    assert [o.get() for o in said] == [outer] * 3


def test_the_calls_share_one_place_under_the_cap(settings):
    settings.VSEE_MAX_CONCURRENT_CALLS = 1
    settings.VSEE_PLACE_WAIT_SECONDS = 0
    cap = in_flight_cap(1)
    # Three calls, one place: each call sees the place held, and no call takes another.
    said = together(holding_place, holding_place, holding_place)
    assert [o.get() for o in said] == [True] * 3
    assert cap.try_enter()  # and the place is given back
    try:
        # Full: the page's calls fail at once, as a lone call would.
        refused = together(lambda: "never", lambda: "made")
    finally:
        cap.leave()
    for outcome in refused:
        with pytest.raises(VSeeUnavailable) as info:
            outcome.get()
        assert info.value.message == "Too many calls to VSee waiting"


def test_past_the_cap_the_page_waits_for_a_place_while_vsee_answers(settings):
    settings.VSEE_MAX_CONCURRENT_CALLS = 1
    settings.VSEE_PLACE_WAIT_SECONDS = 2
    cap = in_flight_cap(1)
    assert cap.try_enter()
    cap.leave()  # a page's calls have just ended...
    assert cap.try_enter()  # ...and another page holds the place, for 0.2 s more
    threading.Timer(0.2, cap.leave).start()
    said = together(holding_place, holding_place)
    assert [o.get() for o in said] == [True, True]
    assert cap.try_enter()  # given back again
    cap.leave()


def test_a_client_s_calls_inside_do_not_count_twice(settings, rsps):
    settings.VSEE_MAX_CONCURRENT_CALLS = 1
    url = f"{BASE}/visits/current"
    rsps.get(url, json={"data": None})
    rsps.get(url, json={"data": None})
    client = VSeeClient(
        base_url=BASE,
        account_code="acme",
        api_key=API_KEY,
        api_secret=API_SECRET,
        max_in_flight=1,
    )
    # The cap is 1, and both calls go: they wait under the one place their page holds.
    said = together(
        lambda: client.visit_current(token=ADA_TOKEN),
        lambda: client.visit_current(token=ADA_TOKEN),
    )
    assert [o.get() for o in said] == [None, None]
