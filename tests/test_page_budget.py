"""One time budget for all the VSee calls of a page (portal.middleware.VSeeBudgetMiddleware),
through the real path: views, service, HTTP, the sandbox made slow."""

from __future__ import annotations

import html
import logging
import time

from django.core.cache import cache

from portal.clinic.consents import ConsentDocument
from portal.clinic.rooms import Room
from tests.booking.test_intake import ANSWERS

INTAKE = "/rooms/demo-room/walkin/"
ECONSULT = "/rooms/demo-room/econsult/"


def test_a_page_whose_calls_add_up_past_the_budget_says_so(patient_client, settings):
    # Sending a question with a consent to accept: the signed record goes up (0.7 s),
    # then the intake is updated (0.7 s), one after the other: each within its own
    # deadline, together past the page's 1 s. (History's calls are made at the same time.)
    consent = ConsentDocument.objects.create(
        room=Room.objects.get(code="demo-room"), title="Consent", text="Read me."
    )
    assert patient_client.post(ECONSULT, ANSWERS).status_code == 302
    settings.VSEE_PAGE_BUDGET = 1.0
    settings.SANDBOX_FAULTS = [
        {"endpoint": "files.upload", "latency_ms": 700},
        {"endpoint": "intakes.update", "latency_ms": 700},
    ]
    started = time.monotonic()
    r = patient_client.post(f"{ECONSULT}review/", {f"accept_{consent.pk}": "on"})
    assert r.status_code == 503
    assert "with the clinic just now" in html.unescape(r.content.decode())
    assert time.monotonic() - started < 1.4
    time.sleep(0.7)  # let the sandbox's slow thread finish before the database goes


def test_history_s_calls_made_together_fit_where_one_after_another_would_not(
    patient_client, settings
):
    settings.VSEE_PAGE_BUDGET = 1.0
    settings.SANDBOX_FAULTS = [
        {"endpoint": "visits.list", "latency_ms": 700},
        {"endpoint": "visits.current", "latency_ms": 700},
    ]
    assert patient_client.get("/visits/").status_code == 200


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


def test_an_outage_costs_one_timeout_then_pages_fail_at_once(
    client, vsee_live, settings, caplog
):
    """The circuit breaker, through the real path: the first visitor waits out VSee's
    hang; the next ones are told at once, without a call, until a probe succeeds."""
    caplog.set_level(logging.INFO, logger="portal.vsee")
    settings.VSEE_BREAKER_FAILURES = 1
    settings.VSEE_DEADLINE = 0.4
    settings.SANDBOX_HANG_SECONDS = 1.0
    settings.SANDBOX_FAULTS = [{"endpoint": "rooms.get", "force_timeout": True}]

    first = client.get("/rooms/demo-room/")
    assert first.status_code == 503
    second = client.get("/rooms/demo-room/")
    assert second.status_code == 503
    outcomes = [r.getMessage() for r in caplog.records if "rooms.get" in r.getMessage()]
    assert len(outcomes) == 2
    assert "-> timeout" in outcomes[0] and "-> circuit-open" in outcomes[1]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["breaker"] == "open"
    time.sleep(1.0)  # the hung sandbox thread finishes

    # The cool-down passes, VSee is back: one probe goes, and closes the breaker.
    settings.SANDBOX_FAULTS = []
    cache.delete(f"vsee-breaker:{settings.VSEE_ACCOUNT_CODE}:open")
    assert client.get("/rooms/demo-room/").status_code == 200
    assert client.get("/readyz").json()["breaker"] == "closed"
