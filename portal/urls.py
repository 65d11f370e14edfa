from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from portal.notices.webhooks import vsee_webhook

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switch's form posts here (Django's set_language: cookie, then back).
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("portal.clinic.urls")),
    path("", include("portal.patients.urls")),
    path("", include("portal.booking.urls")),
    path("", include("portal.visits.urls")),
    # VSee's webhooks: the secret in the address is the credential (notices/webhooks.py).
    path("webhooks/vsee/<str:secret>/", vsee_webhook, name="vsee_webhook"),
]

if settings.VSEE_SANDBOX_ENABLED:  # the stand-in VSee, for the local run and the tests
    urlpatterns.insert(1, path("sandbox/", include("sandbox.urls")))
