"""Admin in Chromium under its own Content-Security-Policy: staff sign in through the
form and use the pages whose scripts matter (a room with its inline questions)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, watch_policy

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page, watch_policy(page)
    context.close()


def staff_signs_in(page, live_server, django_user_model) -> None:
    """A superuser signs in through admin's form (no second factor with DEBUG on)."""
    django_user_model.objects.create_superuser("sam", "sam@example.com", "pw-9Kx!long")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("pw-9Kx!long")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()


def test_staff_sign_in_and_edit_a_room_without_breaking_the_policy(
    desktop, live_server, vsee_live, django_user_model
):
    page, blocked = desktop
    staff_signs_in(page, live_server, django_user_model)

    page.goto(f"{live_server.url}/admin/clinic/room/")
    page.locator("#result_list").get_by_role("link", name="Demo Clinic").click()
    page.get_by_role("heading", name="Change room").wait_for()
    # Inline rows are added by admin's scripts: they ran.
    rows = page.locator(".inline-related tbody tr.form-row:not(.empty-form)")
    before = rows.count()
    page.get_by_text(re.compile("Add another question", re.I)).click()
    assert rows.count() == before + 1
    assert blocked == []


ADMIN_PAGES = [
    ("/admin/clinic/room/", "Select room to change"),
    ("/admin/clinic/intakequestion/", "Select intake question to change"),
    ("/admin/clinic/embeddingsettings/", "Change embedding"),
    ("/admin/patients/knownpatient/", "Select known patient to view"),
    (
        "/admin/clinic/embeddingsettings/rotate-secret/",
        "Generate a new hand-off secret?",
    ),
    ("/admin/clinic/branding/", "Change branding"),
    ("/admin/clinic/room/{demo_room}/change/", "Change room"),
    ("/admin/notices/emailsettings/", "Change email settings"),
    ("/admin/notices/webhooksettings/", "Change VSee webhooks"),
    ("/admin/notices/webhooksettings/new-address/", "Make a new webhook address?"),
    ("/admin/notices/notice/", "Select email to a patient to view"),
]


@pytest.mark.parametrize(("path", "heading"), ADMIN_PAGES)
def test_the_admin_pages_we_customise_pass_axe(
    desktop, live_server, vsee_live, django_user_model, path, heading
):
    from axe_playwright_python.sync_playwright import Axe

    from portal.clinic.rooms import Room

    page, blocked = desktop
    staff_signs_in(page, live_server, django_user_model)
    demo_room = Room.objects.get(code="demo-room").pk
    page.goto(f"{live_server.url}{path.format(demo_room=demo_room)}")
    page.get_by_role("heading", name=heading).wait_for()
    # Checked before axe runs: axe's own probes then trip the policy, not the page.
    assert blocked == []
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_room_s_page_fits_1280_pixels(desktop, live_server, vsee_live, admin_client):
    from portal.clinic.rooms import Room

    page, blocked = desktop
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": admin_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    room = Room.objects.get(code="demo-room")
    page.goto(f"{live_server.url}/admin/clinic/room/{room.pk}/change/")
    page.get_by_role("heading", name="Change room").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.get_by_role("link", name="View as a patient").get_attribute("href") == (
        "/rooms/demo-room/"
    )
    assert blocked == []


def test_the_primary_colour_is_previewed_live_with_its_contrast(
    desktop, live_server, vsee_live, django_user_model
):
    page, blocked = desktop
    staff_signs_in(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/admin/clinic/branding/")
    colour = page.get_by_label("Primary colour")
    assert colour.get_attribute("type") == "color"
    preview = page.get_by_role("group", name="Preview")
    assert "readable" in preview.inner_text()
    colour.fill("#8fd3ff")  # a light blue: white text unreadable
    header = preview.get_by_text("Your clinic")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == (
        "rgb(143, 211, 255)"
    )
    assert "too light" in preview.inner_text()
    colour.fill("#2d1e6b")
    assert (
        "readable" in preview.inner_text() and "too light" not in preview.inner_text()
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    page.goto(f"{live_server.url}/")
    header_colour = page.locator(".site-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(45, 30, 107)"
    assert blocked == []


def test_staff_write_a_room_s_spanish_in_its_language_tab(
    desktop, live_server, vsee_live, django_user_model
):
    from portal.clinic.rooms import Room

    page, blocked = desktop
    staff_signs_in(page, live_server, django_user_model)
    room = Room.objects.get(code="demo-room")
    page.goto(f"{live_server.url}/admin/clinic/room/{room.pk}/change/")
    spanish = page.locator("#id_display_name_es")
    assert not spanish.is_visible()  # behind its tab until asked for
    tabs = page.locator(".ui-tabs").filter(has=spanish)
    # By keyboard: the English tab takes focus, the arrow moves to Spanish.
    tabs.get_by_role("tab", name="English").focus()
    page.keyboard.press("ArrowRight")
    assert tabs.get_by_role("tab", name="Spanish").get_attribute("aria-selected") == (
        "true"
    )
    spanish.wait_for(state="visible")  # jQuery UI shows the panel a moment later
    tabs.get_by_role("tab", name="English").click()
    tabs.get_by_role("tab", name="Spanish").click()
    spanish.fill("Clínica de prueba — en línea")
    assert not page.locator("#id_display_name_en").is_visible()
    page.screenshot(path="/tmp/admin-tabs.png", full_page=False)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    room.refresh_from_db()
    assert room.display_name_es == "Clínica de prueba — en línea"
    assert room.display_name_en == "Demo Clinic — online visits"
    assert blocked == []
