"""What every endpoint shares (sandbox/views/_api.py): paths, headers, bodies, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from sandbox import clock
from tests.sandbox.conftest import API, FIXED_NOW


class TestPaths:
    def test_it_answers_with_and_without_the_json_suffix(self, api, ada_token):
        plain = api.get("/visits", token=ada_token)
        suffixed = api.get("/visits.json", token=ada_token)
        assert plain.status_code == suffixed.status_code == 200
        assert plain.json() == suffixed.json()

    def test_it_takes_the_suffix_on_paths_with_an_id(self, api, ada_token, seeded):
        visit_id = seeded["past_visit_id"]
        assert (
            api.get(f"/visits/{visit_id}.json", token=ada_token).json()["data"]["id"]
            == visit_id
        )
        assert api.get("/rooms/demo-room.json").json()["data"]["code"] == "demo-room"

    def test_it_answers_unknown_paths_with_the_json_envelope(self, api, db):
        response = api.get("/nothing/here")
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Not found"}

    def test_it_refuses_a_wrong_method_with_the_envelope(self, api, ada_token):
        response = api.get("/visits/add_walkin", token=ada_token)
        assert response.status_code == 405
        assert response.json()["code"] == 405


class TestAccountCode:
    def test_it_refuses_a_missing_account_code(self, client, db):
        response = client.get(f"{API}/rooms/demo-room")
        assert response.status_code == 403
        assert response.json() == {"code": 403, "message": "Missing X-AccountCode"}

    def test_it_refuses_a_wrong_account_code(self, client, db):
        response = client.get(
            f"{API}/rooms/demo-room", headers={"X-AccountCode": "other"}
        )
        assert response.status_code == 403
        assert response.json() == {"code": 403, "message": "Invalid account code"}

    def test_it_reads_headers_case_insensitively(self, client, seeded):
        response = client.get(
            f"{API}/rooms/demo-room", HTTP_X_ACCOUNTCODE=settings.SANDBOX_ACCOUNT_CODE
        )
        assert response.status_code == 200


class TestToken:
    def test_it_answers_401_without_a_token(self, api, seeded):
        response = api.get("/visits")
        assert response.status_code == 401
        assert response.json() == {
            "code": 401,
            "message": "Token is invalid or expired",
        }

    def test_it_answers_401_for_an_unknown_token(self, api, seeded):
        assert api.get("/visits", token="0" * 32).status_code == 401

    def test_it_answers_401_once_the_token_has_expired(
        self, api, ada_token, monkeypatch
    ):
        hours = settings.SANDBOX_TOKEN_HOURS
        later = FIXED_NOW + timedelta(hours=hours, seconds=1)
        monkeypatch.setattr(clock, "now", lambda: later)
        assert api.get("/visits", token=ada_token).status_code == 401


class TestBodies:
    @pytest.mark.parametrize("encoding", ["json", "form", "multipart"])
    def test_it_reads_every_body_encoding(self, api, ada_token, encoding):
        body = {
            "room_code": "demo-room",
            "reason_for_visit": "Cough",
            "custom_days": "3",
        }
        response = api.post("/intakes", body, token=ada_token, encoding=encoding)
        assert response.status_code == 200, response.content
        intake = api.get(f"/intakes/{response.json()['data']['id']}", token=ada_token)
        assert intake.json()["data"]["reason_for_visit"] == "Cough"
        assert intake.json()["data"]["custom_days"] == "3"

    def test_it_refuses_malformed_json(self, client, ada_token):
        response = client.post(
            f"{API}/intakes",
            "{not json",
            content_type="application/json",
            headers={
                "X-AccountCode": settings.SANDBOX_ACCOUNT_CODE,
                "X-ApiToken": ada_token,
            },
        )
        assert response.status_code == 400
        assert response.json()["message"] == "Invalid JSON body"


class TestErrors:
    def test_it_turns_an_unexpected_error_into_a_json_500(
        self, api, seeded, monkeypatch
    ):
        def explode(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr("sandbox.views.rooms.room_payload", explode)
        response = api.get("/rooms/demo-room")
        assert response.status_code == 500
        assert response.json() == {"code": 500, "message": "Internal sandbox error"}


class TestSwitch:
    @override_settings(VSEE_SANDBOX_ENABLED=False)
    @pytest.mark.parametrize(
        "path",
        [
            "/sandbox/api_v3/rooms/demo-room",
            "/sandbox/api_v3/visits",
            "/sandbox/api_v3/nope",
        ],
    )
    def test_it_is_a_plain_404_when_the_sandbox_is_off(self, client, seeded, path):
        response = client.get(
            path, headers={"X-AccountCode": settings.SANDBOX_ACCOUNT_CODE}
        )
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    @override_settings(VSEE_SANDBOX_ENABLED=False)
    def test_it_hides_posts_and_pages_too_when_off(self, client, seeded):
        assert client.post("/sandbox/api_v3/users/sso", {}).status_code == 404
        assert client.get("/sandbox/clinic/auth?sso_token=x").status_code == 404
        assert client.get("/sandbox/exports/abc:def.pdf").status_code == 404
