"""Sessions under the Procfile's server: two gunicorn workers, DEBUG off, SQLite, no Redis,
and a new connection for every request, so consecutive requests land on either worker.

Whatever worker serves a request must see the session as the last request left it: a
step never bounces back, the review shows the last answer, and after "Sign out" the old
cookie opens nothing anywhere.
"""

from __future__ import annotations

import pytest

from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA
from tests.production import Visitor, production_server, smtp_server

pytestmark = pytest.mark.server

INTAKE = "/rooms/demo-room/walkin/"
REVIEW = "/rooms/demo-room/walkin/review/"
SIGN_IN_AGAIN = f"/sign-in/?next={INTAKE.replace('/', '%2F')}"
REASONS = [f"Sore throat, day {n}" for n in range(1, 8)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prod")
    with smtp_server() as (mailbox, port), production_server(tmp_path, port) as server:
        server.mailbox = mailbox
        yield server


def sign_in(visitor: Visitor, mailbox) -> None:
    assert visitor.get(f"/sign-in/?next={INTAKE}").status_code == 200
    r = visitor.post("/sign-in/", {"email": ADA["email"], "next": INTAKE})
    assert (r.status_code, r.headers["Location"]) == (302, "/sign-in/code/")
    r = visitor.post("/sign-in/code/", {"code": mailbox.last_code()})
    assert (r.status_code, r.headers["Location"]) == (302, "/sign-in/you/")
    who = {k: ADA[k] for k in ("first_name", "last_name", "dob")}
    r = visitor.post("/sign-in/you/", who)
    assert (r.status_code, r.headers["Location"]) == (302, INTAKE)


def switches(pids: list[int]) -> int:
    return sum(a != b for a, b in zip(pids, pids[1:], strict=False))


def test_it_runs_two_workers_and_requests_reach_both(server):
    visitor = Visitor(server)
    # Which worker accepts a connection is up to the kernel: on a busy machine one worker
    # can take many in a row, so ask until both have answered (or clearly never will).
    for _ in range(200):
        visitor.get("/healthz")
        if len(set(server.worker_pids())) == 2:
            break
    assert len(set(server.worker_pids())) == 2


def test_every_answer_reaches_the_review_whichever_worker_serves_it(server):
    visitor = Visitor(server)
    sign_in(visitor, server.mailbox)
    first = len(server.worker_pids())
    for reason in REASONS:
        r = visitor.post(INTAKE, {**ANSWERS, "reason_for_visit": reason})
        # The next step, never back to sign-in or an earlier step.
        assert r.status_code == 302, r.text[:300]
        assert r.headers["Location"].startswith(INTAKE), r.headers["Location"]
        form = visitor.get(INTAKE)
        assert form.status_code == 200 and reason in form.text
        review = visitor.get(REVIEW)
        assert review.status_code == 200 and reason in review.text
    assert switches(server.worker_pids()[first:]) >= 3, "requests stayed on one worker"


def test_a_signed_out_session_opens_nothing_on_either_worker(server):
    visitor = Visitor(server)
    sign_in(visitor, server.mailbox)
    first = len(server.worker_pids())
    for _ in range(6):  # both workers have served (and, per process, seen) this session
        assert visitor.get(INTAKE).status_code == 200
    old_cookies = dict(visitor.cookies)
    assert visitor.post("/sign-out/", {}).status_code == 302

    stale = Visitor(server, cookies=old_cookies)
    # Which worker accepts a connection is up to the kernel, and on a busy machine one
    # can take many in a row: ask (at least ten times) until both have, back and forth.
    for n in range(100):
        # Reading the form, or changing the answers (which would reach VSee), alike.
        r = stale.get(INTAKE) if n % 2 else stale.post(INTAKE, ANSWERS)
        assert r.status_code == 302
        assert r.headers["Location"] in ("/signed-out/?reason=idle", SIGN_IN_AGAIN)
        stale.cookies = dict(old_cookies)
        served = server.worker_pids()[first:]
        if n >= 9 and len(set(served)) == 2 and switches(served) >= 3:
            break
    assert len(set(served)) == 2 and switches(served) >= 3
