from __future__ import annotations

from portal.patients.views.about_you import about_you
from portal.patients.views.email_code import sign_in, verify
from portal.patients.views.guest import guest
from portal.patients.views.handoff import (
    handoff,
    handoff_confirm,
    handoff_continue,
    handoff_exchange,
)
from portal.patients.views.session import sign_out, signed_out

__all__ = [
    "about_you",
    "guest",
    "handoff",
    "handoff_confirm",
    "handoff_continue",
    "handoff_exchange",
    "sign_in",
    "sign_out",
    "signed_out",
    "verify",
]
