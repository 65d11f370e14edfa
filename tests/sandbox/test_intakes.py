"""POST /intakes, POST /intakes/:id, GET /intakes/:id (sandbox/views/intakes.py)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def files(upload_file, ada_token):
    """Return the ids of two files Ada uploaded."""
    return [
        upload_file(ada_token, name=f"f{i}.png").json()["data"]["id"] for i in (1, 2)
    ]


def get_intake(api, token, intake_id):
    return api.get(f"/intakes/{intake_id}", token=token)


class TestIntakesCreate:
    def test_it_returns_the_id_and_echoes_custom_fields(self, api, ada_token):
        body = {
            "room_code": "demo-room",
            "type": 1,
            "custom_symptoms": "Rash",
            "question_1": "Yes",
        }
        data = api.post("/intakes", body, token=ada_token).json()["data"]
        assert set(data) == {"id", "custom_symptoms", "question_1"}
        assert data["custom_symptoms"] == "Rash"

    def test_it_needs_a_known_room(self, api, ada_token):
        missing = api.post("/intakes", {"reason_for_visit": "x"}, token=ada_token)
        assert missing.status_code == 400
        assert missing.json()["message"] == "room_code is required"
        unknown = api.post("/intakes", {"room_code": "nope"}, token=ada_token)
        assert unknown.status_code == 400

    def test_it_refuses_an_unknown_type(self, api, ada_token):
        response = api.post(
            "/intakes", {"room_code": "demo-room", "type": 9}, token=ada_token
        )
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "form",
        [
            lambda ids: ids,
            lambda ids: [{"id": i} for i in ids],
            lambda ids: ",".join(ids),
            lambda ids: json.dumps(ids),
        ],
        ids=["list-of-ids", "list-of-objects", "comma-string", "json-text"],
    )
    def test_it_takes_attachments_in_every_documented_form(
        self, api, ada_token, files, form
    ):
        body = {"room_code": "demo-room", "attachments": form(files)}
        intake_id = api.post("/intakes", body, token=ada_token).json()["data"]["id"]
        attachments = get_intake(api, ada_token, intake_id).json()["data"][
            "attachments"
        ]
        assert [a["_id"] for a in attachments] == files

    def test_it_takes_attachments_from_a_form_body(self, api, ada_token, files):
        body = {"room_code": "demo-room", "attachments": ",".join(files)}
        response = api.post("/intakes", body, token=ada_token, encoding="form")
        intake_id = response.json()["data"]["id"]
        assert (
            len(get_intake(api, ada_token, intake_id).json()["data"]["attachments"])
            == 2
        )

    def test_it_refuses_an_unknown_attachment(self, api, ada_token):
        bogus = "577af3e6-9e48-4a51-9315-2ba8c0a8210a"
        body = {"room_code": "demo-room", "attachments": [bogus]}
        response = api.post("/intakes", body, token=ada_token)
        assert response.status_code == 400
        assert response.json() == {
            "code": 400,
            "message": f"Unknown attachment {bogus}",
        }

    def test_it_refuses_another_patients_file_as_an_attachment(
        self, api, upload_file, ada_token, ben_token
    ):
        bens = upload_file(ben_token).json()["data"]["id"]
        body = {"room_code": "demo-room", "attachments": [bens]}
        response = api.post("/intakes", body, token=ada_token)
        assert response.status_code == 400

    def test_it_needs_a_token(self, api, seeded):
        assert api.post("/intakes", {"room_code": "demo-room"}).status_code == 401


class TestIntakesGet:
    def test_it_returns_the_intake_with_vsee_s_types(self, api, ada_token, make_intake):
        consultation = {"id": "c1", "description": "Quick video visit", "duration": 15}
        intake_id = make_intake(
            ada_token,
            type=2,
            reasonforvisit="Cough",
            location="CA",
            phone="5551234567",
            consultation=json.dumps(consultation),
            custom_symptoms="Cough, fever",
        )
        data = get_intake(api, ada_token, intake_id).json()["data"]
        assert data["id"] == intake_id
        assert data["type"] == "2", "VSee sends the intake type as a string"
        assert data["room_code"] == "demo-room"
        assert (data["reason_for_visit"], data["location"], data["phone"]) == (
            "Cough",
            "CA",
            "5551234567",
        )
        assert data["consultation"] == consultation
        assert data["custom_symptoms"] == "Cough, fever"
        assert isinstance(data["created"], int) and isinstance(data["modified"], int)

    def test_it_sends_an_empty_string_when_there_are_no_attachments(
        self, api, ada_token, make_intake
    ):
        data = get_intake(api, ada_token, make_intake(ada_token)).json()["data"]
        assert data["attachments"] == ""

    def test_it_sends_attachments_as_file_objects(
        self, api, ada_token, files, make_intake
    ):
        intake_id = make_intake(ada_token, attachments=files[:1])
        (attachment,) = get_intake(api, ada_token, intake_id).json()["data"][
            "attachments"
        ]
        assert attachment["_id"] == files[0]
        assert (
            attachment["ext"] == "png"
            and attachment["type"] == 0
            and attachment["using"] == 1
        )
        assert attachment["remark"] is None
        assert attachment["path"].endswith(f"{files[0]}.png")
        assert set(attachment["created"]) == {"sec", "usec"}

    def test_it_hides_another_patients_intake(
        self, api, ada_token, ben_token, make_intake
    ):
        intake_id = make_intake(ada_token)
        response = get_intake(api, ben_token, intake_id)
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Not found"}

    def test_it_says_not_found_for_a_malformed_id(self, api, ada_token):
        assert get_intake(api, ada_token, "not-a-uuid").status_code == 404


class TestIntakesUpdate:
    def test_it_merges_fields_and_keeps_the_id(self, api, ada_token, make_intake):
        intake_id = make_intake(ada_token, reason_for_visit="Cough", custom_days="3")
        response = api.post(
            f"/intakes/{intake_id}", {"location": "NY"}, token=ada_token
        )
        assert response.json()["data"] == {"id": intake_id, "custom_days": "3"}
        data = get_intake(api, ada_token, intake_id).json()["data"]
        assert (data["reason_for_visit"], data["location"], data["custom_days"]) == (
            "Cough",
            "NY",
            "3",
        )

    def test_it_replaces_attachments_when_given(
        self, api, ada_token, files, make_intake
    ):
        intake_id = make_intake(ada_token, attachments=files)
        api.post(f"/intakes/{intake_id}", {"attachments": [files[1]]}, token=ada_token)
        data = get_intake(api, ada_token, intake_id).json()["data"]
        assert [a["_id"] for a in data["attachments"]] == [files[1]]
        api.post(f"/intakes/{intake_id}", {"attachments": []}, token=ada_token)
        assert get_intake(api, ada_token, intake_id).json()["data"]["attachments"] == ""

    def test_it_keeps_attachments_when_not_given(
        self, api, ada_token, files, make_intake
    ):
        intake_id = make_intake(ada_token, attachments=files)
        api.post(f"/intakes/{intake_id}", {"phone": "1"}, token=ada_token)
        assert (
            len(get_intake(api, ada_token, intake_id).json()["data"]["attachments"])
            == 2
        )

    def test_it_refuses_to_update_another_patients_intake(
        self, api, ada_token, ben_token, make_intake
    ):
        intake_id = make_intake(ada_token)
        response = api.post(f"/intakes/{intake_id}", {"phone": "1"}, token=ben_token)
        assert response.status_code == 404
