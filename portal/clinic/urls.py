from __future__ import annotations

from django.urls import path

from portal.clinic import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("brand/logo", views.logo, name="brand_logo"),
]
