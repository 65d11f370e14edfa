from __future__ import annotations

from portal.patients.views.email_code import sign_in, verify
from portal.patients.views.guest import guest
from portal.patients.views.handoff import handoff, handoff_confirm
from portal.patients.views.session import sign_out, signed_out

__all__ = [
    "guest",
    "handoff",
    "handoff_confirm",
    "sign_in",
    "sign_out",
    "signed_out",
    "verify",
]
