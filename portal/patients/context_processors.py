from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.vsee.service import current_patient


def patient(request: HttpRequest) -> dict[str, Any]:
    """Whether someone is signed in (for the header's sign-out button); never the token."""
    identity = current_patient(request.session) if hasattr(request, "session") else None
    return {
        "signed_in": identity is not None,
        "signed_in_as_guest": bool(identity and identity.is_guest),
    }
