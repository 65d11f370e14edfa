from __future__ import annotations

from django.urls import path

from portal.visits import views

app_name = "visits"

urlpatterns = [
    path("visits/", views.history, name="history"),
    path("visits/<str:visit_id>/", views.detail, name="detail"),
    path("visits/<str:visit_id>/cancel/", views.cancel, name="cancel"),
    path("visits/<str:visit_id>/summary/", views.summary, name="summary"),
    path("visits/<str:visit_id>/reschedule/", views.reschedule, name="reschedule"),
]
