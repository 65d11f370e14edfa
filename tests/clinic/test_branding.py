from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.clinic.branding import (
    Branding,
    contrast_with_white,
    validate_primary_colour,
)

URL = "/admin/clinic/branding/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 32


@pytest.fixture
def staff(client):
    admin = get_user_model().objects.create_superuser(
        "root", "root@example.com", "pw-for-tests-only"
    )
    client.force_login(admin)
    return admin


def _form(**overrides):
    data = {
        "clinic_name_en": "Sunrise Clinic",
        "primary_colour": "#0b5cad",
        "support_phone": "",
        "support_email": "",
        "privacy_url": "",
        "terms_url": "",
    }
    data.update(overrides)
    return data


class TestPrimaryColour:
    def test_it_measures_contrast_as_wcag_does(self):
        assert contrast_with_white("#000000") == pytest.approx(21.0)
        assert contrast_with_white("#ffffff") == pytest.approx(1.0)
        assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)

    @pytest.mark.parametrize("colour", ["#0b5cad", "#000000", "#767676"])
    def test_it_accepts_colours_white_text_is_readable_on(self, colour):
        validate_primary_colour(colour)

    @pytest.mark.parametrize("colour", ["#ffff00", "#777777", "#87ceeb"])
    def test_it_refuses_colours_too_light_for_white_text(self, colour):
        with pytest.raises(ValidationError, match="contrast"):
            validate_primary_colour(colour)

    @pytest.mark.parametrize(
        "colour", ["blue", "#fff", "0b5cad", "#0b5cadff", "red;}body{"]
    )
    def test_it_refuses_anything_but_a_hex_colour(self, colour):
        with pytest.raises(ValidationError, match="#0b5cad"):
            validate_primary_colour(colour)


@pytest.mark.django_db
class TestBrandingAdmin:
    def test_it_saves_and_the_next_page_shows_it(self, client, staff):
        obj = Branding.load()
        client.get(
            "/healthz"
        )  # nothing cached yet; then a patient page caches the old branding
        client.get("/404-page")
        form = _form(
            support_phone="555-0100",
            support_email="help@sunrise.example",
            privacy_url="sunrise.example/privacy",
            primary_colour="#1a4d2e",
        )
        assert client.post(f"{URL}{obj.pk}/change/", form).status_code == 302
        page = client.get("/404-page").content.decode()
        assert "Sunrise Clinic" in page
        assert "--brand: #1a4d2e" in page
        assert 'href="tel:555-0100"' in page
        assert 'href="https://sunrise.example/privacy"' in page

    def test_the_site_icon_takes_the_clinics_colour(self, client, staff):
        def icon_of_page():
            page = client.get("/404-page").content.decode()
            href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
            return href, client.get(href)

        href, icon = icon_of_page()
        assert icon["Content-Type"] == "image/svg+xml"
        assert 'fill="#0b5cad"' in icon.content.decode()
        obj = Branding.load()
        form = _form(primary_colour="#1a4d2e")
        assert client.post(f"{URL}{obj.pk}/change/", form).status_code == 302
        new_href, icon = icon_of_page()
        assert (
            new_href != href
        )  # a browser's day-long cache of the old one is passed by
        assert 'fill="#1a4d2e"' in icon.content.decode()
        # Pages that name no icon (admin's) get the same one at the old address.
        legacy = client.get("/favicon.ico")
        assert legacy.status_code == 302
        assert legacy["Location"] == "/brand/icon.svg"

    def test_it_tells_the_admin_why_a_colour_is_refused(self, client, staff):
        obj = Branding.load()
        r = client.post(f"{URL}{obj.pk}/change/", _form(primary_colour="#ffff00"))
        assert r.status_code == 200
        assert "contrast" in r.content.decode()
        obj.refresh_from_db()
        assert obj.primary_colour == "#0b5cad"

    def test_it_takes_a_png_logo_and_serves_it(self, client, staff):
        obj = Branding.load()
        form = _form(
            logo_upload=SimpleUploadedFile("logo.png", PNG, content_type="image/png")
        )
        assert client.post(f"{URL}{obj.pk}/change/", form).status_code == 302
        page = client.get("/404-page").content.decode()
        assert '<img class="logo" src="/brand/logo?v=' in page
        assert 'alt="Sunrise Clinic"' in page
        logo = client.get("/brand/logo")
        assert logo["Content-Type"] == "image/png"
        assert logo.content == PNG

    def test_it_refuses_a_program_dressed_as_a_png(self, client, staff):
        obj = Branding.load()
        form = _form(
            logo_upload=SimpleUploadedFile("logo.png", EXE, content_type="image/png")
        )
        r = client.post(f"{URL}{obj.pk}/change/", form)
        assert r.status_code == 200
        assert "must be a PNG or JPEG" in r.content.decode()
        assert client.get("/brand/logo").status_code == 404

    def test_it_refuses_a_logo_over_the_size_limit(self, client, staff):
        obj = Branding.load()
        big = PNG + b"\x00" * (600 * 1024)
        r = client.post(
            f"{URL}{obj.pk}/change/",
            _form(logo_upload=SimpleUploadedFile("logo.png", big)),
        )
        assert "The logo is 600 KB; the limit is 512 KB." in r.content.decode()

    def test_it_can_remove_the_logo(self, client, staff):
        obj = Branding.load()
        client.post(
            f"{URL}{obj.pk}/change/",
            _form(logo_upload=SimpleUploadedFile("logo.png", PNG)),
        )
        client.post(f"{URL}{obj.pk}/change/", _form(remove_logo="on"))
        assert client.get("/brand/logo").status_code == 404
        assert "Sunrise Clinic" in client.get("/404-page").content.decode()
