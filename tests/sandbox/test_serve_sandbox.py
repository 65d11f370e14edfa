"""`manage.py serve_sandbox`: the sandbox alone on its own port, every call as late as
asked, answering the portal's real client; no portal page is served there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings

from portal.vsee.client import VSeeClient
from tests.production import ROOT, free_port, production_env, run_manage

pytestmark = pytest.mark.server

DELAY_MS = 250


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("sandbox-alone")
    port = free_port()
    env = production_env(tmp_path, port, smtp_port=free_port())
    for args in (("migrate", "--noinput"), ("demo",)):
        run_manage(env, *args)
    log = (tmp_path / "sandbox.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "serve_sandbox",
            "--port",
            str(port),
            "--delay-ms",
            str(DELAY_MS),
            "--threads",
            "8",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/sandbox/api_v3"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "sandbox.log").read_text()
            try:
                requests.get(f"{base}/nothing", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


def test_it_answers_the_portal_s_client_as_late_as_asked(sandbox_url):
    client = VSeeClient(
        base_url=sandbox_url,
        account_code=settings.SANDBOX_ACCOUNT_CODE,
        api_key=settings.SANDBOX_API_KEY,
        api_secret=settings.SANDBOX_API_SECRET,
    )
    started = time.monotonic()
    room = client.room_get(code="demo-room")
    assert room.code == "demo-room"
    assert time.monotonic() - started >= DELAY_MS / 1000  # never sooner than asked


def test_it_serves_no_portal_page(sandbox_url):
    origin = sandbox_url.removesuffix("/sandbox/api_v3")
    behind_https = {"X-Forwarded-Proto": "https"}  # as from the proxy: no redirect
    for path in ("/rooms/demo-room/", "/admin/", "/sign-in/"):
        r = requests.get(
            origin + path, headers=behind_https, allow_redirects=False, timeout=5
        )
        assert r.status_code == 404, path
