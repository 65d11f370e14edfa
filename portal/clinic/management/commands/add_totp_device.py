"""Set up two-factor sign-in for a staff member: a TOTP device, shown once as a QR code and
a link for their authenticator app. Run where only the server's operators can read it."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Set up an authenticator app (TOTP) for a staff member's admin sign-in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the staff member's other authenticators (a lost phone).",
        )

    def handle(self, *args: Any, username: str, replace: bool, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: admin is staff only.")
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True
        )
        qr = qrcode.QRCode(border=2)
        qr.add_data(device.config_url)
        picture = io.StringIO()
        qr.print_ascii(out=picture, invert=True)
        self.stdout.write(picture.getvalue())
        self.stdout.write(
            f"Scan this with {username}'s authenticator app, or open this link on "
            f"their phone:\n{device.config_url}\n"
            "It is shown once: from now on admin asks this user for the app's code."
        )
