"""Request typing shared by the portal's views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class PortalRequest(HttpRequest):
    """An HttpRequest as our middleware leaves it (django-htmx sets `htmx`)."""

    htmx: HtmxDetails
