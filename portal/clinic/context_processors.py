from __future__ import annotations

from django.http import HttpRequest

from portal.clinic.branding import current_branding
from portal.clinic.framing import allowed_frame_origins


def branding(request: HttpRequest) -> dict:
    """Put the clinic's branding on every page (one cache read)."""
    return {"brand": current_branding(), "frame_origins": allowed_frame_origins()}
