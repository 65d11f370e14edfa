"""Sandbox URLs: the stand-in VSee API v3 under api_v3/, plus its PDF and web-app pages."""

from __future__ import annotations

from django.urls import include, path, re_path

from sandbox.views import (
    _api,
    availability,
    clinic,
    exports,
    files,
    floor,
    intakes,
    provider,
    rooms,
    users,
    visits,
)

app_name = "sandbox"

# Every path works with and without `.json` (beyond-the-seed §0).
J = r"(?:\.json)?/?$"

api_v3 = [
    re_path(rf"^users/sso{J}", users.sso, name="users_sso"),
    re_path(
        rf"^rooms/(?P<code>[^/]+?)/providers{J}",
        rooms.providers,
        name="rooms_providers",
    ),
    re_path(rf"^rooms/(?P<code>[^/]+?){J}", rooms.get, name="rooms_get"),
    re_path(rf"^intakes{J}", intakes.create, name="intakes"),
    re_path(
        rf"^intakes/(?P<intake_id>[^/]+?){J}",
        _api.methods(GET=intakes.get, POST=intakes.update),
        name="intake",
    ),
    re_path(rf"^files{J}", files.upload, name="files"),
    re_path(rf"^availability{J}", availability.get, name="availability"),
    re_path(rf"^visits/add_walkin{J}", visits.add_walkin, name="visits_add_walkin"),
    re_path(
        rf"^visits/add_econsult{J}", visits.add_econsult, name="visits_add_econsult"
    ),
    re_path(rf"^visits/current{J}", visits.current, name="visits_current"),
    re_path(rf"^visits/close{J}", visits.close, name="visits_close"),
    re_path(rf"^visits/delete{J}", visits.delete, name="visits_delete"),
    re_path(
        rf"^visits/(?P<visit_id>\d+)/exports/visit_summary{J}",
        visits.summary_export,
        name="visits_summary_export",
    ),
    re_path(
        rf"^visits/(?P<visit_id>\d+){J}",
        _api.methods(GET=visits.get, POST=visits.update),
        name="visit",
    ),
    re_path(
        rf"^visits{J}",
        _api.methods(GET=visits.list_, POST=visits.create),
        name="visits",
    ),
    re_path(r"^(?P<rest>.*)$", _api.not_found),
]

urlpatterns = [
    path("api_v3/", include(api_v3)),
    re_path(
        r"^exports/(?P<signed>[\w:-]+)\.pdf$",
        exports.visit_summary_pdf,
        name="visit_summary_pdf",
    ),
    path("floor/ok/", floor.ok, name="floor_ok"),
    path("floor/sleep/<int:ms>/", floor.sleep, name="floor_sleep"),
    path("clinic/auth", clinic.auth, name="clinic_auth"),
    path("clinic/provider/", provider.console, name="provider"),
    path(
        "clinic/provider/<int:visit_id>/<str:action>/",
        provider.act,
        name="provider_act",
    ),
]
