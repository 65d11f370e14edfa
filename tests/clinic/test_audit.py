from __future__ import annotations

import csv
import io
import logging

import pytest
from django.contrib.auth import get_user_model

from portal.clinic.audit import Action, Outcome, patient_ref, record
from portal.clinic.models import AuditEvent


@pytest.fixture
def staff(client):
    admin = get_user_model().objects.create_superuser(
        "root", "root@example.com", "pw-for-tests-only"
    )
    client.force_login(admin)
    return admin


@pytest.mark.django_db
class TestRecord:
    def test_it_stores_a_keyed_hash_not_the_member_id(self, caplog):
        caplog.set_level(logging.INFO)
        event = record(
            Action.VISIT_CREATED,
            member_id="17778181",
            room_code="demo-room",
            visit_id="1001",
            visit_kind="appointment",
        )
        event.refresh_from_db()
        assert event.patient_ref == patient_ref("17778181")
        assert "17778181" not in event.patient_ref
        assert len(event.patient_ref) == 32
        assert "17778181" not in caplog.text

    def test_it_gives_the_same_patient_the_same_reference_and_others_another(self):
        assert patient_ref("1") == patient_ref("1")
        assert patient_ref("1") != patient_ref("2")

    def test_it_changes_every_reference_with_the_audit_key(self, settings):
        before = patient_ref("1")
        settings.AUDIT_KEY = "another-key"
        assert patient_ref("1") != before

    def test_it_records_failures_with_technical_detail_only(self):
        event = record(
            Action.VSEE_ERROR,
            outcome=Outcome.FAILURE,
            detail="VSeeUnavailable status=503 request_id=abc",
        )
        assert event.outcome == "failure"
        assert AuditEvent.objects.filter(action="vsee_error").count() == 1


@pytest.mark.django_db
class TestAuditAdmin:
    URL = "/admin/clinic/auditevent/"

    def test_it_lists_and_filters_events(self, client, staff):
        record(Action.SIGNED_IN, member_id="1", room_code="demo-room")
        record(Action.VISIT_CANCELLED, member_id="1", room_code="derm", visit_id="1002")
        r = client.get(self.URL, {"action__exact": "visit_cancelled"})
        assert r.status_code == 200
        assert "1002" in r.content.decode()
        assert r.context["cl"].result_count == 1

    def test_it_cannot_be_added_to_changed_or_deleted_even_by_a_superuser(
        self, client, staff
    ):
        event = record(Action.SIGNED_IN, member_id="1")
        assert client.get(self.URL + "add/").status_code == 403
        assert client.get(f"{self.URL}{event.pk}/delete/").status_code == 403
        r = client.post(
            f"{self.URL}{event.pk}/change/",
            {"action": "visit_created", "outcome": "failure"},
        )
        assert r.status_code == 403
        event.refresh_from_db()
        assert event.action == "signed_in"
        r = client.post(
            self.URL, {"action": "delete_selected", "_selected_action": [event.pk]}
        )
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_it_exports_the_selected_events_as_csv(self, client, staff):
        first = record(Action.SIGNED_IN, member_id="1", room_code="demo-room")
        second = record(
            Action.VISIT_CREATED,
            member_id="1",
            room_code="demo-room",
            visit_id="1001",
            visit_kind="walk-in",
        )
        r = client.post(
            self.URL,
            {"action": "export_csv", "_selected_action": [first.pk, second.pk]},
        )
        assert r["Content-Type"] == "text/csv"
        rows = list(csv.DictReader(io.StringIO(r.content.decode())))
        assert [row["action"] for row in rows] == ["signed_in", "visit_created"]
        assert rows[1]["visit_id"] == "1001"
        assert rows[0]["patient_ref"] == patient_ref("1")


@pytest.mark.django_db
def test_control_characters_never_reach_an_audit_row():
    from portal.clinic import audit

    event = audit.record("access_denied", visit_id="12\x0034\n", detail="a\x00b")
    event.refresh_from_db()
    assert (event.visit_id, event.detail) == ("1234", "ab")
