"""What staff change in admin reaches every worker, in the default deployment: the
Procfile's server with two workers, DEBUG off, SQLite and no Redis (so each worker has a
cache of its own), and a new connection for every request.

A patient must not see the old colour, or be refused in a newly listed site's frame,
because another worker answered than the one that took the change.
"""

from __future__ import annotations

import re

import pytest

from tests.production import Visitor, production_server, smtp_server

pytestmark = pytest.mark.server

PASSWORD = "a-long-password-for-tests-only"
STAFF = f"""
from django.contrib.auth.models import Permission, User
sam = User.objects.create_user("sam", password="{PASSWORD}", is_staff=True)
sam.user_permissions.set(Permission.objects.filter(
    codename__in=["view_branding", "change_branding",
                  "view_embeddingsettings", "change_embeddingsettings"]))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prod")
    with smtp_server() as (_mailbox, port), production_server(tmp_path, port) as server:
        server.manage("shell", "-c", STAFF)
        yield server


@pytest.fixture
def staff(server) -> Visitor:
    visitor = Visitor(server)
    visitor.get("/admin/login/")
    r = visitor.post(
        "/admin/login/",
        {"username": "sam", "password": PASSWORD, "otp_token": "", "next": "/admin/"},
    )
    assert (r.status_code, r.headers.get("Location")) == (302, "/admin/"), r.text[:500]
    return visitor


def on_both_workers(server, look) -> list:
    """Ask until both workers have answered since now; return every answer."""
    first = len(server.worker_pids())
    answers = []
    for _ in range(200):
        answers.append(look())
        if len(set(server.worker_pids()[first:])) == 2 and len(answers) >= 6:
            return answers
    raise AssertionError("one worker answered everything")


def brand_colour(server, path: str = "/no-such-page") -> str:
    page = Visitor(server).get(path).text
    return re.search(r"--brand: (#[0-9a-f]{6})", page).group(1)


def frame_ancestors(server) -> str:
    policy = Visitor(server).get("/rooms/demo-room/").headers["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]*)", policy).group(1)


def test_a_new_colour_shows_whichever_worker_answers(server, staff):
    assert set(on_both_workers(server, lambda: brand_colour(server))) == {"#0b5cad"}

    def room_page() -> str:  # as a stranger sees it: kept a few seconds by each worker
        return brand_colour(server, "/rooms/demo-room/")

    assert set(on_both_workers(server, room_page)) == {"#0b5cad"}
    change = staff.get("/admin/clinic/branding/1/change/")
    assert change.status_code == 200
    r = staff.post(
        "/admin/clinic/branding/1/change/",
        {
            "clinic_name_en": "Sunrise Clinic",
            "clinic_name_es": "",
            "primary_colour": "#1a4d2e",
            "support_phone": "",
            "support_email": "",
            "privacy_url": "",
            "terms_url": "",
        },
    )
    assert r.status_code == 302, r.text[:2000]
    assert set(on_both_workers(server, lambda: brand_colour(server))) == {"#1a4d2e"}
    assert set(on_both_workers(server, room_page)) == {"#1a4d2e"}


def test_a_newly_listed_site_may_frame_the_portal_whichever_worker_answers(
    server, staff
):
    site = "https://clinic.example"
    assert site not in " ".join(
        on_both_workers(server, lambda: frame_ancestors(server))
    )
    change = staff.get("/admin/clinic/embeddingsettings/").headers["Location"]
    r = staff.post(change, {"allowed_origins": site})
    assert r.status_code == 302, r.text[:2000]
    for policy in on_both_workers(server, lambda: frame_ancestors(server)):
        assert site in policy.split()
