from __future__ import annotations

from django.urls import path

from portal.booking import views

urlpatterns = [
    path("", views.landing, name="landing"),
]
