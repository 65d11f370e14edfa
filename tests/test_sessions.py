"""Two requests of one patient at once: the one that changed nothing must not undo the
other's change (sessions are saved on every request, for the idle time-out)."""

from __future__ import annotations

import threading
import time

from django.test import Client

from tests.booking.test_intake import ANSWERS

URL = "/rooms/demo-room/walkin/"


def test_a_slow_page_does_not_write_back_a_stale_draft(patient_client, settings):
    assert patient_client.post(URL, ANSWERS).status_code == 302
    # The history page waits on a slow VSee while the patient changes an answer elsewhere.
    settings.SANDBOX_FAULTS = [{"endpoint": "visits.list", "latency_ms": 1200}]
    slow = Client()
    slow.cookies = patient_client.cookies
    thread = threading.Thread(target=lambda: slow.get("/visits/"))
    thread.start()
    time.sleep(0.4)  # the slow request has loaded the session by now
    changed = {**ANSWERS, "custom_allergies": "Latex"}
    assert patient_client.post(URL, changed).status_code == 302
    thread.join()
    assert patient_client.session["booking.draft"]["answers"]["custom_allergies"] == (
        "Latex"
    )


def test_a_page_that_changes_nothing_still_keeps_the_session_alive(patient_client):
    before = patient_client.session.get_expiry_date()
    time.sleep(1.1)
    patient_client.get("/visits/")
    assert patient_client.session.get_expiry_date() > before
