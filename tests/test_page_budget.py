"""One time budget for all the VSee calls of a page (portal.middleware.VSeeBudgetMiddleware),
through the real path: views, service, HTTP, the sandbox made slow."""

from __future__ import annotations

import time

from tests.booking.test_intake import ANSWERS

INTAKE = "/rooms/demo-room/walkin/"


def test_a_page_whose_calls_add_up_past_the_budget_says_so(patient_client, settings):
    # Two calls of 0.7 s each: each within its own deadline, together past the page's 1 s.
    settings.VSEE_PAGE_BUDGET = 1.0
    settings.SANDBOX_FAULTS = [
        {"endpoint": "visits.list", "latency_ms": 700},
        {"endpoint": "visits.current", "latency_ms": 700},
    ]
    started = time.monotonic()
    r = patient_client.get("/visits/")
    assert r.status_code == 503
    assert "We can't reach the clinic" in r.content.decode()
    assert time.monotonic() - started < 1.4
    time.sleep(0.7)  # let the sandbox's slow thread finish before the database goes


def test_within_the_budget_the_same_page_is_served(patient_client, settings):
    settings.VSEE_PAGE_BUDGET = 3.0
    settings.SANDBOX_FAULTS = [
        {"endpoint": "visits.list", "latency_ms": 700},
        {"endpoint": "visits.current", "latency_ms": 700},
    ]
    assert patient_client.get("/visits/").status_code == 200


def test_the_answers_are_kept_when_the_budget_runs_out(patient_client, settings):
    assert patient_client.post(INTAKE, ANSWERS).status_code == 302
    settings.VSEE_PAGE_BUDGET = 0.5
    settings.SANDBOX_FAULTS = [{"endpoint": "intakes.update", "latency_ms": 900}]
    changed = {**ANSWERS, "reason_for_visit": "Cough and fever"}
    r = patient_client.post(INTAKE, changed)
    assert r.status_code == 503
    draft = patient_client.session["booking.draft"]
    assert draft["answers"]["reason_for_visit"] == "Cough and fever"
    time.sleep(0.9)
