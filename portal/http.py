"""Request typing shared by the portal's views, and who a request comes from."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class PortalRequest(HttpRequest):
    """An HttpRequest as our middleware leaves it (django-htmx sets `htmx`)."""

    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str | None:
    """Return the client's address, or None when the request carries none.

    Behind TRUSTED_PROXY_COUNT proxies (README: the reverse proxy), each appended the
    address it saw to X-Forwarded-For: the one the outermost proxy saw is that many from
    the end. Anything before it came from the client, who can write anything there.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        seen = [address.strip() for address in forwarded if address.strip()]
        if len(seen) >= hops and _is_address(seen[-hops]):
            return seen[-hops]
    return request.META.get("REMOTE_ADDR") or None


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """Return the client's address for rate limits: "unknown" ones share one count."""
    return client_address(request) or "unknown"
