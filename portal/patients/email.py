"""The one email the portal sends: a sign-in code. No name, no health detail in it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from portal.clinic.branding import current_branding


def send_sign_in_code(email: str, code: str) -> None:
    clinic = current_branding().get("clinic_name") or "your clinic"
    minutes = settings.SIGN_IN_CODE_MINUTES
    send_mail(
        subject=f"Your sign-in code for {clinic}",
        message=(
            f"Your code to sign in to {clinic}'s online visits is {code}.\n\n"
            f"It works once, for {minutes} minutes. If you didn't ask for it, "
            "you can ignore this email: nobody can sign in without the code.\n"
        ),
        from_email=None,
        recipient_list=[email],
    )
