from __future__ import annotations

from django.http import HttpRequest

from portal.clinic.branding import current_branding


def branding(request: HttpRequest) -> dict:
    """Put the clinic's branding on every page (one cache read)."""
    return {"brand": current_branding()}
