"""portal/booking/disarm.py: only what a file says it is leaves the portal."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from portal.booking.disarm import disarm
from tests.booking import samples


def opened(content: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(content))
    picture.load()
    return picture


class TestPictures:
    def test_exif_and_the_location_in_it_are_gone_and_the_photo_is_upright(self):
        source = samples.jpeg_with_location()
        assert opened(source).getexif()  # the sample does carry it
        content, kind = disarm(source, "jpeg", "rash.jpg")
        assert kind == "jpeg"
        picture = opened(content)
        assert picture.format == "JPEG" and not picture.getexif()
        assert b"MARKER-CAMERA-MAKER" not in content
        assert picture.size == (20, 40)  # turned as the EXIF said

    def test_a_php_script_after_a_jpeg_does_not_go_on(self):
        content, _ = disarm(samples.picture("jpeg") + samples.PHP, "jpeg", "a.jpg")
        assert b"<?php" not in content and opened(content).size == (40, 20)

    def test_a_php_script_in_a_jpeg_comment_does_not_go_on(self):
        source = samples.picture("jpeg", comment=samples.PHP)
        assert samples.PHP in source
        content, _ = disarm(source, "jpeg", "a.jpg")
        assert b"<?php" not in content

    def test_a_zip_after_a_png_does_not_go_on(self):
        content, kind = disarm(samples.picture("png") + samples.ZIP, "png", "card.png")
        assert kind == "png" and b"PK\x03\x04" not in content and b"evil" not in content
        assert opened(content).format == "PNG"

    def test_heic_leaves_as_jpeg(self):
        content, kind = disarm(samples.picture("heic"), "heic", "IMG_0001.HEIC")
        assert kind == "jpeg" and opened(content).format == "JPEG"

    @pytest.mark.parametrize("size", [(50_000, 50_000), (10_000, 7_000)])
    def test_too_many_pixels_is_refused_before_decoding(self, size):
        bomb = samples.png_claiming(*size)
        assert len(bomb) < 4096
        with pytest.raises(ValidationError) as info:
            disarm(bomb, "png", "card.png")
        assert info.value.code == "too_many_pixels"
        assert "too large a picture" in info.value.messages[0]

    def test_a_picture_that_cannot_be_decoded_is_refused(self):
        with pytest.raises(ValidationError) as info:
            disarm(b"\xff\xd8\xff\xe0" + b"\x00" * 200, "jpeg", "a.jpg")
        assert info.value.code == "unreadable_picture"


class TestPdfs:
    def test_a_plain_pdf_is_rewritten_without_what_followed_it(self):
        content, kind = disarm(samples.pdf() + samples.HTML, "pdf", "letter.pdf")
        assert kind == "pdf"
        assert b"<script" not in content and b"<html" not in content
        assert len(PdfReader(io.BytesIO(content)).pages) == 1

    @pytest.mark.parametrize(
        ("made", "words"),
        [
            ({"javascript": True}, "contains JavaScript"),
            ({"attachment": True}, "contains an embedded file"),
        ],
    )
    def test_one_that_would_act_is_refused(self, made, words):
        with pytest.raises(ValidationError) as info:
            disarm(samples.pdf(**made), "pdf", "letter.pdf")
        assert info.value.code == "active_pdf"
        assert words in info.value.messages[0]

    def test_one_locked_with_a_password_is_refused(self):
        with pytest.raises(ValidationError) as info:
            disarm(samples.pdf(password="secret"), "pdf", "letter.pdf")
        assert info.value.code == "locked_pdf"

    def test_one_that_is_not_a_pdf_after_its_first_bytes_is_refused(self):
        with pytest.raises(ValidationError) as info:
            disarm(b"%PDF-1.7\n" + samples.HTML, "pdf", "letter.pdf")
        assert info.value.code == "unreadable_pdf"
