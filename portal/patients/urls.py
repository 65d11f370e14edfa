from __future__ import annotations

from django.urls import path

from portal.patients import views

app_name = "patients"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.verify, name="verify"),
    path("sign-in/you/", views.about_you, name="about_you"),
    path("sign-in/handoff/", views.handoff, name="handoff"),
    path("sign-in/handoff/confirm/", views.handoff_confirm, name="handoff_confirm"),
    path("sign-in/handoff/exchange/", views.handoff_exchange, name="handoff_exchange"),
    path("sign-in/handoff/continue/", views.handoff_continue, name="handoff_continue"),
    path("sign-in/guest/", views.guest, name="guest"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
]
