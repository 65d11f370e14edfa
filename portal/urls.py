from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sandbox/", include("portal.sandbox.urls")),
    path("", include("portal.clinic.urls")),
    path("", include("portal.patients.urls")),
    path("", include("portal.booking.urls")),
    path("", include("portal.visits.urls")),
]
