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

from portal.notices.sending import send_due
from tests.booking.test_review import start
from tests.conftest import ADA
from tests.production import ROOT, free_port, production_env, run_manage, smtp_server

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
        key=f"v{i}:booked", kind=Kind.BOOKED, visit_id=f"v{i}", room_code="demo-room",
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
