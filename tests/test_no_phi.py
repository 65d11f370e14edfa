"""No PHI where it does not belong: a whole flow (sign-in, intake, files, visit, history)
with marker values, then a search for them in the audit log, every log record, every URL
the portal sent the browser to, and the session table (encrypted while the session
lasts, and gone with it)."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from io import StringIO

from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from portal.clinic.admin.audit import CSV_FIELDS
from portal.clinic.consents import ConsentDocument
from portal.clinic.models import AuditEvent
from portal.clinic.rooms import Room
from portal.notices.sending import send_due
from portal.patients.models import KnownPatient
from portal.sessions import SessionStore
from sandbox.models import SandboxVisit
from tests.booking.test_files import png_bytes
from tests.conftest import made_visit_id

MARKERS = {
    "first_name": "Zyxmarkfirst",
    "last_name": "Qwmarklast",
    "dob": "1911-11-11",
    "email": "phi.marker.zz@example.com",
}
CHILD = {"first_name": "Zyxchildfirst", "last_name": "Qwchildlast", "dob": "2012-12-12"}
ANSWERS = {
    "reason_for_visit": "MARKER-REASON-7781",
    "location": "NY",
    "phone": "212 555 0199",
    "custom_allergies": "MARKER-ALLERGY-5521",
    "custom_symptoms_since": "2026-11-20",
    "custom_insurance": "Self-pay",
    "custom_seen_before": "yes",
}
NEEDLES = [
    "Zyxchildfirst",
    "Qwchildlast",
    "2012-12-12",
    "Zyxmarkfirst",
    "Qwmarklast",
    "1911-11-11",
    "phi.marker.zz",
    "MARKER-REASON",
    "MARKER-ALLERGY",
    "555 0199",
    "MARKER-FILENAME",
    "MARKER-BADFILE",
    "Zyxsignedas",
]


def test_a_patient_s_details_reach_neither_the_audit_log_nor_the_logs(
    client, vsee_live, mailoutbox, caplog
):
    caplog.set_level(logging.DEBUG)
    locations = []

    who = {k: MARKERS[k] for k in ("first_name", "last_name", "dob")}

    def sign_in(details: dict) -> None:
        r = client.post(
            "/sign-in/", {"email": MARKERS["email"], "next": "/rooms/demo-room/walkin/"}
        )
        locations.append(r["Location"])
        code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
        wrong = "000000" if code != "000000" else "1"
        r = client.post("/sign-in/code/", {"code": wrong})
        r = client.post("/sign-in/code/", {"code": code})
        locations.append(r["Location"])
        if "first_name" not in details:  # returning: a wrong birth date first
            r = client.post("/sign-in/you/", {"dob": "1912-12-12"}, follow=True)
            assert "doesn't match" in r.content.decode().replace("&#x27;", "'")
        r = client.post("/sign-in/you/", details)
        locations.append(r["Location"])

    sign_in(who)  # the first time: name and birth date recorded
    client.post("/sign-out/")
    sign_in({"dob": MARKERS["dob"]})  # returning: the birth date confirmed
    # The visit is for someone in the patient's care, added on the way.
    r = client.post("/rooms/demo-room/walkin/", {**ANSWERS, "who": "new"})
    locations.append(r["Location"])
    r = client.post(r["Location"], CHILD)
    locations.append(r["Location"])
    r = client.post("/rooms/demo-room/walkin/", {**ANSWERS, "phone": "12"})  # invalid
    r = client.post("/rooms/demo-room/walkin/", ANSWERS)
    locations.append(r["Location"])
    r = client.post("/rooms/demo-room/walkin/", ANSWERS)  # an update
    locations.append(r["Location"])
    files = "/rooms/demo-room/walkin/files/"
    upload = SimpleUploadedFile(
        "MARKER-FILENAME-3391.png", png_bytes(), content_type="image/png"
    )
    r = client.post(files, {"files": [upload]})
    locations.append(r["Location"])
    refused = SimpleUploadedFile("MARKER-BADFILE-2210.pdf", b"MZ\x90\x00" * 64)
    client.post(files, {"files": [refused]})
    # A consent signed with a typed name: first with the box left empty (the form, name
    # and all, waits in the session for the page that says so), then accepted.
    consent = ConsentDocument.objects.create(
        room=Room.objects.get(code="demo-room"),
        title="Telehealth",
        text="…",
        signature=True,
    )
    signed = {f"name_{consent.pk}": "Zyxsignedas Qwmarklast"}
    r = client.post("/rooms/demo-room/walkin/review/", signed)
    locations.append(r["Location"])
    r = client.post(
        "/rooms/demo-room/walkin/review/", {**signed, f"accept_{consent.pk}": "on"}
    )
    locations.append(r["Location"])
    visit_id = made_visit_id(r["Location"])
    client.get(r["Location"])  # into the waiting room
    client.get(f"/booked/{visit_id}/")
    client.get("/visits/")
    client.get(f"/visits/{visit_id}/")
    client.get("/visits/999999/")  # not hers: a 404 and an audit row
    # Every email the flow queued, sent: none carries a name, birth date or answer.
    assert send_due() >= 1
    for mail in mailoutbox:
        content = " ".join(
            [mail.subject, mail.body]
            + [str(body) for body, _ in getattr(mail, "alternatives", [])]
            + [str(attachment[1]) for attachment in mail.attachments]
        )
        for needle in NEEDLES:
            assert needle not in content, (mail.subject, needle)

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "sign_in_failed",
        "signed_in",
        "intake_created",
        "intake_updated",
        "file_uploaded",
        "visit_created",
        "access_denied",
        "consent_given",
    } <= actions

    audit_rows = " ".join(
        " ".join(str(v) for v in row)
        for row in AuditEvent.objects.values_list(*CSV_FIELDS)
    )
    logs = "\n".join(
        f"{record.name} {record.getMessage()}" for record in caplog.records
    )
    assert logs, "the flow should have logged something to search"
    stored = " ".join(Session.objects.values_list("session_data", flat=True))
    readable = json.dumps(SessionStore(client.session.session_key).load())
    assert "Zyxmarkfirst" in readable  # the session does hold it, for the patient
    for needle in NEEDLES:
        assert needle not in audit_rows, needle
        assert needle not in logs, needle
        assert all(needle not in url for url in locations), needle
        assert needle not in stored, needle  # but not readable at rest

    # Nowhere in our database in plaintext (the sandbox's tables are VSee's side).
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("sandbox_"):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            rows = " ".join(repr(row) for row in cursor.fetchall())
            for needle in NEEDLES:
                assert needle not in rows, (table, needle)
    # Recognised, by a keyed hash and a seal: the patient, and the person in their care.
    assert KnownPatient.objects.count() == 2
    assert SandboxVisit.objects.get(pk=visit_id).member.first_name == "Zyxchildfirst"

    # Signing out deletes the session, draft and all; ended ones go with housekeeping.
    client.post("/sign-out/")
    other = Client()
    other.post("/sign-in/", {"email": MARKERS["email"], "next": "/"})
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    call_command("housekeeping", stdout=StringIO())
    assert not Session.objects.exists()
