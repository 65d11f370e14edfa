"""/healthz under the Procfile's server while VSee hangs: the cap on VSee calls waiting
at once (portal/vsee/client/budget.py) keeps threads free for it."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.production import hanging_vsee, production_server, smtp_server

pytestmark = pytest.mark.server

ROOM = "/rooms/demo-room/"


def test_healthz_answers_while_every_patient_page_waits_on_a_hanging_vsee(tmp_path):
    with (
        smtp_server() as (_, smtp_port),
        hanging_vsee() as vsee_url,
        production_server(
            tmp_path,
            smtp_port,
            VSEE_API_BASE_URL=vsee_url,
            VSEE_PAGE_BUDGET="8",
            GUNICORN_THREADS="8",  # so that the crowd below is three times the threads
        ) as server,
    ):
        statuses: list[int] = []

        def open_room() -> None:
            r = requests.get(
                server.url + ROOM,
                headers={"Connection": "close", "X-Forwarded-Proto": "https"},
            )
            statuses.append(r.status_code)

        # Three times the threads of both workers, all asking a VSee that never answers.
        patients = [threading.Thread(target=open_room) for _ in range(48)]
        for thread in patients:
            thread.start()
        time.sleep(1.0)  # the pages are in, and waiting on VSee

        health = requests.get(server.url + "/healthz", timeout=4)
        still_waiting = sum(thread.is_alive() for thread in patients)

        for thread in patients:
            thread.join(timeout=30)
        assert health.status_code == 200
        assert still_waiting > 0  # it answered while pages still waited on VSee
        # Past the cap pages fail at once; the others when the page budget runs out.
        assert set(statuses) == {503} and len(statuses) == 48
