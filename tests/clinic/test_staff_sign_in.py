"""Staff sign-in to admin (portal/clinic/staff.py): lockout after wrong passwords, and the
authenticator code for those who have one, required for superusers where configured."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "sam", password=PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client, password: str = PASSWORD, code: str = "", **extra):
    data = {"username": "sam", "password": password, "otp_token": code}
    return client.post(LOGIN, {**data, "next": "/admin/"}, **extra)


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def admin_opens(client) -> bool:
    return client.get("/admin/").status_code == 200


class TestWrongPasswords:
    def test_after_five_from_one_address_even_the_right_one_is_locked_out(
        self, client, staff
    ):
        for _ in range(4):
            assert sign_in(client, "wrong").status_code == 200
        assert sign_in(client, "wrong").status_code == 429  # the fifth locks
        r = sign_in(client)
        assert r.status_code == 429
        assert "too many wrong passwords" in r.content.decode()
        assert not admin_opens(client)

    def test_another_address_is_not_locked_out(self, client, staff):
        for _ in range(5):
            sign_in(client, "wrong", REMOTE_ADDR="203.0.113.5")
        assert sign_in(client, REMOTE_ADDR="203.0.113.6").status_code == 302
        assert admin_opens(client)

    def test_a_right_password_resets_the_count(self, client, staff):
        for _ in range(4):
            sign_in(client, "wrong")
        assert sign_in(client).status_code == 302
        client.post("/admin/logout/")
        for _ in range(4):
            sign_in(client, "wrong")
        assert sign_in(client).status_code == 302


class TestAuthenticatorCode:
    @pytest.fixture
    def device(self, staff) -> TOTPDevice:
        return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    def test_with_an_authenticator_the_password_alone_is_not_enough(
        self, client, device
    ):
        r = sign_in(client)
        assert r.status_code == 200
        assert not admin_opens(client)

    def test_the_password_and_the_app_s_code_open_admin(self, client, device):
        assert sign_in(client, code=code_for(device)).status_code == 302
        assert admin_opens(client)

    def test_a_wrong_code_is_refused(self, client, device):
        wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
        assert sign_in(client, code=wrong).status_code == 200
        assert not admin_opens(client)

    def test_superusers_must_have_one_where_required(self, client, staff, settings):
        settings.STAFF_2FA_REQUIRED_FOR_SUPERUSERS = True
        sign_in(client)
        assert not admin_opens(client)
        page = client.get(LOGIN).content.decode()
        assert "python manage.py add_totp_device sam" in page

    def test_other_staff_may_go_without_while_they_have_none(
        self, client, staff, settings
    ):
        settings.STAFF_2FA_REQUIRED_FOR_SUPERUSERS = True
        staff.is_superuser = False
        staff.save()
        assert sign_in(client).status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_the_login_page_labels_the_code_field(self, client):
        page = client.get(LOGIN).content.decode()
        assert (
            '<label for="id_otp_token">Code from your authenticator app:</label>'
            in page
        )
        assert 'autocomplete="one-time-code"' in page


class TestAddTotpDeviceCommand:
    def test_it_sets_one_up_and_shows_it_once(self, staff):
        out = StringIO()
        call_command("add_totp_device", "sam", stdout=out)
        device = TOTPDevice.objects.get(user=staff)
        assert device.confirmed
        assert re.search(r"otpauth://totp/[^\s]*secret=", out.getvalue())

    def test_replace_removes_the_lost_one(self, staff):
        call_command("add_totp_device", "sam", stdout=StringIO())
        call_command("add_totp_device", "sam", "--replace", stdout=StringIO())
        assert TOTPDevice.objects.filter(user=staff).count() == 1

    def test_it_refuses_someone_who_is_not_staff(self):
        get_user_model().objects.create_user("pat", password=PASSWORD)
        with pytest.raises(CommandError, match="not staff"):
            call_command("add_totp_device", "pat", stdout=StringIO())
