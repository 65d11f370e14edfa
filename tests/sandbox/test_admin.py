"""The sandbox admin (sandbox/admin.py) renders for a superuser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.models import (
    SandboxAvailability,
    SandboxConsultation,
    SandboxFault,
    SandboxFile,
    SandboxIntake,
    SandboxRoom,
    SandboxToken,
    SandboxUser,
    SandboxVisit,
)

ALL = [
    SandboxFault,
    SandboxRoom,
    SandboxConsultation,
    SandboxUser,
    SandboxToken,
    SandboxAvailability,
    SandboxFile,
    SandboxIntake,
    SandboxVisit,
]


def url(model, action, *args):
    return reverse(f"admin:sandbox_{model._meta.model_name}_{action}", args=args)


class TestSandboxAdmin:
    @pytest.mark.parametrize("model", ALL, ids=lambda m: m.__name__)
    def test_it_renders_the_list_and_one_row(
        self, admin_client, ada_token, upload_file, model
    ):
        SandboxFault.objects.create(endpoint="visits.create", error_rate=0.5)
        upload_file(ada_token)
        assert admin_client.get(url(model, "changelist")).status_code == 200
        row = model.objects.first()
        if row is not None:
            assert admin_client.get(url(model, "change", row.pk)).status_code == 200

    @pytest.mark.parametrize(
        "model",
        [SandboxFault, SandboxRoom, SandboxConsultation],
        ids=lambda m: m.__name__,
    )
    def test_it_offers_an_add_form_for_editable_models(self, admin_client, db, model):
        assert admin_client.get(url(model, "add")).status_code == 200

    def test_it_keeps_api_written_rows_read_only(self, admin_client, db):
        assert admin_client.get(url(SandboxVisit, "add")).status_code == 403

    def test_it_never_shows_token_values(self, admin_client, ada_token):
        token = SandboxToken.objects.get(token=ada_token)
        page = admin_client.get(url(SandboxToken, "change", token.pk))
        assert ada_token.encode() not in page.content

    def test_it_switches_a_fault_off_from_the_list(self, admin_client, db):
        fault = SandboxFault.objects.create(endpoint="*", error_rate=1.0)
        form = {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(fault.pk),
            "_save": "Save",
        }
        admin_client.post(url(SandboxFault, "changelist"), form)
        fault.refresh_from_db()
        assert fault.active is False
