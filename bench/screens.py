"""Benchmark: screens and taps per visit option, for a new and a returning patient, and
the tallest page at 375 px — in Chromium, against the sandbox.

Not a test: it reports figures. It borrows the browser tests' fixtures (a live portal
with the sandbox and demo data, an in-memory mailbox for the sign-in code):

    .venv/bin/python -m pytest bench/screens.py -q -s

Set BENCH_SCREENSHOTS=<folder> for a full-page picture of every screen.

A screen is a page the browser loads (its `load` event: htmx swaps and the picker's day
strip don't count; a redirect is part of the page it ends on). A tap is a click on a
link, button, radio or checkbox, or the focus of a text field before typing; choosing
from a list counts two (open it, pick). Typing itself is not counted.

- new patient: never seen, not signed in; signs in by email (code, name, birth date).
- returning patient: signed in (their session is alive) and has a previous visit, so the
  state, phone and remembered answers are filled in; the form then needs the reason and
  the one question not remembered.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import CHROMIUM

PHONE = {"width": 375, "height": 740}
# Someone the portal has never seen (the demo's Ada and Ben are known already).
NEW = {
    "email": "nina@example.com",
    "first_name": "Nina",
    "last_name": "Novak",
    "dob": "1992-05-17",
}
ROOM = "/rooms/demo-room/"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium")


class Walk:
    """Counts the screens and taps of one way through, and the pages' heights."""

    def __init__(self, page, name: str = "") -> None:
        self.page = page
        self.name = name
        self.taps = 0
        self.pages: list[tuple[str, int, int]] = []  # (path, height, width)
        page.on("load", lambda _: self._measure())

    def _measure(self) -> None:
        size = self.page.evaluate(
            "[document.documentElement.scrollHeight,"
            " document.documentElement.scrollWidth]"
        )
        path = re.sub(r"^https?://[^/]+", "", self.page.url).split("?")[0]
        self.pages.append((path, size[0], size[1]))
        # BENCH_SCREENSHOTS=<folder>: a full-page picture of every screen, in order.
        folder = os.environ.get("BENCH_SCREENSHOTS")
        if folder and self.name:
            slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            shot = Path(folder) / f"{self.name}-{self.screens:02d}-{slug}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            # The walk may end, and its page close, while this one loads.
            with contextlib.suppress(PlaywrightError):
                self.page.screenshot(path=str(shot), full_page=True)

    def settle(self) -> None:
        """Let this page's load event reach the counter: a heading can show before it
        fires, and a round trip to the page delivers the events received before it."""
        self.page.wait_for_load_state()
        self.page.evaluate("1")

    @property
    def screens(self) -> int:
        return len(self.pages)

    def tap(self, locator) -> None:
        self.taps += 1
        locator.click()

    def type(self, locator, text: str) -> None:
        self.taps += 1
        locator.fill(text)

    def choose(self, locator, value: str) -> None:
        self.taps += 2
        locator.select_option(value)


def sign_in(walk: Walk, mailoutbox) -> None:
    page = walk.page
    page.get_by_role("heading", name="Sign in").wait_for()
    walk.type(page.get_by_label("Email address"), NEW["email"])
    walk.tap(page.get_by_role("button", name="Email me a code"))
    page.get_by_role("heading", name="Check your email").wait_for()
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    walk.type(page.get_by_label("6-digit code"), code)
    walk.tap(page.get_by_role("button", name="Sign in"))
    heading = page.get_by_role("heading", name="About you", exact=True).or_(
        page.get_by_role("heading", name="Welcome back")
    )
    heading.wait_for()
    if heading.inner_text() == "About you":  # first time: name and birth date
        walk.type(page.get_by_label("First name"), NEW["first_name"])
        walk.type(page.get_by_label("Last name"), NEW["last_name"])
    walk.type(page.get_by_label("Date of birth"), NEW["dob"])
    walk.tap(
        page.get_by_role("button", name="Continue").or_(
            page.get_by_role("button", name="Sign in")
        )
    )


def intake(walk: Walk, returning: bool) -> None:
    page = walk.page
    page.get_by_role("heading", name="About your visit").wait_for()
    walk.type(page.get_by_label("What brings you in today?"), "Sore throat")
    if not returning:
        walk.choose(page.get_by_label("Which state are you in right now?"), "NY")
        walk.tap(
            page.get_by_role("group", name="How will you pay?").get_by_label("Self-pay")
        )
    seen = page.get_by_role("group", name="Have you been seen by us before?")
    walk.tap(seen.get_by_label("No"))
    walk.tap(page.get_by_role("button", name="Continue"))
    page.get_by_role("heading", name="Add files").wait_for()
    walk.tap(page.get_by_role("button", name="Continue"))


def book(walk: Walk, live_server, mailoutbox, option: str, returning: bool) -> None:
    page = walk.page
    page.goto(live_server.url + ROOM)
    page.get_by_role("heading", level=1).wait_for()
    if option == "appointment":
        kinds = page.get_by_role("list", name="Types of visit to book")
        walk.tap(kinds.get_by_role("link", name="Quick video visit"))
        if not returning:
            page.get_by_role("heading", name="Where are you?").wait_for()
            walk.choose(page.get_by_label("Which state are you in right now?"), "NY")
            walk.tap(page.get_by_role("button", name="Show free times"))
        page.get_by_role("heading", name="Choose a time").wait_for()
        walk.settle()
        walk.first_time_screen = walk.screens
        walk.tap(page.locator("button[name=slot]:visible").first)
    else:
        title = {"walkin": "See a doctor now", "econsult": "Send a question"}[option]
        walk.tap(page.get_by_role("link", name=title))
    if not returning:
        sign_in(walk, mailoutbox)
    intake(walk, returning)
    submit, done = {
        "walkin": ("Go to the waiting room", "VSee waiting room (sandbox)"),
        "econsult": ("Send my question", "Your question is sent"),
        "appointment": ("Book this time", "Your visit is booked"),
    }[option]
    walk.tap(page.get_by_role("button", name=submit))
    page.get_by_role("heading", name=done).wait_for()
    walk.settle()


def first_visit(page, live_server, mailoutbox) -> None:
    """Make the patient known, with a previous visit whose answers can be filled in."""
    warmup = Walk(page)
    book(warmup, live_server, mailoutbox, "econsult", returning=False)


@pytest.mark.parametrize("option", ["walkin", "appointment", "econsult"])
def test_screens_and_taps(chromium, live_server, vsee_live, mailoutbox, option):
    rows = []
    for returning in (False, True):
        context = chromium.new_context(viewport=PHONE, timezone_id="America/New_York")
        page = context.new_page()
        if returning:
            first_visit(page, live_server, mailoutbox)
        walk = Walk(page, f"{option}-{'returning' if returning else 'new'}")
        book(walk, live_server, mailoutbox, option, returning)
        tallest = max(walk.pages, key=lambda p: p[1])
        widest = max(width for _, _, width in walk.pages)
        rows.append(
            (
                option,
                "returning" if returning else "new",
                walk.screens,
                walk.taps,
                getattr(walk, "first_time_screen", "–"),
                f"{tallest[1]} px ({tallest[0]})",
                widest,
            )
        )
        context.close()
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
