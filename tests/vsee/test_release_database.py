"""A page gives its database connection back before it waits on VSee (many threads
need not hold many connections), except inside a transaction, which keeps its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from portal.vsee.client import VSeeClient
from portal.vsee.service import release_database
from tests.vsee.conftest import ADA_TOKEN, API_KEY, API_SECRET, BASE


@pytest.fixture
def closes(monkeypatch) -> list[bool]:
    closed: list[bool] = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    return closed


@pytest.mark.django_db(transaction=True)
def test_the_connection_is_given_back_outside_a_transaction(closes):
    connection.ensure_connection()
    release_database()
    assert closes == [True]
    with transaction.atomic():
        release_database()
    assert closes == [True]  # a transaction keeps its connection


@contextmanager
def released(order: list[str]) -> Iterator[None]:
    order.append("released")
    yield


def test_the_client_gives_it_back_before_each_call(rsps):
    rsps.get(f"{BASE}/visits/current", json={"data": None})
    order: list[str] = []
    client = VSeeClient(
        base_url=BASE,
        account_code="acme",
        api_key=API_KEY,
        api_secret=API_SECRET,
        while_waiting=lambda: released(order),
    )
    client.visit_current(token=ADA_TOKEN)
    assert order == ["released"] and len(rsps.calls) == 1
