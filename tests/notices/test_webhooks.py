"""VSee's webhooks: the address's secret, the sources allowed, both payload versions,
replays; and, from the sandbox's own webhooks, reminders and emails kept in step with
what the clinic does in VSee."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from portal.access_log import without_secrets
from portal.notices.models import (
    Kind,
    Notice,
    WebhookEvent,
    WebhookSecret,
    WebhookSettings,
)
from portal.notices.sending import send_due
from sandbox.demo import connect_webhooks
from sandbox.models import SandboxWebhook
from tests.booking.test_review import start
from tests.notices.test_emails import REVIEW, book_appointment, calendar_of
from tests.production import production_server, smtp_server

V1 = {
    "version": "1.0",
    "id": "evt-1",
    "type": "visit.updated",
    "created": "1764300000",
    "account_code": "clinicx",
    "data": {
        "id": "1525",
        "member_id": "14396847",
        "provider_id": "0",
        "start": "1764320000",
        "end": "1764320900",
        "status": "40",
        "completed_by": "",
    },
}
V2 = {
    "version": "2.0",
    "id": 991,
    "type": "visit.note.signed_and_sent",
    "created": 1764300000,
    "clinic_code": "clinicx",
    "data": {
        "id": 1525,
        "status": "30",
        "start": 1764320000,
        "end": 1764320900,
        "status_updated_by": 7,
    },
    "note": {"id": 55, "status": "signed"},
}


@pytest.fixture
def secret(db) -> str:
    return WebhookSecret.rotate()


def post(client, secret: str, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        f"/webhooks/vsee/{secret}/", data, content_type="application/json", **extra
    )


class TestTheEndpoint:
    def test_a_wrong_secret_is_nothing_here(self, client, secret):
        assert post(client, "not-the-secret", V1).status_code == 404
        assert not WebhookEvent.objects.exists()

    def test_no_address_made_yet_is_nothing_here_either(self, client, db):
        assert post(client, "anything", V1).status_code == 404

    def test_v1_strings_and_v2_numbers_are_both_read(self, client, secret):
        assert post(client, secret, V1).status_code == 202
        assert post(client, secret, V2).status_code == 202
        first, second = WebhookEvent.objects.order_by("pk")
        assert (first.event_id, first.visit_id, first.status) == ("evt-1", "1525", 40)
        assert (first.starts_at, first.ends_at) == (1764320000, 1764320900)
        assert (second.event_id, second.type, second.note_id) == (
            "991",
            "visit.note.signed_and_sent",
            "55",
        )

    def test_a_replay_is_answered_and_changes_nothing(self, client, secret):
        post(client, secret, V1)
        again = post(client, secret, V1)
        assert again.status_code == 200 and again.json()["duplicate"] is True
        assert WebhookEvent.objects.count() == 1

    @pytest.mark.parametrize(
        "body",
        [
            "{not json",
            "[]",
            json.dumps({"type": "visit.updated"}),
            json.dumps({**V1, "data": "1525"}),
            json.dumps({**V1, "id": ""}),
        ],
    )
    def test_what_is_not_an_event_is_a_400(self, client, secret, body):
        assert post(client, secret, body).status_code == 400
        assert not WebhookEvent.objects.exists()

    def test_only_listed_sources_when_there_is_a_list(self, client, secret):
        row = WebhookSettings.load()
        row.allowed_sources = "203.0.113.0/24"
        row.save()
        assert post(client, secret, V1).status_code == 403
        row.allowed_sources = "203.0.113.0/24\n127.0.0.1"
        row.save()
        assert post(client, secret, V1).status_code == 202

    def test_a_new_address_retires_the_old_one_after_its_grace(self, client, secret):
        new = WebhookSecret.rotate()
        assert post(client, secret, V1).status_code == 202  # in its grace period
        WebhookSecret.objects.exclude(retired_at=None).update(
            retired_at=timezone.now() - timedelta(days=2)
        )
        assert post(client, secret, {**V1, "id": "evt-2"}).status_code == 404
        assert post(client, new, {**V1, "id": "evt-3"}).status_code == 202

    def test_admin_makes_the_address_and_shows_it_once(self, admin_client, db):
        page = admin_client.get("/admin/notices/webhooksettings/new-address/")
        assert "Make a new webhook address?" in page.content.decode()
        r = admin_client.post(
            "/admin/notices/webhooksettings/new-address/", follow=True
        )
        shown = re.search(
            r"http://testserver/webhooks/vsee/([\w-]+)/", r.content.decode()
        )
        assert shown and WebhookSecret.accepts(shown.group(1))
        assert shown.group(1) not in str(list(WebhookSecret.objects.values()))


@pytest.fixture
def from_the_sandbox(live_server, vsee_live):
    """The sandbox posts its webhooks to the portal over HTTP, as VSee would."""
    connect_webhooks(live_server.url)


def provider(admin_client, visit_id: int, action: str) -> None:
    r = admin_client.post(f"/sandbox/clinic/provider/{visit_id}/{action}/")
    assert r.status_code == 302


class TestInStepWithVSee:
    def test_the_clinic_cancelling_drops_the_reminders_and_tells_the_patient_once(
        self, ada, admin_client, mailoutbox, from_the_sandbox
    ):
        visit_id = book_appointment(ada)
        send_due()
        provider(admin_client, visit_id, "cancel")
        event = WebhookEvent.objects.get(type="visit.updated", visit_id=str(visit_id))
        assert event.status == 40
        assert send_due() == 1
        assert not Notice.objects.filter(kind=Kind.REMINDER).exists()
        mail = mailoutbox[-1]
        assert mail.subject == "Demo Clinic has cancelled your appointment"
        assert "METHOD:CANCEL" in calendar_of(mail)
        # VSee delivering the event again, or another saying the same: nothing more.
        path = "/" + SandboxWebhook.objects.get().url.split("/", 3)[3]
        again = {**V1, "id": event.event_id, "data": {**V1["data"], "id": visit_id}}
        assert post(ada, path.split("/")[-2], again).json()["duplicate"] is True
        assert (
            post(ada, path.split("/")[-2], {**again, "id": "evt-9"}).status_code == 202
        )
        assert send_due() == 0
        assert len([m for m in mailoutbox if "cancelled" in m.subject]) == 1

    def test_a_patient_s_own_cancel_echoed_by_vsee_is_told_once(
        self, ada, mailoutbox, from_the_sandbox
    ):
        visit_id = book_appointment(ada)
        ada.post(f"/visits/{visit_id}/cancel/")
        assert WebhookEvent.objects.filter(visit_id=str(visit_id), status=40).exists()
        send_due()
        cancels = [m for m in mailoutbox if "cancel" in m.subject]
        assert [m.subject for m in cancels] == [
            "Your appointment with Demo Clinic is cancelled"
        ]

    def test_the_clinic_moving_it_moves_the_reminders(
        self, ada, admin_client, mailoutbox, from_the_sandbox
    ):
        visit_id = book_appointment(ada)
        send_due()
        before = Notice.objects.get(kind=Kind.BOOKED).starts_at
        provider(admin_client, visit_id, "move")
        assert send_due() == 1
        assert mailoutbox[-1].subject == "Your appointment with Demo Clinic has moved"
        reminders = Notice.objects.filter(kind=Kind.REMINDER, sent_at=None)
        assert {n.starts_at for n in reminders} == {before + 86400}
        assert reminders.count() == 2

    def test_the_visit_ending_drops_what_is_left_to_remind(
        self, ada, admin_client, from_the_sandbox
    ):
        visit_id = book_appointment(ada)
        provider(admin_client, visit_id, "end")
        send_due()
        assert not Notice.objects.filter(kind=Kind.REMINDER).exists()

    def test_a_reply_to_a_question_is_told_then_the_address_goes(
        self, ada, admin_client, mailoutbox, from_the_sandbox
    ):
        start(ada, "econsult")
        r = ada.post(REVIEW.format("econsult"))
        visit_id = int(re.search(r"/booked/(\d+)/", r["Location"]).group(1))
        send_due()
        assert Notice.objects.filter(kind=Kind.ECONSULT).exists()  # kept for the reply
        provider(admin_client, visit_id, "note")
        assert send_due() == 1
        mail = mailoutbox[-1]
        assert mail.subject == "Demo Clinic has replied to your question"
        assert "cold" not in mail.body and "cold" not in mail.alternatives[0][0]
        assert f"/visits/{visit_id}/" in mail.body
        assert not Notice.objects.exists()  # told: the rows and the address are gone
        # The reply is on the visit's page.
        assert "mild cold" in ada.get(f"/visits/{visit_id}/").content.decode()

    def test_a_question_cancelled_or_ended_in_vsee_gets_no_appointment_email(
        self, ada, admin_client, mailoutbox, from_the_sandbox
    ):
        start(ada, "econsult")
        r = ada.post(REVIEW.format("econsult"))
        visit_id = int(re.search(r"/booked/(\d+)/", r["Location"]).group(1))
        send_due()
        provider(admin_client, visit_id, "move")  # its time changes: not a move
        provider(admin_client, visit_id, "cancel")
        assert send_due() == 0
        assert [m.subject for m in mailoutbox] == [
            "Your question to Demo Clinic is sent"
        ]

    def test_a_visit_the_portal_does_not_email_about_is_left_alone(
        self, client, secret
    ):
        post(client, secret, V1)
        assert send_due() == 0 and not Notice.objects.exists()
        assert WebhookEvent.objects.get().processed_at is not None


class TestTheSecretStaysOutOfLogs:
    def test_not_in_the_portal_s_log_records(self, client, secret, caplog):
        caplog.set_level(logging.DEBUG)
        post(client, secret, V1)
        post(client, secret, "{not json")
        post(client, secret, V1)  # a replay
        client.get(f"/webhooks/vsee/{secret}/")
        assert caplog.records
        for record in caplog.records:
            assert secret not in record.getMessage(), record.getMessage()

    def test_not_in_the_access_log(self):
        line = 'GET "POST /webhooks/vsee/s3cr3t-Value_x/?a=1" 202'
        assert without_secrets(line) == 'GET "POST /webhooks/vsee/…/?a=1" 202'
        assert without_secrets("/visits/12/") == "/visits/12/"


@pytest.mark.server
def test_the_production_server_logs_the_address_without_its_secret(tmp_path):
    with (
        smtp_server() as (_, smtp_port),
        production_server(tmp_path, smtp_port) as server,
    ):
        secret = server.manage(
            "shell",
            "-c",
            "from portal.notices.models import WebhookSecret; print(WebhookSecret.rotate())",
        ).split()[-1]
        r = requests.post(
            f"{server.url}/webhooks/vsee/{secret}/",
            json=V1,
            headers={"X-Forwarded-Proto": "https"},
            timeout=10,
        )
        assert r.status_code == 202
        # gunicorn writes the access line after the answer has gone: wait for it.
        deadline = time.monotonic() + 10
        while '"POST /webhooks/vsee/' not in server.log_path.read_text():
            assert time.monotonic() < deadline, server.log_path.read_text()
            time.sleep(0.1)
        log = server.log_path.read_text()
    assert '"POST /webhooks/vsee/…/" 202' in log
    assert secret not in log
