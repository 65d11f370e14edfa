from __future__ import annotations

from django.urls import path

from portal import converters  # noqa: F401 - registers <vsee_id:>
from portal.visits import views

app_name = "visits"

urlpatterns = [
    path("visits/", views.history, name="history"),
    path("visits/<vsee_id:visit_id>/", views.detail, name="detail"),
    path("visits/<vsee_id:visit_id>/cancel/", views.cancel, name="cancel"),
    path("visits/<vsee_id:visit_id>/leave/", views.leave, name="leave"),
    path("visits/<vsee_id:visit_id>/summary/", views.summary, name="summary"),
    path("visits/<vsee_id:visit_id>/reschedule/", views.reschedule, name="reschedule"),
    path("visits/<vsee_id:visit_id>/moved/", views.moved, name="moved"),
]
