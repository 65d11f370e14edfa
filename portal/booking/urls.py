from __future__ import annotations

from django.urls import path, register_converter

from portal import converters  # noqa: F401 - registers <vsee_id:>
from portal.booking import views


class VisitOptionConverter:
    """Only the three visit options match, so anything else is an ordinary 404."""

    regex = "walkin|appointment|econsult"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VisitOptionConverter, "option")

urlpatterns = [
    path("", views.landing, name="landing"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("device-check/", views.device_check, name="device_check"),
    path("rooms/<str:code>/", views.room_page, name="room"),
    path("rooms/<str:code>/<option:option>/", views.intake, name="intake"),
    path("rooms/<str:code>/<option:option>/someone/", views.someone, name="someone"),
    path("rooms/<str:code>/<option:option>/files/", views.files_step, name="files"),
    path(
        "rooms/<str:code>/<option:option>/files/<vsee_id:file_id>/remove/",
        views.file_remove,
        name="file_remove",
    ),
    path("rooms/<str:code>/appointment/time/", views.time_step, name="time"),
    path("rooms/<str:code>/appointment/where/", views.where_step, name="time_where"),
    path("rooms/<str:code>/<option:option>/review/", views.review, name="review"),
    path("booked/<vsee_id:visit_id>/", views.booked, name="booked"),
    path("booked/<vsee_id:visit_id>/calendar.ics", views.calendar, name="calendar"),
    path("visits/<vsee_id:visit_id>/join/", views.join, name="join"),
]
