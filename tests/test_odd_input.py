"""Odd input in URLs and query strings gets a page, never a server error."""

from __future__ import annotations

import pytest

PATHS = [
    "/visits/..%2F..%2Fetc/",
    "/visits/%00/",
    "/visits/" + "9" * 80 + "/",
    "/visits/abc/cancel/",
    "/visits/abc/summary/",
    "/visits/abc/reschedule/?week=yesterday&tz=Mars/Olympus",
    "/visits/?past=-5",
    "/visits/?past=99999999999999999999",
    "/booked/abc/",
    "/booked/abc/calendar.ics",
    "/rooms/demo-room/appointment/time/?week=2026-02-30&tz=%00&consultation=<x>",
    "/rooms/demo-room/appointment/time/?provider=999&first=yes",
    "/rooms/demo-room/walkin/review/",
    "/rooms/demo-room/walkin/files/x/remove/",
    "/rooms/%F0%9F%98%80/",
    "/?room=%00",
    "/sign-in/?next=%0d%0aSet-Cookie:x=1",
    "/sign-in/code/",
    "/sign-in/handoff/?token=abc",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_signed_in_patient_never_sees_a_server_error(patient_client, path):
    r = patient_client.get(path)
    assert r.status_code < 500, (path, r.status_code)
    assert "Traceback" not in r.content.decode(errors="replace")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/rooms/demo-room/walkin/",
            {"custom_insurance": ["a", "b"], "phone": "x" * 5000},
        ),
        ("/rooms/demo-room/appointment/time/", {"slot": "1-2-3"}),
        ("/rooms/demo-room/appointment/time/", {"slot": "99999999999-99999999999"}),
        ("/visits/abc/cancel/", {}),
        ("/sign-in/code/", {"code": "١٢٣٤٥٦"}),
        ("/sign-in/", {"dob": "0000-00-00", "email": "a" * 300 + "@x.com"}),
    ],
)
def test_odd_posts_get_a_page_too(patient_client, path, data):
    r = patient_client.post(path, data)
    assert r.status_code < 500, (path, r.status_code)
