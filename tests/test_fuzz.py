"""Property-based fuzz (hypothesis) of every form and query parameter of the patient pages,
signed in, through the real path (views → service → HTTP → sandbox): whatever is sent,
the answer is a page, never a server error.

FUZZ_EXAMPLES sets the examples per endpoint (default 40, about 1,000 requests in all);
SECURITY.md records the count of the latest large run. Every request made is counted
and printed, so a run says how many cases it tried.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.models import SandboxVisit

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure is reproducible
    # One signed-in browser for all examples of a test, as a patient clicking around.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a form field or query value can carry (UTF-8 encodable: no lone surrogates).
ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "0",
        "-1",
        "1e309",
        "NaN",
        "99999999999999999999999",
        "2026-02-30",
        "0000-00-00",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "%00%0d%0a",
        "\r\nSet-Cookie: x=1",
        "١٢٣٤٥٦",
        "Mars/Olympus",
        "//evil.example/",
        "https://evil.example/",
        "\u202eexe.pdf",
        "x" * 5000,
    ]
)
VALUE = st.one_of(
    ODD,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    st.integers().map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def fields(*names: str) -> st.SearchStrategy[dict[str, object]]:
    """Any subset of the fields, each one value or several (as a repeated field)."""
    one = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3))
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, one))


INTAKE = (
    "reason_for_visit",
    "location",
    "phone",
    "custom_allergies",
    "custom_symptoms_since",
    "custom_insurance",
    "custom_seen_before",
)
TIME = ("week", "tz", "consultation", "provider", "first", "taken", "slot")


class Counted:
    """The requests this module made, for the run's closing lines (tests/conftest.py)."""

    total = 0


def assert_a_page(response) -> None:
    Counted.total += 1
    body = response.content.decode(errors="replace")
    assert response.status_code < 500, (response.status_code, body[:300])
    assert "Traceback" not in body


@pytest.fixture
def visit_id(patient_client) -> str:
    """One of the signed-in patient's visits, for the visit pages' parameters."""
    from tests.booking.test_intake import ANSWERS

    patient_client.post("/rooms/demo-room/econsult/", ANSWERS)
    r = patient_client.post("/rooms/demo-room/econsult/review/")
    visit = r["Location"].strip("/").split("/")[-1]
    assert SandboxVisit.objects.filter(pk=visit).exists()
    return visit


@pytest.mark.parametrize(
    "path",
    [
        "/rooms/demo-room/walkin/",
        "/rooms/demo-room/econsult/",
        "/rooms/demo-room/appointment/",
    ],
)
@FUZZ
@given(data=fields(*INTAKE))
def test_the_intake_form(patient_client, path, data):
    assert_a_page(patient_client.post(path, data))


@FUZZ
@given(query=fields(*TIME))
def test_the_time_picker_s_query(patient_client, query):
    assert_a_page(patient_client.get("/rooms/demo-room/appointment/time/", query))


@FUZZ
@given(data=fields(*TIME), htmx=st.booleans())
def test_choosing_a_time(patient_client, data, htmx):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert_a_page(
        patient_client.post("/rooms/demo-room/appointment/time/", data, **extra)
    )


@FUZZ
@given(data=fields("continue", "files"))
def test_the_files_step(patient_client, data):
    assert_a_page(patient_client.post("/rooms/demo-room/walkin/files/", data))


@FUZZ
@given(query=fields("past", "room", "next", "expired", "reason"))
def test_the_query_of_the_pages_without_a_form(patient_client, query):
    for path in ("/visits/", "/", "/sign-in/", "/signed-out/", "/rooms/demo-room/"):
        assert_a_page(patient_client.get(path, query))


@FUZZ
@given(query=fields(*TIME), data=fields("slot", "confirm"))
def test_a_visit_s_pages(patient_client, visit_id, query, data):
    assert_a_page(patient_client.get(f"/visits/{visit_id}/", query))
    assert_a_page(patient_client.get(f"/visits/{visit_id}/reschedule/", query))
    assert_a_page(patient_client.post(f"/visits/{visit_id}/reschedule/", data))


@FUZZ
@given(data=fields("first_name", "last_name", "dob", "email", "next", "code"))
def test_the_sign_in_forms(patient_client, data):
    assert_a_page(patient_client.post("/sign-in/code/", data))
    assert_a_page(patient_client.post("/sign-in/guest/", data))


@FUZZ
@given(data=fields("token", "next", "choice"))
def test_the_hand_off(patient_client, data):
    own = {"Origin": "http://testserver"}
    assert_a_page(patient_client.post("/sign-in/handoff/", data, headers=own))
    assert_a_page(patient_client.post("/sign-in/handoff/confirm/", data))
