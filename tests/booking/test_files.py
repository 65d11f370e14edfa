"""The attachments step, through the views, against the live sandbox over HTTP."""

from __future__ import annotations

import html
import io
import logging
import os
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from PIL import Image

from portal.booking.uploads import (
    check_upload,
    display_name,
    name_for_kind,
    size_in_words,
    sniff_kind,
)
from portal.clinic.models import AuditEvent
from portal.clinic.rooms import FieldMode, Room
from sandbox.models import SandboxFile, SandboxIntake
from tests.booking import samples
from tests.booking.test_intake import ANSWERS
from tests.booking.test_intake import URL as INTAKE_URL

URL = "/rooms/demo-room/walkin/files/"
REVIEW_URL = "/rooms/demo-room/walkin/review/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def png_bytes(extra: int = 0) -> bytes:
    """A real 1×1 PNG, padded after IEND when a bigger file is wanted."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )
    return png + b"\x00" * extra


PDF = samples.pdf()
JPEG = samples.picture("jpeg")
HEIC = samples.picture("heic")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 120
SAMPLES = {"png": png_bytes(), "pdf": PDF, "jpeg": JPEG, "heic": HEIC}
NAMES = {
    "png": "card.png",
    "pdf": "letter.pdf",
    "jpeg": "rash.jpg",
    "heic": "IMG_0001.HEIC",
}
# What VSee receives: HEIC photos leave as JPEG (portal/booking/disarm.py).
SENT_AS = {**NAMES, "heic": "IMG_0001.jpg"}


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def patient(patient_client):
    """Ada, signed in, with a valid intake posted: the files step is next."""
    r = patient_client.post(INTAKE_URL, ANSWERS)
    assert r.status_code == 302 and r["Location"] == URL
    return patient_client


def intake(client) -> SandboxIntake:
    return SandboxIntake.objects.get(pk=client.session["booking.draft"]["intake_id"])


def file_ids(client) -> list[str]:
    return client.session["booking.draft"]["file_ids"]


def send(client, *files, **extra):
    return client.post(URL, {"files": list(files)}, **extra)


class TestThePage:
    def test_it_states_the_room_s_prompt_and_rules(self, patient):
        r = patient.get(URL)
        assert r.status_code == 200
        page = r.content.decode()
        assert "Step 3 of 4" in page
        assert "Photo of your insurance card, front and back" in page
        assert "PDF, JPEG, PNG or HEIC files of up to 10 MB each." in page
        assert "You can attach up to 3 files." in page
        assert 'enctype="multipart/form-data"' in page
        assert re.search(r'<label class="field__label" for="id_files">', page)
        assert re.search(
            r'<input type="file" name="files" id="id_files" class="[^"]+" multiple',
            page,
        )
        # On a phone, a second control takes a photo with the camera (same field).
        assert re.search(
            r'<input type="file" name="files" id="id_camera" [^>]*accept="image/\*" '
            r'capture="environment"',
            page,
        )
        assert 'accept=".pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png' in page
        assert 'hx-encoding="multipart/form-data"' in page
        assert "No files attached yet." in page
        assert 'name="continue"' in page

    def test_without_an_intake_it_goes_back_to_the_intake(self, patient_client):
        r = patient_client.get(URL)
        assert r.status_code == 302 and r["Location"] == INTAKE_URL

    def test_it_asks_for_sign_in(self, client, vsee_live):
        r = client.get(URL)
        assert r.status_code == 302 and r["Location"].startswith("/sign-in/?next=")

    def test_a_room_without_attachments_skips_the_step(self, patient):
        Room.objects.filter(code="demo-room").update(attachments_mode=FieldMode.HIDDEN)
        r = patient.get(URL)
        assert r.status_code == 302 and r["Location"] == REVIEW_URL
        r = patient.get(URL, **HTMX)
        assert r.status_code == 204 and r["HX-Redirect"] == REVIEW_URL


class TestUploading:
    @pytest.mark.parametrize("kind", ["png", "pdf", "jpeg", "heic"])
    def test_each_kind_reaches_vsee_and_the_intake(self, patient, kind):
        r = send(patient, upload(NAMES[kind], SAMPLES[kind]))
        assert r.status_code == 302 and r["Location"] == URL
        [stored] = SandboxFile.objects.all()
        assert stored.category == "intake_attachment"
        assert stored.name == SENT_AS[kind]
        assert stored.size > 0
        assert file_ids(patient) == [str(stored.id)]
        assert intake(patient).attachment_ids == [str(stored.id)]
        page = patient.get(URL).content.decode()
        assert SENT_AS[kind] in page
        assert f"Added “{SENT_AS[kind]}”." in page
        assert {"png": "PNG", "pdf": "PDF", "jpeg": "JPEG", "heic": "JPEG"}[
            kind
        ] in page
        assert (
            AuditEvent.objects.filter(
                action="file_uploaded", room_code="demo-room", visit_kind="walkin"
            ).count()
            == 1
        )

    def test_the_content_decides_the_name_s_extension(self, patient):
        send(patient, upload("scan.pdf", png_bytes()))
        assert SandboxFile.objects.get().name == "scan.png"

    def test_several_files_in_one_submit(self, patient):
        send(patient, upload("a.png", png_bytes()), upload("b.pdf", PDF))
        assert len(file_ids(patient)) == 2
        assert intake(patient).attachment_ids == file_ids(patient)
        assert AuditEvent.objects.filter(action="file_uploaded").count() == 2

    def test_a_big_file_stays_in_memory(self, patient, monkeypatch):
        used = []
        original = TemporaryFileUploadHandler.new_file

        def spy(self, *args, **kwargs):
            used.append(self.request.path if self.request else "")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", spy)
        # Noise does not compress: past Django's 2.5 MB in-memory default.
        noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
        out = io.BytesIO()
        noise.save(out, "PNG")
        big = out.getvalue()
        assert len(big) > 2.5 * 1024 * 1024
        assert send(patient, upload("big.png", big)).status_code == 302
        assert SandboxFile.objects.get().size > 2.5 * 1024 * 1024
        assert (
            URL not in used
        )  # (the sandbox, standing in for VSee, may spool its copy)

    def test_an_upload_without_the_csrf_token_is_refused(self, patient):
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = patient.cookies
        r = send(strict, upload("a.png", png_bytes()))
        assert r.status_code == 403
        assert not SandboxFile.objects.exists()


class TestDisarming:
    """Through the view: what disarm refuses is said on the page and never sent."""

    def test_a_pdf_with_javascript_is_refused_and_not_sent(self, patient):
        r = send(patient, upload("letter.pdf", samples.pdf(javascript=True)))
        assert r.status_code == 200
        page = r.content.decode().replace("&#x27;", "'")
        assert "“letter.pdf” contains JavaScript, which we can't pass on" in page
        assert not SandboxFile.objects.exists() and file_ids(patient) == []

    def test_a_decompression_bomb_is_refused_and_not_sent(self, patient):
        send(patient, upload("card.png", samples.png_claiming(50_000, 50_000)))
        assert not SandboxFile.objects.exists()

    def test_the_good_file_beside_a_refused_one_still_goes(self, patient):
        send(
            patient,
            upload("letter.pdf", samples.pdf(attachment=True)),
            upload("rash.jpg", samples.jpeg_with_location()),
        )
        assert list(SandboxFile.objects.values_list("name", flat=True)) == ["rash.jpg"]


class TestOneFilePerRequest:
    """upload.js sends each file on its own and reads whether it went from a header."""

    def test_the_answer_says_how_many_went(self, patient, settings):
        good = send(patient, upload("card.png", png_bytes()), **HTMX)
        assert good.status_code == 200 and good["X-Files-Added"] == "1"
        refused = send(patient, upload("invoice.pdf", b"\x7fELF" + b"\0" * 64), **HTMX)
        assert refused["X-Files-Added"] == "0"
        assert 'id="id_files_error"' in refused.content.decode()
        settings.SANDBOX_FAULTS = [
            {"endpoint": "files.upload", "error_rate": 1.0, "error_status": 503}
        ]
        unreachable = send(patient, upload("back.png", png_bytes()), **HTMX)
        assert unreachable["X-Files-Added"] == "0"
        assert "reach the clinic just now" in unreachable.content.decode()
        assert len(file_ids(patient)) == 1


class TestTooLargeToRead:
    """A body larger than all the files the room takes is refused before it is read."""

    LIES = {"CONTENT_LENGTH": str(1000 * 1024 * 1024)}  # 1,000 MB declared

    def test_it_is_refused_unread_with_the_room_s_rules(self, patient):
        # The body is small; were it read up to the declared length, the read would fail.
        r = send(patient, upload("a.png", png_bytes()), **self.LIES)
        page = r.content.decode()
        assert r.status_code == 413
        assert "too large to send together" in page
        assert "up to 3 files of up to 10 MB each" in page
        assert not SandboxFile.objects.exists()
        assert patient.session["booking.draft"]["answers"]["reason_for_visit"]

    def test_with_htmx_the_fragment_says_so(self, patient):
        r = send(patient, upload("a.png", png_bytes()), **self.LIES, **HTMX)
        assert r.status_code == 200
        assert "too large to send together" in r.content.decode()

    def test_just_under_the_limit_is_read_and_judged_file_by_file(self, patient):
        r = send(patient, upload("a.png", png_bytes()))
        assert r.status_code == 302 and SandboxFile.objects.count() == 1


class TestRefusals:
    def refused(self, client, response, message):
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert message in page
        assert 'aria-invalid="true"' in page
        assert 'aria-describedby="id_files_error id_files_helptext"' in page
        assert 'id="id_files_error"' in page
        assert "There is a problem" in page
        return page

    @pytest.mark.parametrize("content", [ELF, MZ], ids=["elf", "mz"])
    def test_a_program_named_pdf_is_refused(self, patient, content):
        r = send(patient, upload("invoice.pdf", content, "application/pdf"))
        self.refused(
            patient,
            r,
            "“invoice.pdf” is a program — please attach a PDF, JPEG, PNG or HEIC file.",
        )
        assert not SandboxFile.objects.exists()
        assert file_ids(patient) == []

    def test_unknown_content_is_refused(self, patient):
        r = send(patient, upload("notes.png", b"just some text, honestly"))
        self.refused(patient, r, "We couldn't tell what kind of file “notes.png” is.")

    def test_an_empty_file_is_refused(self, patient):
        r = send(patient, upload("card.png", b""))
        self.refused(patient, r, "“card.png” is empty.")

    def test_a_file_over_the_room_s_limit_is_refused(self, patient):
        Room.objects.filter(code="demo-room").update(attachment_max_mb=1)
        big = png_bytes(extra=int(1.2 * 1024 * 1024))
        r = send(patient, upload("card.png", big))
        self.refused(patient, r, "“card.png” is 1.3 MB; the limit is 1 MB per file.")
        assert not SandboxFile.objects.exists()

    def test_a_fourth_file_is_refused(self, patient):
        for n in range(3):
            assert send(patient, upload(f"p{n}.png", png_bytes())).status_code == 302
        r = send(patient, upload("p3.png", png_bytes()))
        self.refused(patient, r, "You can attach up to 3 files")
        assert len(file_ids(patient)) == 3
        assert SandboxFile.objects.count() == 3

    def test_too_many_in_one_submit_keeps_the_first_ones(self, patient):
        files = [upload(f"p{n}.png", png_bytes()) for n in range(4)]
        r = send(patient, *files)
        page = self.refused(patient, r, "You can attach up to 3 files, so “p3.png”")
        assert len(file_ids(patient)) == 3
        assert "p0.png" in page and "p2.png" in page

    def test_a_kind_the_room_does_not_take_is_refused(self, patient):
        Room.objects.filter(code="demo-room").update(attachment_kinds=["pdf", "jpeg"])
        page = patient.get(URL).content.decode()
        assert 'accept=".pdf,application/pdf,.jpg,.jpeg,image/jpeg"' in page
        assert "PDF or JPEG files of up to 10 MB each." in page
        r = send(patient, upload("card.png", png_bytes(), "image/png"))
        self.refused(
            patient, r, "“card.png” is a PNG image — please attach a PDF or JPEG file."
        )

    def test_valid_files_in_the_same_submit_still_go_through(self, patient):
        r = send(patient, upload("bad.pdf", ELF), upload("good.png", png_bytes()))
        page = self.refused(patient, r, "“bad.pdf” is a program")
        assert "Added “good.png”." in page
        assert len(file_ids(patient)) == 1
        assert intake(patient).attachment_ids == file_ids(patient)

    def test_no_file_chosen(self, patient):
        r = patient.post(URL, {})
        self.refused(patient, r, "Choose a file to attach.")


class TestNames:
    def test_a_path_and_bidi_override_are_stripped(self, patient):
        send(patient, upload("../../etc/passwd\u202egnp.png", png_bytes()))
        page = patient.get(URL).content.decode()
        assert "passwdgnp.png" in page
        assert "\u202e" not in page and "../" not in page
        assert SandboxFile.objects.get().name == "passwdgnp.png"

    def test_markup_in_a_name_never_appears_raw(self, patient):
        send(patient, upload("<img src=x onerror=alert(1)>.png", png_bytes()))
        page = patient.get(URL).content.decode()
        assert "<img src=x" not in page
        assert "_img src=x onerror=alert(1)_.png" in page

    @pytest.mark.parametrize(
        ("raw", "shown"),
        [
            ("C:\\Users\\ada\\card.png", "card.png"),
            ("../../etc/passwd\u202e.png", "passwd.png"),
            ("scan\u200b\u2066 of\n\tcard .pdf", "scan of card .pdf"),
            ("", "file"),
            ("..", "file"),
            ("\x00\x01", "file"),
            ("<script>.png", "_script_.png"),
        ],
    )
    def test_display_name(self, raw, shown):
        assert display_name(raw) == shown

    def test_a_long_name_is_cut_keeping_its_extension(self):
        name = display_name("x" * 300 + ".jpeg")
        assert len(name) == 80 and name.endswith("….jpeg")

    def test_name_for_kind(self):
        assert name_for_kind("scan.pdf", "png") == "scan.png"
        assert name_for_kind("photo", "jpeg") == "photo.jpg"
        assert name_for_kind("photo.JPEG", "jpeg") == "photo.JPEG"


class TestSniffing:
    @pytest.mark.parametrize("kind", ["png", "pdf", "jpeg", "heic"])
    def test_each_kind(self, kind):
        assert sniff_kind(SAMPLES[kind][:32]) == kind

    @pytest.mark.parametrize(
        "head",
        [
            ELF,
            MZ,
            b"GIF89a",
            b"",
            b"\x00\x00\x00\x18ftypavif",
            b"\x00\x00\x00\x18ftypisom",
            b"PDF-1.4",
        ],
    )
    def test_others_are_not_taken(self, head):
        assert sniff_kind(head[:32]) is None

    @pytest.mark.parametrize(
        "brand",
        [b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"],
    )
    def test_heic_brands(self, brand):
        assert sniff_kind(b"\x00\x00\x00\x18ftyp" + brand) == "heic"

    def test_size_in_words_rounds_up(self):
        assert size_in_words(10 * 1024 * 1024 + 1) == "10.1 MB"
        assert size_in_words(500) == "1 KB"

    @pytest.mark.django_db
    def test_check_upload_names_the_room_s_kinds(self):
        room = Room(code="r", attachment_kinds=["heic"], attachment_max_mb=1)
        with pytest.raises(ValidationError) as exc:
            check_upload(upload("x.gif", b"GIF89a" + b"\x00" * 10), room)
        assert exc.value.messages == [
            "“x.gif” is a GIF image — please attach a HEIC file."
        ]
        assert check_upload(upload("x", HEIC), room) == "heic"


class TestContinue:
    def test_optional_files_may_be_skipped(self, patient):
        r = patient.post(URL, {"continue": "1"})
        assert r.status_code == 302 and r["Location"] == REVIEW_URL

    def test_required_files_block_continue_with_a_message_on_the_input(self, patient):
        Room.objects.filter(code="demo-room").update(
            attachments_mode=FieldMode.REQUIRED
        )
        page = patient.get(URL).content.decode()
        assert 'Add files <span class="field__required">(required)</span>' in page
        r = patient.post(URL, {"continue": "1"})
        # Post/Redirect/Get: the problem is said once, by the page it redirects to.
        assert r.status_code == 302 and r["Location"] == URL
        page = patient.get(URL).content.decode()
        assert "Attach at least one file to continue." in page
        assert 'aria-invalid="true"' in page
        assert '<a href="#id_files">Attach at least one file' in page
        assert "Attach at least one file" not in patient.get(URL).content.decode()
        send(patient, upload("card.png", png_bytes()))
        r = patient.post(URL, {"continue": "1"})
        assert r.status_code == 302 and r["Location"] == REVIEW_URL


class TestContinueWithChosenFiles:
    """A file chosen and not uploaded is never dropped by Continue."""

    def test_continue_uploads_it_first_then_moves_on(self, patient):
        r = patient.post(
            URL, {"continue": "1", "files": [upload("card.png", png_bytes())]}
        )
        assert r.status_code == 302 and r["Location"] == REVIEW_URL
        assert len(file_ids(patient)) == 1
        assert intake(patient).attachment_ids == file_ids(patient)

    def test_a_refused_one_stops_there_with_the_reason(self, patient):
        r = patient.post(
            URL, {"continue": "1", "files": [upload("invoice.pdf", b"MZ" * 64)]}
        )
        assert r.status_code == 200
        assert "“invoice.pdf” is a program" in r.content.decode()
        assert file_ids(patient) == []

    def test_continue_sent_by_htmx_goes_to_the_next_page_whole(self, patient):
        r = patient.post(URL, {"continue": "1"}, headers={"HX-Request": "true"})
        assert r.status_code == 200 and r["HX-Redirect"] == REVIEW_URL


class TestRemoving:
    def test_remove_drops_the_id_from_the_intake(self, patient):
        send(patient, upload("a.png", png_bytes()), upload("b.pdf", PDF))
        patient.get(URL)  # (shows the "Added" message)
        first, second = file_ids(patient)
        r = patient.post(f"{URL}{first}/remove/")
        assert r.status_code == 302 and r["Location"] == URL
        assert file_ids(patient) == [second]
        assert intake(patient).attachment_ids == [second]
        page = patient.get(URL).content.decode()
        assert "Removed “a.png”." in page
        assert "a.png" not in page.replace("Removed “a.png”.", "")
        assert "b.pdf" in page

    def test_remove_needs_a_post(self, patient):
        send(patient, upload("a.png", png_bytes()))
        assert patient.get(f"{URL}{file_ids(patient)[0]}/remove/").status_code == 405

    def test_an_unknown_id_changes_nothing(self, patient):
        send(patient, upload("a.png", png_bytes()))
        r = patient.post(f"{URL}not-mine/remove/")
        assert r.status_code == 302
        assert len(file_ids(patient)) == 1

    def test_vsee_down_on_remove_keeps_the_file(self, patient, settings):
        send(patient, upload("a.png", png_bytes()))
        settings.SANDBOX_FAULTS = [
            {"endpoint": "intakes.update", "error_rate": 1.0, "error_status": 503}
        ]
        r = patient.post(f"{URL}{file_ids(patient)[0]}/remove/")
        assert r.status_code == 503
        assert "the file is still attached" in r.content.decode()
        assert len(file_ids(patient)) == 1
        assert len(intake(patient).attachment_ids) == 1


class TestHtmx:
    def test_an_upload_returns_the_fragment(self, patient):
        r = send(patient, upload("a.png", png_bytes()), **HTMX)
        assert r.status_code == 200
        page = r.content.decode()
        assert "<html" not in page
        assert page.lstrip().startswith('<div id="files-panel"')
        assert "a.png" in page
        assert '<div id="files-status" hx-swap-oob="innerHTML">' in page
        assert "Added “a.png”." in page
        assert 'hx-post="/rooms/demo-room/walkin/files/' in page

    def test_a_refusal_is_said_in_the_fragment_and_the_live_region(self, patient):
        r = send(patient, upload("x.pdf", ELF), **HTMX)
        assert r.status_code == 200
        page = r.content.decode()
        assert "<html" not in page
        assert 'aria-invalid="true"' in page
        assert "There is a problem: “x.pdf” is a program" in page

    def test_remove_returns_the_fragment(self, patient):
        send(patient, upload("a.png", png_bytes()))
        r = patient.post(f"{URL}{file_ids(patient)[0]}/remove/", **HTMX)
        assert r.status_code == 200
        page = r.content.decode()
        assert "<html" not in page and "No files attached yet." in page
        assert "Removed “a.png”." in page


class TestVSeeDown:
    def test_upload_fails_clearly_and_nothing_is_lost(self, patient, settings):
        send(patient, upload("first.png", png_bytes()))
        settings.SANDBOX_FAULTS = [
            {"endpoint": "files.upload", "error_rate": 1.0, "error_status": 503}
        ]
        r = send(patient, upload("second.png", png_bytes()))
        assert r.status_code == 503
        page = html.unescape(r.content.decode())
        assert "couldn't reach the clinic" in page
        assert "first.png" in page
        assert len(file_ids(patient)) == 1
        assert len(intake(patient).attachment_ids) == 1
        assert AuditEvent.objects.filter(action="vsee_error").count() == 1
        settings.SANDBOX_FAULTS = []
        assert send(patient, upload("second.png", png_bytes())).status_code == 302
        assert len(intake(patient).attachment_ids) == 2

    def test_with_htmx_the_message_is_in_the_fragment(self, patient, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "files.upload", "error_rate": 1.0, "error_status": 503}
        ]
        r = send(patient, upload("a.png", png_bytes()), **HTMX)
        assert r.status_code == 200
        assert "couldn't reach the clinic" in html.unescape(r.content.decode())

    def test_attaching_to_the_intake_fails_then_continue_catches_up(
        self, patient, settings
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "intakes.update", "error_rate": 1.0, "error_status": 503}
        ]
        r = send(patient, upload("a.png", png_bytes()))
        assert r.status_code == 503
        assert "kept here" in r.content.decode()
        assert len(file_ids(patient)) == 1
        assert intake(patient).attachment_ids == []
        r = patient.post(URL, {"continue": "1"})
        assert r.status_code == 503
        settings.SANDBOX_FAULTS = []
        r = patient.post(URL, {"continue": "1"})
        assert r.status_code == 302 and r["Location"] == REVIEW_URL
        assert intake(patient).attachment_ids == file_ids(patient)


def test_no_file_name_reaches_the_audit_log_or_the_logs(patient, caplog):
    caplog.set_level(logging.DEBUG)
    send(patient, upload("Zqsecretname.png", png_bytes()))
    send(patient, upload("Zqsecretprogram.pdf", ELF))
    send(patient, upload("Zqsecretfour.png", png_bytes()), **HTMX)
    patient.post(f"{URL}{file_ids(patient)[0]}/remove/")
    assert AuditEvent.objects.filter(action="file_uploaded").count() == 2
    rows = " ".join(
        " ".join(str(v) for v in row)
        for row in AuditEvent.objects.values_list(
            "action", "room_code", "visit_id", "visit_kind", "patient_ref", "detail"
        )
    )
    logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "attachment refused: wrong_kind" in logs
    assert "Zqsecret" not in rows
    assert "Zqsecret" not in logs
