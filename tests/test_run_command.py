"""The README's run command serves the demo as production serves it: gunicorn with the
Procfile's command, DEBUG off, the sandbox on, secrets generated once and kept."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA
from tests.production import ROOT, ProductionServer, Visitor, free_port

pytestmark = pytest.mark.server


def start(tmp_path: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "VSEE_", "EMAIL_"))
    }
    env.update(
        PORT=str(port),
        DEMO_SITE_PORT=str(free_port()),
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        DEMO_ADMIN_PASSWORD="run-command-test-password",
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"{url}/healthz", timeout=5).ok:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError("scripts/run did not start:\n" + log.read_text())


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def send_a_question(url: str, log: Path) -> None:
    visitor = Visitor(ProductionServer(url, log, {}))
    intake = "/rooms/demo-room/econsult/"
    assert visitor.get(f"/sign-in/?next={intake}").status_code == 200
    r = visitor.post("/sign-in/", {"email": ADA["email"], "next": intake})
    assert r.headers["Location"] == "/sign-in/code/"
    code = re.findall(r"code to sign in to .* is (\d{6})", log.read_text())[-1]
    assert visitor.post("/sign-in/code/", {"code": code}).status_code == 302
    who = {k: ADA[k] for k in ("first_name", "last_name", "dob")}
    assert visitor.post("/sign-in/you/", who).headers["Location"] == intake
    assert visitor.post(intake, ANSWERS).status_code == 302
    r = visitor.post(f"{intake}review/", {})
    assert r.status_code == 302 and r.headers["Location"].startswith("/booked/")


def test_the_demo_runs_under_gunicorn_with_debug_off(tmp_path):
    log = tmp_path / "run.log"
    process, url = start(tmp_path, log)
    try:
        missing = requests.get(f"{url}/no-such-page/", timeout=10)
        assert missing.status_code == 404
        assert "Page not found" in missing.text
        assert "DEBUG = True" not in missing.text and "URLconf" not in missing.text
        room = requests.get(f"{url}/rooms/demo-room/", timeout=10)
        assert room.status_code == 200 and "Book a time" in room.text
        # Static files from whitenoise's manifest: hashed names, as in production.
        assert re.search(r"/static/portal\.[0-9a-f]{12}\.css", room.text)
        assert (
            requests.get(
                f"{url}/sandbox/api_v3/rooms/demo-room", timeout=10
            ).status_code
            != 404
        )
        # A patient's question: its confirmation, sent by the worker the script starts,
        # is printed in the terminal (the console email backend).
        send_a_question(url, log)
        deadline = time.monotonic() + 30
        while "Your question to Demo Clinic is sent" not in log.read_text():
            assert time.monotonic() < deadline, "no confirmation email printed"
            time.sleep(0.5)
    finally:
        stop(process)
    output = log.read_text()
    assert "Booting worker" in output  # gunicorn, not runserver
    assert "run-command-test-password" in output  # the admin login it prints
    secrets = (ROOT / "var" / "local.env").read_text()
    assert "SECRET_KEY=" in secrets and "PATIENT_DATA_KEYS=" in secrets
    assert oct((ROOT / "var" / "local.env").stat().st_mode)[-3:] == "600"
