"""POST /files (sandbox/views/files.py: upload)."""

from __future__ import annotations

from django.conf import settings

from sandbox.models import SandboxFile
from tests.sandbox.conftest import PNG


class TestFilesUpload:
    def test_it_records_the_file_in_vsee_s_shape(self, api, upload_file, ada_token):
        response = upload_file(ada_token, name="Insurance Card.PNG")
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        stored = SandboxFile.objects.get(pk=data["id"])
        assert (data["name"], data["size"], data["ext"]) == (
            "Insurance Card.PNG",
            len(PNG),
            "png",
        )
        assert data["fullpath"].startswith("http://testserver/sandbox/api_v3/files/")
        assert data["meta"] == {
            "category": "intake_attachment",
            "target": {"id": str(stored.owner_id), "type": "user"},
            "account": {"code": settings.SANDBOX_ACCOUNT_CODE},
        }
        assert data["creator"]["id"] == str(stored.owner_id)
        assert data["creator"]["full_name"] == "Ada Lovelace"

    def test_it_keeps_metadata_only(self, api, upload_file, ada_token):
        upload_file(ada_token)
        fields = {f.name for f in SandboxFile._meta.get_fields()}
        assert not fields & {"content", "data", "file", "bytes"}

    def test_it_refuses_an_unknown_category(self, api, upload_file, ada_token):
        response = upload_file(ada_token, category="x-ray")
        assert response.status_code == 400
        assert response.json()["message"].startswith("meta.category must be one of")

    def test_it_needs_the_file_part(self, api, ada_token):
        body = {"meta.category": "user_document"}
        response = api.post("/files", body, token=ada_token, encoding="multipart")
        assert response.status_code == 400
        assert response.json()["message"] == "file is required"

    def test_it_needs_a_patient_token(self, api, upload_file, seeded):
        assert upload_file(None).status_code == 401
