"""Hand-offs arrive from another site, so a hostile page could post one too: a valid token
for the attacker's own patient id would sign the victim in as the attacker, and what the
victim then types would go into the attacker's record (login CSRF).

So a hand-off is taken only from the portal itself or a site listed under Embedding in
admin (by the browser's Origin, or Referer where Origin is missing or "null"), and it never
silently replaces someone already signed in: it is held in the session until the patient
chooses ("Continue as Ada?").
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from django.contrib.sessions.backends.base import SessionBase

from portal.clinic.framing import allowed_frame_origins
from portal.http import PortalRequest
from portal.vsee.schemas import SsoUser

HELD_KEY = "patients.held_handoff"
HELD_SECONDS = 300


def request_origin(request: PortalRequest) -> str:
    """Return the origin the browser says the request came from, or ""."""
    origin = request.headers.get("Origin", "")
    if origin and origin != "null":
        return origin
    referer = urlsplit(request.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.netloc else ""


def from_allowed_site(request: PortalRequest) -> bool:
    origin = request_origin(request)
    own = f"{request.scheme}://{request.get_host()}"
    return bool(origin) and (origin == own or origin in allowed_frame_origins())


def hold_handoff(session: SessionBase, user: SsoUser, next_path: str) -> None:
    """Keep a verified hand-off for a few minutes, until the patient chooses."""
    session[HELD_KEY] = {
        "user": {
            "id": user.id,
            "code": user.code,
            "first_name": user.first_name,
            "token": user.token.model_dump(mode="json"),
        },
        "next": next_path,
        "until": time.time() + HELD_SECONDS,
    }


def take_held_handoff(session: SessionBase) -> tuple[SsoUser, str] | None:
    """Return (and forget) the held hand-off, if it is still fresh."""
    held: dict[str, Any] | None = session.pop(HELD_KEY, None)
    if not held or held["until"] < time.time():
        return None
    return SsoUser.model_validate(held["user"]), held["next"]
