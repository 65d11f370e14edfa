"""The worker for real: an in-process SMTP server receives what it sends, and two
worker processes running at once send every due email exactly once, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from portal.clinic.models import AuditEvent
from portal.notices.models import Kind, Notice
from portal.notices.sending import send_due
from sandbox.demo import connect_webhooks
from tests.booking.test_review import start
from tests.conftest import ADA, sign_in_by_email
from tests.notices.test_emails import book_appointment
from tests.production import (
    ROOT,
    Mailbox,
    free_port,
    production_env,
    run_manage,
    smtp_server,
)

QUEUED = 40

QUEUE_SCRIPT = """
import time
from datetime import timedelta
from django.utils import timezone
from portal.notices.models import Kind, Notice
from portal.patients.identity import seal
start = int(time.time()) + 86400
Notice.objects.bulk_create(
    Notice(
        key=f"v{i}:reminder:1:{start}", kind=Kind.REMINDER, visit_id=f"v{i}",
        room_code="demo-room",
        starts_at=start, ends_at=start + 900, made_at=start - 60, changed_at=start - 60,
        time_zone="America/New_York", portal_url="http://127.0.0.1/",
        sealed_to=seal({"to": f"patient{i}@example.com"}),
        due_at=timezone.now() - timedelta(seconds=1),
    )
    for i in range(__COUNT__)
)
""".replace("__COUNT__", str(QUEUED))

COUNT_SCRIPT = """
from portal.notices.models import Notice
print(Notice.objects.filter(sent_at__isnull=False).count())
"""


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not running here")
    import psycopg

    name = f"notices_{uuid.uuid4().hex[:12]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.server
def test_two_workers_at_once_send_each_email_exactly_once(tmp_path, database_url):
    with smtp_server() as (mailbox, smtp_port):
        env = production_env(tmp_path, free_port(), smtp_port)
        env["DATABASE_URL"] = database_url
        run_manage(env, "migrate", "--noinput")
        run_manage(env, "shell", "-c", QUEUE_SCRIPT)
        workers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "send_notices", "--once"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        said = []
        for worker in workers:
            out, errors = worker.communicate(timeout=120)
            assert worker.returncode == 0, errors
            said.append(int(re.search(r"Sent (\d+) emails", out).group(1)))
        assert sum(said) == QUEUED, said  # each counted by the one that sent it
        print(f"sent by each worker: {said}")
        recipients = sorted(m["To"] for m in mailbox.messages)
        assert recipients == sorted(f"patient{i}@example.com" for i in range(QUEUED))
        sent = run_manage(env, "shell", "-c", COUNT_SCRIPT).split()[-1]
        assert sent == str(QUEUED)  # every row marked sent, none left for a retry


def test_what_an_smtp_server_receives(patient_client, mailoutbox, settings):
    start(patient_client, "econsult")
    patient_client.post("/rooms/demo-room/econsult/review/")
    with smtp_server() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        assert send_due() == 1
    [message] = mailbox.messages
    assert message["To"] == ADA["email"]
    assert message["Subject"] == "Your question to Demo Clinic is sent"
    assert message.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p for p in message.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode()
    html = parts["text/html"].get_payload(decode=True).decode()
    assert "The clinic's reply will be on your visit's page." in text
    assert re.search(r'href="http://testserver/visits/\d+/"', html)


class RefusingMailbox(Mailbox):
    """An SMTP server that knows no one at nobody.example."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's name
        if address.endswith("@nobody.example"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_an_address_the_server_refuses_is_given_up_at_once(
    client, vsee_live, mailoutbox, settings
):
    sign_in_by_email(client, mailoutbox, {**ADA, "email": "ada@nobody.example"})
    start(client, "econsult")
    client.post("/rooms/demo-room/econsult/review/")
    mailbox = RefusingMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = False
        assert send_due() == 0
    finally:
        controller.stop()
    notice = Notice.objects.get()
    assert notice.attempts == 1 and notice.gave_up_at and notice.sealed_to == ""
    [event] = AuditEvent.objects.filter(action="email_given_up")
    assert "why=address_refused" in event.detail and "nobody" not in event.detail


def test_every_kind_arrives_over_smtp_with_nothing_private_in_it(
    patient_client, admin_client, live_server, vsee_live, settings
):
    """Each kind of email, through a real SMTP server: its words, its calendar file
    where it has one, and none of the patient's details or answers."""
    connect_webhooks(live_server.url)
    client = patient_client
    moved_id = book_appointment(client)  # booked, two reminders; then moved
    Notice.objects.filter(kind=Kind.REMINDER).update(due_at=timezone.now())
    cancelled_id = book_appointment(client, hours_ahead=60)  # cancelled by the patient
    clinic_id = book_appointment(client, hours_ahead=90)  # cancelled by the clinic
    for option in ("walkin", "econsult"):
        start(client, option)
        r = client.post(f"/rooms/demo-room/{option}/review/")
    econsult_id = int(re.search(r"/booked/(\d+)/", r["Location"]).group(1))
    with smtp_server() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        send_due()
        page = client.get(f"/visits/{moved_id}/reschedule/").content.decode()
        booked_at = Notice.objects.filter(visit_id=str(moved_id)).first().starts_at
        slot = next(
            s
            for s in re.findall(r'name="slot" value="(\d+-\d+)"', page)
            if not s.startswith(str(booked_at))
        )
        client.post(f"/visits/{moved_id}/reschedule/", {"slot": slot, "confirm": "1"})
        client.post(f"/visits/{cancelled_id}/cancel/")
        admin_client.post(f"/sandbox/clinic/provider/{clinic_id}/cancel/")
        admin_client.post(f"/sandbox/clinic/provider/{econsult_id}/note/")
        send_due()
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert subjects == sorted(
        [
            *["Your appointment with Demo Clinic is booked"] * 3,
            *["Reminder: your appointment with Demo Clinic"] * 2,
            "You're checked in with Demo Clinic",
            "Your question to Demo Clinic is sent",
            "Your appointment with Demo Clinic has moved",
            "Your appointment with Demo Clinic is cancelled",
            "Demo Clinic has cancelled your appointment",
            "Demo Clinic has replied to your question",
        ]
    )
    private = [ADA["first_name"], ADA["last_name"], ADA["dob"], "Sore throat", "Mina"]
    for message in mailbox.messages:
        kinds = {p.get_content_type() for p in message.walk()}
        assert {"text/plain", "text/html"} <= kinds, message["Subject"]
        calendar = "text/calendar" in kinds
        assert calendar == any(
            word in message["Subject"] for word in ("booked", "moved", "cancelled")
        ), message["Subject"]
        content = " ".join(
            p.get_payload(decode=True).decode()
            for p in message.walk()
            if not p.is_multipart()
        )
        for secret in private:
            assert secret not in content, (message["Subject"], secret)
