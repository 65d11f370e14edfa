"""POST /users/sso (sandbox/views/users.py: sso)."""

from __future__ import annotations

import re

from django.conf import settings

from sandbox.models import SandboxUser
from tests.sandbox.conftest import API, HOUR, NOW

ADA = {"first_name": "Ada", "last_name": "Lovelace", "type": 200, "code": "demo-ada"}
HEX32 = re.compile(r"^[0-9a-f]{32}$")


class TestSso:
    def test_it_returns_the_user_and_a_token_in_vsee_s_shape(self, api, seeded):
        body = {**ADA, "dob": "1985-12-10", "email": "ada@example.com"}
        data = api.post("/users/sso", body, key=True).json()["data"]
        assert data["id"].isdigit()
        assert data["code"] == "demo-ada"
        assert (data["first_name"], data["last_name"], data["dob"]) == (
            "Ada",
            "Lovelace",
            "1985-12-10",
        )
        assert HEX32.match(data["username"])
        assert data["vseeid"] == f"{settings.SANDBOX_ACCOUNT_CODE}+{data['username']}"
        assert data["active"] is True and data["tos"] is False and data["subtype"] == ""
        token = data["token"]
        assert token["user_id"] == data["id"]
        assert HEX32.match(token["token"])
        assert token["expiry"] == NOW + settings.SANDBOX_TOKEN_HOURS * HOUR
        refresh = token["refresh_token"]
        assert set(refresh) == {"user_id", "token", "expiry", "created"}
        assert refresh["created"] == NOW
        assert "vsee" not in data

    def test_it_returns_the_same_user_with_a_new_token_for_the_same_code(
        self, api, seeded
    ):
        first = api.post("/users/sso", ADA, key=True).json()["data"]
        again = api.post(
            "/users/sso", {**ADA, "first_name": "Augusta"}, key=True
        ).json()["data"]
        assert again["id"] == first["id"]
        assert again["token"]["token"] != first["token"]["token"]
        assert again["first_name"] == "Augusta"
        assert again["dob"] == "1985-12-10", "a repeat without dob keeps the stored one"

    def test_a_repeat_with_other_details_overwrites_them_as_the_worst_case_of_vsee(
        self, api, seeded
    ):
        # The portal must be right even so: it never sends other details for a code.
        api.post("/users/sso", ADA, key=True)
        again = api.post(
            "/users/sso",
            {**ADA, "last_name": "Byron", "dob": "2001-01-01"},
            key=True,
        ).json()["data"]
        assert (again["last_name"], again["dob"]) == ("Byron", "2001-01-01")

    def test_it_creates_a_patient_for_a_new_code(self, api, db):
        body = {"first_name": "Cleo", "last_name": "Park", "code": "portal-123"}
        data = api.post("/users/sso", body, key=True).json()["data"]
        user = SandboxUser.objects.get(pk=data["id"])
        assert user.type == SandboxUser.PATIENT and user.code == "portal-123"

    def test_it_creates_a_new_guest_each_time_with_a_generated_code(self, api, db):
        body = {
            "first_name": "Grace",
            "last_name": "Guest",
            "type": 600,
            "code": "ignored",
        }
        one = api.post("/users/sso", body, key=True).json()["data"]
        two = api.post("/users/sso", body, key=True).json()["data"]
        assert one["id"] != two["id"]
        assert HEX32.match(one["code"]) and one["code"] != two["code"]

    def test_it_adds_the_vsee_object_when_asked(self, api, db):
        response = api.client.post(
            f"{API}/users/sso?fields=vsee",
            ADA,
            content_type="application/json",
            headers=api.headers(key=True),
        )
        data = response.json()["data"]
        assert data["vsee"]["id"] == data["vseeid"]
        assert HEX32.match(data["vsee"]["token"])

    def test_it_refuses_a_missing_key_or_secret(self, api, client, db):
        headers = {"X-AccountCode": settings.SANDBOX_ACCOUNT_CODE}
        response = client.post(
            f"{API}/users/sso", ADA, content_type="application/json", headers=headers
        )
        assert response.status_code == 403
        assert response.json() == {"code": 403, "message": "Invalid API key or secret"}
        headers["X-ApiKey"] = settings.SANDBOX_API_KEY  # the key alone is not enough
        response = client.post(
            f"{API}/users/sso", ADA, content_type="application/json", headers=headers
        )
        assert response.status_code == 403

    def test_it_refuses_a_wrong_secret(self, client, db):
        headers = {
            "X-AccountCode": settings.SANDBOX_ACCOUNT_CODE,
            "X-ApiKey": settings.SANDBOX_API_KEY,
            "X-ApiSecret": "wrong",
        }
        response = client.post(
            f"{API}/users/sso", ADA, content_type="application/json", headers=headers
        )
        assert response.status_code == 403

    def test_it_needs_a_code_for_patients(self, api, db):
        response = api.post(
            "/users/sso", {"first_name": "A", "last_name": "B"}, key=True
        )
        assert response.status_code == 400
        assert response.json() == {"code": 400, "message": "code is required"}

    def test_it_needs_both_names(self, api, db):
        response = api.post("/users/sso", {"last_name": "B", "code": "x"}, key=True)
        assert response.status_code == 400
        assert response.json()["message"] == "first_name is required"

    def test_it_refuses_a_dob_that_is_not_yyyy_mm_dd(self, api, db):
        for dob in ("10/12/1985", "1985-13-01", "85-12-10"):
            response = api.post("/users/sso", {**ADA, "dob": dob}, key=True)
            assert response.status_code == 400, dob

    def test_it_refuses_an_unknown_type(self, api, db):
        assert api.post("/users/sso", {**ADA, "type": 300}, key=True).status_code == 400

    def test_it_reads_a_form_body_too(self, api, db):
        response = api.post("/users/sso", ADA, key=True, encoding="form")
        assert response.status_code == 200
