from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from portal.patients.signin import FIRST_NAME_KEY
from portal.vsee.service import current_patient


def patient(request: HttpRequest) -> dict[str, Any]:
    """Whether someone is signed in (for the header's sign-out button); never the token."""
    session = getattr(request, "session", None)
    identity = current_patient(session) if session is not None else None
    return {
        "signed_in": identity is not None,
        "signed_in_as_guest": bool(identity and identity.is_guest),
        "signed_in_name": session.get(FIRST_NAME_KEY, "") if identity else "",
        "code_minutes": settings.SIGN_IN_CODE_MINUTES,
    }
