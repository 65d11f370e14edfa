"""Rate limits under the Procfile's server (two workers, no Redis): one count for both
workers, not one each."""

from __future__ import annotations

import pytest

from tests.conftest import ADA
from tests.production import Visitor, production_server, smtp_server

pytestmark = pytest.mark.server


def test_two_workers_share_one_count(tmp_path):
    with (
        smtp_server() as (_, smtp_port),
        production_server(tmp_path, smtp_port, SIGN_IN_CODES_PER_IP="4") as server,
    ):
        visitor = Visitor(server)
        assert visitor.get("/sign-in/").status_code == 200
        first = len(server.worker_pids())
        statuses = []
        details = {k: ADA[k] for k in ("first_name", "last_name", "dob")}
        # Which worker accepts a connection is up to the kernel: go on (refused, as the
        # count says) until both have served some of these requests.
        while len(statuses) < 8 or (
            len(set(server.worker_pids()[first:])) < 2 and len(statuses) < 80
        ):
            n = len(statuses)
            r = visitor.post("/sign-in/", {**details, "email": f"p{n}@example.com"})
            statuses.append(r.status_code)
        assert statuses == [302] * 4 + [429] * (len(statuses) - 4)
        assert len(set(server.worker_pids()[first:])) == 2, "one worker served all"
