"""The pages a patient meets off the happy path pass axe too."""

from __future__ import annotations

import re

import pytest

from portal.clinic.rooms import Room
from sandbox.models import SandboxRoom
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser


def second_room(settings) -> None:
    demo = SandboxRoom.objects.get(code="demo-room")
    demo.pk, demo.code, demo.name = None, "derm-room", "Dermatology"
    demo.save()
    Room.objects.create(code="derm-room", display_name="Dermatology", position=1)


def vsee_down(settings) -> None:
    settings.SANDBOX_FAULTS = [
        {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}
    ]
    settings.VSEE_DEADLINE = 1


def no_rooms(settings) -> None:
    Room.objects.update(active=False)


def no_codes_left(settings) -> None:
    settings.SIGN_IN_CODES_PER_IP = 0


PAGES = [
    ("/", second_room, "What do you need help with?"),
    ("/rooms/no-such-room/", None, "We couldn't find that service"),
    ("/", vsee_down, "reach the clinic"),
    ("/", no_rooms, "Online visits are not available"),
    ("/sign-in/code/", None, "No code is waiting"),
    ("/sign-in/guest/?next=/rooms/demo-room/appointment/", None, "Please sign in"),
    ("/signed-out/?reason=idle", None, "signed out to protect your privacy"),
    ("/no-such-page/", None, "We couldn't find that page"),
]


@pytest.mark.parametrize(
    ("path", "setup", "text"), PAGES, ids=[f"{p} {t[:20]}" for p, _, t in PAGES]
)
def test_the_page_says_what_happened_and_passes_axe(
    page, live_server, vsee_live, settings, path, setup, text
):
    if setup:
        setup(settings)
    page.goto(live_server.url + path)
    assert text in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_rate_limit_page_passes_axe(page, live_server, vsee_live, settings):
    no_codes_left(settings)
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Email me a code").click()
    page.get_by_role("heading", name="Please wait a few minutes").wait_for()
    assert_accessible(page)


def test_the_page_for_an_unreadable_patient_record_passes_axe(
    page, live_server, vsee_live, mailoutbox, settings
):
    """PATIENT_DATA_KEYS lost the key that sealed Ada's record: sign-in stops, plainly."""
    from sandbox.demo import link_demo_patients

    link_demo_patients()
    settings.PATIENT_DATA_KEYS = ["not-the-key-that-sealed-it"]
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Email me a code").click()
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="We can't finish signing you in").wait_for()
    assert_accessible(page)
