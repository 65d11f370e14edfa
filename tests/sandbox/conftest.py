"""Fixtures for the sandbox tests: a pinned clock, the demo data, and signed-in patients.

Names stay clear of the project-wide personas (`ada`, `ben`, `guest`, `vsee` in
tests/conftest.py), which the live-client tests in this folder use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from sandbox import clock
from sandbox.seed import seed_demo

API = "/sandbox/api_v3"
# A Monday: 10:00 in New York (EDT), 07:00 in Los Angeles (PDT). Dr. Lee's block today runs
# 13:00–16:00 UTC, so its first hour is already past; Dr. Ortiz 16:00–20:00, Dr. Shah 17:00–21:00.
FIXED_NOW = datetime(2031, 6, 2, 14, 0, tzinfo=UTC)
NOW = int(FIXED_NOW.timestamp())
HOUR = 3600
DAY = 24 * HOUR
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Api:
    """Django's test client aimed at /sandbox/api_v3 with VSee's headers filled in."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def headers(self, token: str | None = None, *, key: bool = False) -> dict[str, str]:
        """Return the account header, plus a patient token or the key and secret."""
        headers = {"X-AccountCode": settings.SANDBOX_ACCOUNT_CODE}
        if token:
            headers["X-ApiToken"] = token
        if key:
            headers["X-ApiKey"] = settings.SANDBOX_API_KEY
            headers["X-ApiSecret"] = settings.SANDBOX_API_SECRET
        return headers

    def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        key: bool = False,
    ) -> HttpResponse:
        """GET a path below api_v3 with query parameters."""
        return self.client.get(
            API + path, params or {}, headers=self.headers(token, key=key)
        )

    def post(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        key: bool = False,
        encoding: str = "json",
    ) -> HttpResponse:
        """POST a body as JSON (the real client's way), "form" (urlencoded) or "multipart"."""
        headers = self.headers(token, key=key)
        data = data or {}
        if encoding == "json":
            return self.client.post(
                API + path,
                json.dumps(data),
                content_type="application/json",
                headers=headers,
            )
        if encoding == "form":
            return self.client.post(
                API + path,
                urlencode(data, doseq=True),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
        return self.client.post(API + path, data, headers=headers)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Pin the sandbox's clock to FIXED_NOW (live-server tests must not use this)."""
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def seeded(db: None, frozen_clock: datetime) -> dict[str, Any]:
    """Return the ids seed_demo made, seeded at FIXED_NOW with the clock pinned there."""
    return seed_demo(now=frozen_clock)


@pytest.fixture
def sign_in(api: Api) -> Callable[..., str]:
    """Return a function that signs a user in through POST /users/sso and returns the token."""

    def sign_in(
        code: str | None = "demo-ada",
        first_name: str = "Ada",
        last_name: str = "Lovelace",
        type: int = 200,
    ) -> str:
        body: dict[str, Any] = {
            "first_name": first_name,
            "last_name": last_name,
            "type": type,
        }
        if code is not None:
            body["code"] = code
        response = api.post("/users/sso", body, key=True)
        assert response.status_code == 200, response.content
        return response.json()["data"]["token"]["token"]

    return sign_in


@pytest.fixture
def ada_token(seeded: dict[str, Any], sign_in: Callable[..., str]) -> str:
    """Return a token for Ada, the demo patient with one past visit."""
    return sign_in("demo-ada", "Ada", "Lovelace")


@pytest.fixture
def ben_token(seeded: dict[str, Any], sign_in: Callable[..., str]) -> str:
    """Return a token for Ben, the second demo patient (for cross-patient checks)."""
    return sign_in("demo-ben", "Ben", "Okafor")


@pytest.fixture
def make_intake(api: Api) -> Callable[..., str]:
    """Return a function that creates an intake in demo-room and returns its id."""

    def make_intake(token: str, **fields: Any) -> str:
        response = api.post(
            "/intakes", {"room_code": "demo-room", **fields}, token=token
        )
        assert response.status_code == 200, response.content
        return response.json()["data"]["id"]

    return make_intake


@pytest.fixture
def upload_file(api: Api) -> Callable[..., HttpResponse]:
    """Return a function that uploads a small PNG through POST /files (multipart)."""

    def upload_file(
        token: str | None, name: str = "card.png", category: str = "intake_attachment"
    ) -> HttpResponse:
        upload = SimpleUploadedFile(name, PNG, "image/png")
        body = {"file": upload, "meta.category": category}
        return api.post("/files", body, token=token, encoding="multipart")

    return upload_file


@pytest.fixture
def book(api: Api, make_intake: Callable[..., str]) -> Callable[..., HttpResponse]:
    """Return a function that books [start, start + minutes) for a patient via POST /visits."""

    def book(token: str, start: int, minutes: int = 15, **fields: Any) -> HttpResponse:
        body = {
            "type": 2,
            "room_code": "demo-room",
            "intake_id": make_intake(token, type=2),
            "slot_start": start,
            "slot_end": start + minutes * 60,
            **fields,
        }
        return api.post("/visits", body, token=token)

    return book
