from __future__ import annotations

from django.urls import path

from portal.clinic import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("brand/logo", views.logo, name="brand_logo"),
    path("brand/icon.svg", views.icon, name="site_icon"),
    path("favicon.ico", views.legacy_icon),
    path("embed.js", views.embed_js, name="embed_js"),
    path("embed/cookies", views.cookie_probe, name="cookie_probe"),
    path("csp-report", views.csp_report, name="csp_report"),
]
