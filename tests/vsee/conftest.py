"""Shared doubles for the VSee tests: a strict `responses` mock and a client built directly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses

from portal.vsee.client import VSeeClient

BASE = "https://vsee.test/api_v3"
API_KEY = "apikey-7c1f0e"
API_SECRET = "apisecret-4b9d2a"
ADA_TOKEN = "ada-token-5f4e3d2c1b0a"
BEN_TOKEN = "ben-token-0a1b2c3d4e5f"


def make_client(*, deadline: float = 15.0, read_timeout: float = 10.0) -> VSeeClient:
    """Return a client for https://vsee.test with its own (unpooled) Session."""
    return VSeeClient(
        base_url=BASE,
        account_code="acme",
        api_key=API_KEY,
        api_secret=API_SECRET,
        read_timeout=read_timeout,
        deadline=deadline,
        session=requests.Session(),
    )


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """Strict: every registered response must be used, and nothing unregistered is reachable."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def api() -> VSeeClient:
    return make_client()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the client's back-off sleeps instead of sleeping; jitter pinned to identity."""
    recorded: list[float] = []
    monkeypatch.setattr("portal.vsee.client.transport._sleep", recorded.append)
    monkeypatch.setattr("portal.vsee.client.transport._jitter", lambda delay: delay)
    return recorded
