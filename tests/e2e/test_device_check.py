"""The device check in Chromium with its fake camera and microphone: a preview, a moving
level, a test sound; and plain advice when the browser refuses or finds no device."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, PHONE, assert_accessible, watch_policy

pytestmark = pytest.mark.browser

BASE_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]


@pytest.fixture
def media_browser(chromium):
    """Chromium with a fake camera and microphone, and permission granted without asking."""
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *BASE_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    yield browser
    browser.close()


def open_check(browser, live_server, viewport=PHONE):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    blocked = watch_policy(page)
    page.goto(live_server.url + "/device-check/")
    page.get_by_role(
        "heading", name="Check your camera, microphone and sound"
    ).wait_for()
    return context, page, blocked


def test_the_camera_shows_the_microphone_moves_and_a_sound_plays(
    media_browser, live_server, vsee_live
):
    context, page, blocked = open_check(media_browser, live_server)
    assert_accessible(page)
    page.get_by_role("button", name="Start the check").click()
    page.locator("[data-device-state=working]").wait_for()
    video = page.locator("[data-device-video]")
    for _ in range(50):  # the fake camera's first frames
        if video.evaluate("v => v.videoWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert video.evaluate("v => v.videoWidth") > 0
    # The fake microphone beeps. The help text above the bar also says "we can
    # hear you", so the status line is named by itself.
    expect(page.locator("[data-device-microphone-status]")).to_have_text(
        "We can hear you.", timeout=10_000
    )
    page.get_by_role("button", name="Play a test sound").click()
    page.get_by_text("Playing a tone now").wait_for()
    assert page.locator("[data-device-problem]").is_hidden()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    assert blocked == []


def test_a_refusal_gets_plain_advice_and_a_try_again(chromium, live_server, vsee_live):
    # Headless Chromium without the fake UI answers the permission prompt with "no".
    context, page, blocked = open_check(chromium, live_server)
    page.get_by_role("button", name="Start the check").click()
    page.locator("[data-device-state=refused]").wait_for()
    advice = page.get_by_role("alert").inner_text()
    assert "Allow them for this site" in advice or "couldn't find a camera" in advice
    assert page.get_by_role("button", name="Try again").is_visible()
    assert_accessible(page)
    context.close()
    assert blocked == []


def test_no_device_says_so(live_server, vsee_live, chromium):
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*BASE_ARGS, "--use-fake-ui-for-media-stream"],  # allowed, but no devices
    )
    context, page, blocked = open_check(browser, live_server)
    page.get_by_role("button", name="Start the check").click()
    page.locator("[data-device-state=refused]").wait_for()
    assert (
        "couldn't find a camera or microphone" in page.get_by_role("alert").inner_text()
    )
    context.close()
    browser.close()
    assert blocked == []
