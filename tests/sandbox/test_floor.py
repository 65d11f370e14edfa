"""The benchmark floors served beside the sandbox: nothing behind "ok", one VSee call's
wait behind "sleep", and no longer waits than five seconds."""

from __future__ import annotations


def test_ok_answers_at_once(client, db):
    r = client.get("/sandbox/floor/ok/")
    assert (r.status_code, r.content) == (200, b"ok")


def test_sleep_waits_as_asked_up_to_five_seconds(client, db, monkeypatch):
    slept = []
    monkeypatch.setattr("sandbox.views.floor.time.sleep", slept.append)
    assert client.get("/sandbox/floor/sleep/300/").status_code == 200
    assert slept == [0.3]
    assert client.get("/sandbox/floor/sleep/5001/").status_code == 400
    assert slept == [0.3]
