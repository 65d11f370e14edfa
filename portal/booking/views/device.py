"""The device check: camera preview, microphone level and a test sound, before video.

Everything happens in the browser (static/device_check.js, getUserMedia and Web Audio);
nothing is recorded or sent. This one page may use the camera and microphone: every other
page's Permissions-Policy forbids them.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.http import PortalRequest

# The site-wide policy (settings.PERMISSIONS_POLICY), with camera and microphone for us.
DEVICE_CHECK_POLICY = (
    "camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), "
    "display-capture=(), interest-cohort=()"
)


@require_GET
def device_check(request: PortalRequest) -> HttpResponse:
    response = render(request, "booking/device_check.html")
    response["Permissions-Policy"] = DEVICE_CHECK_POLICY
    return response
