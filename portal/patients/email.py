"""The one email the portal sends: a sign-in code. No name, no health detail in it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from portal.clinic.branding import current_branding
from portal.running import stepping_out


def send_sign_in_code(email: str, code: str) -> None:
    clinic = current_branding().get("clinic_name") or _("your clinic")
    minutes = settings.SIGN_IN_CODE_MINUTES
    subject = _("Your sign-in code for %(clinic)s") % {"clinic": clinic}
    message = _(
        "Your code to sign in to %(clinic)s's online visits is %(code)s.\n\n"
        "It works once, for %(minutes)s minutes. If you didn't ask for it, "
        "you can ignore this email: nobody can sign in without the code.\n"
    ) % {"clinic": clinic, "code": code, "minutes": minutes}
    with stepping_out():  # the mail server's time, not the portal's CPU
        send_mail(subject, message, from_email=None, recipient_list=[email])
