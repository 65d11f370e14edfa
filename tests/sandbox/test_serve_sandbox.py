"""`manage.py serve_sandbox`: the sandbox alone on its own port, every call as late as
asked, answering the portal's real client; no portal page is served there."""

from __future__ import annotations

import time

import pytest
import requests
from django.conf import settings

from portal.vsee.client import VSeeClient
from tests.production import free_port, production_env, run_manage, sandbox_alone

pytestmark = pytest.mark.server

DELAY_MS = 250


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("sandbox-alone")
    env = production_env(tmp_path, free_port(), smtp_port=free_port())
    for args in (("migrate", "--noinput"), ("demo",)):
        run_manage(env, *args)
    with sandbox_alone(env, DELAY_MS, tmp_path / "sandbox.log", threads=8) as base:
        yield base


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
