"""Browser tests: Playwright driving Debian's Chromium, with axe-core for accessibility."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
NARROW = {"width": 320, "height": 568}
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
# from it (fixtures seed the sandbox) unless told this thread is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    """Return a launched headless Chromium; fail under CI if it is missing, else skip."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
            ],
        )
        yield browser
        browser.close()


def watch_policy(page) -> list[str]:
    """Collect what the page's Content-Security-Policy blocked (the list fills as it runs)."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return blocked


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(chromium, request):
    yield from _page(chromium, request.param)


@pytest.fixture(params=[NARROW, PHONE, DESKTOP], ids=["320", "phone", "desktop"])
def every_width_page(chromium, request):
    """The journeys walk at 320 px too: the narrowest phone the portal must fit."""
    yield from _page(chromium, request.param)


def _page(chromium, viewport):
    """A fresh page at that width, failing the test if the page broke its CSP."""
    # The demo clinic's zone: the picker then has no zone of its own to switch to (its
    # one-time reload with the browser's zone is tested on its own in test_time.py).
    context = chromium.new_context(viewport=viewport, timezone_id="America/New_York")
    page = context.new_page()
    # Every browser test also proves the Content-Security-Policy breaks nothing it drives.
    blocked = watch_policy(page)
    yield page
    context.close()
    assert blocked == [], "the page broke its Content-Security-Policy"


def assert_accessible(page) -> None:
    """Fail with axe-core's own report if the page has any violation, or if it is wider
    than the screen (nothing may scroll sideways, down to 320 px)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    if page.viewport_size:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
        # Nor may a button's words run out of it (a longer language, a narrow screen).
        cut = page.evaluate(
            """() => [...document.querySelectorAll('button, .button')]
                .filter(b => b.checkVisibility() && b.scrollWidth > b.clientWidth + 1)
                .map(b => b.textContent.trim())"""
        )
        assert cut == [], f"{page.url}: words wider than their button: {cut}"


def sign_in_by_email(page, mailoutbox, person: dict | None = None) -> None:
    """On the sign-in page: the email, the code from it, then who the patient is (name
    and birth date the first time, the birth date when the portal knows them)."""
    from tests.conftest import ADA

    person = person or ADA
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("Email address").fill(person["email"])
    page.get_by_role("button", name="Email me a code").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    heading = page.get_by_role("heading", name="About you", exact=True).or_(
        page.get_by_role("heading", name="Welcome back")
    )
    heading.wait_for()
    if heading.inner_text() == "About you":
        page.get_by_label("First name").fill(person["first_name"])
        page.get_by_label("Last name").fill(person["last_name"])
        page.get_by_label("Date of birth").fill(person["dob"])
        page.get_by_role("button", name="Continue").click()
    else:
        page.get_by_label("Date of birth").fill(person["dob"])
        page.get_by_role("button", name="Sign in").click()


def choose_a_time(page) -> None:
    """From *Book a time*: the state, then the type of visit, then wait for the times
    (works on a page or inside a frame)."""
    page.get_by_label("Which state are you in right now?").select_option("NY")
    page.get_by_role("button", name="Show free times").click()
    page.get_by_role("link", name="Quick video visit").click()
    page.locator("button[name=slot]:visible").first.wait_for()


def fill_intake(page, reason: str = "Sore throat") -> None:
    """Answer the demo room's form (reason, state, and its two required questions)."""
    page.get_by_role("heading", name="About your visit").wait_for()
    page.get_by_label("What brings you in today?").fill(reason)
    page.get_by_label("Which state are you in right now?").select_option("NY")
    page.get_by_role("group", name="How will you pay?").get_by_label("Self-pay").check()
    page.get_by_role("group", name="Have you been seen by us before?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Continue").click()
