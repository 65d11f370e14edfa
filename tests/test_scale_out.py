"""Scale-out: two instances of the portal (the Procfile's web process, each on its own
port, DEBUG off) on one PostgreSQL database and one Redis. A patient's every request goes
to the other instance than the last, through sign-in, the form, the review and sending
the visit: every step sees what the last one left, and one visit is made.

Needs PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379): skipped without
them, failed without them under CI.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

import psycopg
import pytest
import redis

from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA
from tests.production import (
    ProductionServer,
    Visitor,
    production_instances,
    smtp_server,
)

pytestmark = pytest.mark.server

POSTGRES = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
REDIS_URL = "redis://127.0.0.1:6379/12"  # a database of its own: it is flushed after
INTAKE = "/rooms/demo-room/econsult/"
REVIEW = "/rooms/demo-room/econsult/review/"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def database_url():
    if not (_listening(5432) and _listening(6379)):
        message = "PostgreSQL and Redis are needed on 127.0.0.1 (5432, 6379)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"portal_scale_out_{os.getpid()}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture(scope="module")
def instances(tmp_path_factory, database_url):
    tmp_path = tmp_path_factory.mktemp("scale-out")
    with (
        smtp_server() as (mailbox, smtp_port),
        production_instances(
            tmp_path,
            smtp_port,
            2,
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
        ) as servers,
    ):
        yield servers, mailbox, database_url


@dataclass
class Alternating(Visitor):
    """A patient whose load balancer sends each request to the other instance."""

    others: list[ProductionServer] = field(default_factory=list)
    served_by: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, data: dict | None = None):
        self.others.append(self.server)
        self.server = self.others.pop(0)
        self.served_by.append(self.server.url)
        return super().request(method, path, data)


def visits_made(database_url: str) -> int:
    with psycopg.connect(database_url) as db:
        return db.execute("SELECT count(*) FROM sandbox_sandboxvisit").fetchone()[0]


def test_a_patient_bounced_between_two_instances_books_one_visit(instances):
    (first, second), mailbox, database_url = instances
    patient = Alternating(server=second, others=[first])
    before = visits_made(database_url)

    # Sign-in: each step on the other instance than the one before.
    assert patient.get(f"/sign-in/?next={INTAKE}").status_code == 200
    r = patient.post("/sign-in/", {"email": ADA["email"], "next": INTAKE})
    assert (r.status_code, r.headers["Location"]) == (302, "/sign-in/code/")
    r = patient.post("/sign-in/code/", {"code": mailbox.last_code()})
    assert (r.status_code, r.headers["Location"]) == (302, "/sign-in/you/")
    who = {k: ADA[k] for k in ("first_name", "last_name", "dob")}
    r = patient.post("/sign-in/you/", who)
    assert (r.status_code, r.headers["Location"]) == (302, INTAKE)

    # The form, answered twice: the other instance always shows the latest answers.
    for reason in ("A rash on my arm", "A rash on both arms"):
        r = patient.post(INTAKE, {**ANSWERS, "reason_for_visit": reason})
        assert r.status_code == 302 and r.headers["Location"].startswith(INTAKE)
        assert reason in patient.get(INTAKE).text
        assert reason in patient.get(REVIEW).text

    # Sent on one instance, confirmed on the other; sending again makes nothing more.
    r = patient.post(REVIEW, {})
    assert r.status_code == 302, r.text[:300]
    booked = r.headers["Location"]
    assert patient.get(booked).status_code == 200
    assert patient.post(REVIEW, {}).status_code in (302, 303)
    assert visits_made(database_url) == before + 1
    visit_id = booked.rstrip("/").rpartition("/")[2]
    assert f'data-visit="{visit_id}"' in patient.get("/visits/").text

    # Both instances served, turn and turn about.
    assert set(patient.served_by) == {first.url, second.url}
    assert all(
        a != b for a, b in zip(patient.served_by, patient.served_by[1:], strict=False)
    )
