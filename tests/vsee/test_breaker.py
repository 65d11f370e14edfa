"""portal/vsee/client/breaker.py, on its own and in the transport: a VSee outage costs one
timeout, not one per patient."""

from __future__ import annotations

import pytest
import requests
from django.core.cache import cache

from portal.vsee.client import VSeeClient
from portal.vsee.client.breaker import Breaker
from portal.vsee.errors import VSeeRejected, VSeeUnavailable
from tests.fixtures import load_fixture
from tests.vsee.conftest import ADA_TOKEN, API_KEY, API_SECRET, BASE

URL = f"{BASE}/visits"


def breaker(**overrides) -> Breaker:
    options = {
        "name": "acme",
        "threshold": 2,
        "window": 60,
        "cooldown": 30,
        "probe_timeout": 10,
    }
    return Breaker(cache, **{**options, **overrides})


class TestTheStates:
    def test_it_opens_after_the_threshold_of_failures_in_a_row(self):
        b = breaker()
        b.failed()
        assert b.state() == "closed" and b.allow()
        b.failed()
        assert b.state() == "open" and not b.allow()

    def test_a_success_between_failures_starts_the_count_again(self):
        b = breaker()
        b.failed()
        b.succeeded()
        b.failed()
        assert b.state() == "closed"

    def test_after_the_cool_down_one_probe_goes_and_its_answer_decides(self):
        b = breaker()
        b.failed()
        b.failed()
        cache.delete("vsee-breaker:acme:open")  # the cool-down has passed
        assert b.state() == "half-open"
        assert b.allow() and not b.allow()  # one probe only
        b.succeeded()
        assert b.state() == "closed" and b.allow()

    def test_a_failed_probe_opens_it_again(self):
        b = breaker()
        b.failed()
        b.failed()
        cache.delete("vsee-breaker:acme:open")
        assert b.allow()
        b.failed()
        assert b.state() == "open"


class TestInTheTransport:
    def client(self) -> VSeeClient:
        return VSeeClient(
            base_url=BASE,
            account_code="acme",
            api_key=API_KEY,
            api_secret=API_SECRET,
            breaker=breaker(),
            session=requests.Session(),
        )

    def test_no_answer_and_5xx_count_and_then_calls_fail_without_reaching_vsee(
        self, rsps, monkeypatch
    ):
        monkeypatch.setattr("portal.vsee.client.transport.MAX_ATTEMPTS", 1)
        rsps.get(URL, body=requests.ConnectionError("refused"))
        rsps.get(URL, status=503, json={"message": "down"})
        client = self.client()
        for _ in range(2):
            with pytest.raises(VSeeUnavailable):
                client.visit_list(token=ADA_TOKEN)
        with pytest.raises(VSeeUnavailable) as info:
            client.visit_list(token=ADA_TOKEN)
        assert "paused" in info.value.message
        assert len(rsps.calls) == 2  # the third never left

    def test_a_refusal_is_an_answer_and_closes_the_count(self, rsps, monkeypatch):
        monkeypatch.setattr("portal.vsee.client.transport.MAX_ATTEMPTS", 1)
        rsps.get(URL, status=503, json={"message": "down"})
        rsps.get(URL, status=400, json={"message": "bad"})
        rsps.get(URL, status=503, json={"message": "down"})
        rsps.get(URL, json=load_fixture("visits_list__ok"))
        client = self.client()
        with pytest.raises(VSeeUnavailable):
            client.visit_list(token=ADA_TOKEN)
        with pytest.raises(VSeeRejected):
            client.visit_list(token=ADA_TOKEN)
        with pytest.raises(VSeeUnavailable):
            client.visit_list(token=ADA_TOKEN)
        assert len(client.visit_list(token=ADA_TOKEN)) > 0  # still closed: it went
