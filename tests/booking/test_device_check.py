"""The device check page: ours, open to anyone, the one page allowed the camera."""

from __future__ import annotations


def test_it_may_use_the_camera_and_microphone_and_no_other_page_may(client, vsee_live):
    r = client.get("/device-check/")
    assert r.status_code == 200
    policy = r["Permissions-Policy"]
    assert "camera=(self)" in policy and "microphone=(self)" in policy
    assert "geolocation=()" in policy
    other = client.get("/rooms/demo-room/")["Permissions-Policy"]
    assert "camera=()" in other and "microphone=()" in other


def test_without_javascript_it_says_so_and_nothing_is_sent(client, vsee_live):
    page = client.get("/device-check/").content.decode()
    assert "<noscript>" in page and "This check needs JavaScript" in page
    assert "<form" not in page.split("<main", 1)[1]  # nothing to submit anywhere


def test_only_get(client, vsee_live):
    assert client.post("/device-check/").status_code == 405
