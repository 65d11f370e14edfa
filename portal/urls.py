from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("portal.clinic.urls")),
    path("", include("portal.patients.urls")),
    path("", include("portal.booking.urls")),
    path("", include("portal.visits.urls")),
]

if settings.VSEE_SANDBOX_ENABLED:  # the stand-in VSee, for the local run and the tests
    urlpatterns.insert(1, path("sandbox/", include("sandbox.urls")))
