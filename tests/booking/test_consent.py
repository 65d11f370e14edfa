"""Consent before booking: asked on the review page, sent to VSee (the intake's flag and
a signed record), remembered by version only as a keyed hash."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal.clinic.consents import ConsentDocument
from portal.clinic.models import AuditEvent
from portal.clinic.rooms import Room
from portal.patients.models import ConsentGiven
from portal.vsee.client import VSeeClient
from sandbox.models import SandboxFile, SandboxIntake, SandboxVisit
from tests.booking.test_intake import ANSWERS
from tests.booking.test_review import made, start
from tests.conftest import spy

REVIEW = "/rooms/demo-room/walkin/review/"


@pytest.fixture
def telehealth(vsee_live) -> ConsentDocument:
    return ConsentDocument.objects.create(
        room=Room.objects.get(code="demo-room"),
        title="Consent to telehealth",
        text="Video visits have limits.\n\nYou can stop at any time.",
        version="2026-11",
        signature=True,
    )


@pytest.fixture
def research(telehealth) -> ConsentDocument:
    return ConsentDocument.objects.create(
        room=telehealth.room,
        title="Contact for research",
        text="We may ask you to take part in studies.",
        required=False,
        position=1,
    )


def intake_of(client) -> SandboxIntake:
    return SandboxIntake.objects.get(pk=client.session["booking.draft"]["intake_id"])


def visits() -> int:
    return SandboxVisit.objects.count()


@pytest.fixture
def uploads(monkeypatch):
    """What the portal sends to POST /files (the sandbox keeps no file's bytes)."""
    return spy(monkeypatch, VSeeClient, "file_upload")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


class TestAskedBeforeBooking:
    def test_the_review_shows_each_document_to_read_and_accept(
        self, patient_client, telehealth, research
    ):
        start(patient_client, "walkin")
        page = patient_client.get(REVIEW).content.decode()
        assert "Consent to telehealth" in page and "Contact for research" in page
        assert "<p>Video visits have limits.</p>" in page  # readable, in paragraphs
        assert f'name="accept_{telehealth.pk}"' in page
        assert f'name="name_{telehealth.pk}"' in page  # it asks for a signature
        assert f'name="name_{research.pk}"' not in page
        assert "(optional)" in page

    def test_without_accepting_nothing_is_booked_and_the_problem_is_said_once(
        self, patient_client, telehealth
    ):
        start(patient_client, "walkin")
        before = visits()
        r = patient_client.post(REVIEW, {}, follow=True)
        assert r.redirect_chain == [(REVIEW, 302)]
        page = r.content.decode()
        assert "Tick the box to accept “Consent to telehealth”" in page
        assert 'aria-invalid="true"' in page
        assert visits() == before
        assert intake_of(patient_client).data.get("consent") is None
        again = patient_client.get(REVIEW).content.decode()
        assert "Tick the box" not in again

    def test_a_ticked_box_without_the_name_asks_for_the_signature(
        self, patient_client, telehealth
    ):
        start(patient_client, "walkin")
        r = patient_client.post(
            REVIEW,
            {f"accept_{telehealth.pk}": "on", f"name_{telehealth.pk}": " "},
            follow=True,
        )
        assert "Type your full name to sign “Consent to telehealth”." in (
            r.content.decode()
        )
        assert not SandboxFile.objects.filter(category="user_consent").exists()


class TestWhatReachesVSee:
    def test_the_flag_and_a_signed_record_attached_to_the_intake(
        self, patient_client, telehealth, research, uploads
    ):
        start(patient_client, "walkin")
        r = patient_client.post(
            REVIEW,
            {f"accept_{telehealth.pk}": "on", f"name_{telehealth.pk}": "Ada Lovelace"},
        )
        visit = SandboxVisit.objects.latest("pk")
        assert r["Location"] == made("walkin", visit.pk)
        intake = SandboxIntake.objects.get(pk=visit.intake_id)
        assert intake.data["consent"] == "true"
        [record] = SandboxFile.objects.filter(category="user_consent")
        assert str(record.id) in intake.attachment_ids
        [sent] = uploads
        assert sent["category"] == "user_consent"
        assert sent["file"].content_type == "application/pdf"
        text = pdf_text(sent["file"].content)
        assert "Consent to telehealth" in text and "Version 2026-11" in text
        assert "Signed: Ada Lovelace" in text and "Accepted on" in text
        assert "Contact for research" not in text  # declined: not in the record
        # The audit log says which version, never who signed.
        [event] = AuditEvent.objects.filter(action=AuditEvent.Action.CONSENT_GIVEN)
        assert event.detail == f"document={telehealth.pk} version=2026-11"
        assert "Ada" not in event.detail

    def test_a_patient_reads_it_in_spanish_and_the_clinic_s_record_says_so(
        self, patient_client, telehealth, uploads
    ):
        ConsentDocument.objects.filter(pk=telehealth.pk).update(
            title_es="Consentimiento para telemedicina",
            text_es="Las visitas por video tienen límites.",
        )
        patient_client.post("/i18n/setlang/", {"language": "es", "next": REVIEW})
        start(patient_client, "walkin")
        page = patient_client.get(REVIEW).content.decode()
        assert "Consentimiento para telemedicina" in page
        assert "Las visitas por video tienen límites." in page
        assert "Consent to telehealth" not in page
        patient_client.post(
            REVIEW,
            {f"accept_{telehealth.pk}": "on", f"name_{telehealth.pk}": "Ada Lovelace"},
        )
        [sent] = uploads
        text = " ".join(pdf_text(sent["file"].content).split())
        assert "Consent to telehealth" in text  # the clinic's record, in English
        assert (
            "Read and accepted in Spanish, as “Consentimiento para telemedicina”"
            in text
        )

    def test_the_patient_s_own_files_stay_beside_the_record(
        self, patient_client, telehealth
    ):
        from tests.booking.test_files import png_bytes, upload

        start(patient_client, "walkin")
        files_url = "/rooms/demo-room/walkin/files/"
        patient_client.post(files_url, {"files": [upload("card.png", png_bytes())]})
        patient_client.post(
            REVIEW,
            {f"accept_{telehealth.pk}": "on", f"name_{telehealth.pk}": "Ada Lovelace"},
        )
        intake = SandboxIntake.objects.latest("created")
        kinds = sorted(
            SandboxFile.objects.get(id=i).category for i in intake.attachment_ids
        )
        assert kinds == ["intake_attachment", "user_consent"]


class TestAskedAgainOnlyForANewVersion:
    def test_the_same_version_is_not_asked_again_a_new_one_is(
        self, patient_client, telehealth
    ):
        accepted = {f"accept_{telehealth.pk}": "on", f"name_{telehealth.pk}": "Ada L"}
        start(patient_client, "walkin")
        patient_client.post(REVIEW, accepted)
        # Nothing of hers at rest: one keyed hash per accepted version.
        [given] = ConsentGiven.objects.all()
        assert len(given.ref) == 64 and "ada" not in given.ref.lower()

        patient_client.post("/rooms/demo-room/econsult/", ANSWERS)
        econsult = "/rooms/demo-room/econsult/review/"
        assert (
            "Consent to telehealth" not in patient_client.get(econsult).content.decode()
        )
        before = visits()
        patient_client.post(econsult, {})
        assert visits() == before + 1  # booked without asking again

        ConsentDocument.objects.filter(pk=telehealth.pk).update(version="2027-01")
        start(patient_client, "walkin")
        assert "Consent to telehealth" in patient_client.get(REVIEW).content.decode()

    def test_a_document_for_other_options_is_not_asked(
        self, patient_client, telehealth
    ):
        ConsentDocument.objects.filter(pk=telehealth.pk).update(for_walkin=False)
        start(patient_client, "walkin")
        assert (
            "Consent to telehealth" not in patient_client.get(REVIEW).content.decode()
        )
        before = visits()
        patient_client.post(REVIEW, {})
        assert visits() == before + 1


class TestVSeeDown:
    def test_the_record_failing_books_nothing_and_keeps_the_form(
        self, patient_client, telehealth, settings
    ):
        start(patient_client, "walkin")
        before = visits()
        settings.SANDBOX_FAULTS = [
            {"endpoint": "files.upload", "error_rate": 1.0, "error_status": 503}
        ]
        accepted = {f"accept_{telehealth.pk}": "on", f"name_{telehealth.pk}": "Ada L"}
        r = patient_client.post(REVIEW, accepted)
        assert r.status_code == 503
        page = r.content.decode()
        assert 'value="Ada L"' in page and "checked" in page  # nothing to do again
        assert visits() == before
        assert not ConsentGiven.objects.exists()  # not given until VSee has it
        settings.SANDBOX_FAULTS = []
        r = patient_client.post(REVIEW, accepted)
        assert r.status_code == 302 and visits() == before + 1
