"""The portal inside a clinic's website: embed.js on a page from another origin, in Chromium."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.clinic.embedding import EmbeddingSettings
from tests.e2e.conftest import (
    assert_accessible,
    choose_a_time,
    fill_intake,
    sign_in_by_email,
    watch_policy,
)

pytestmark = pytest.mark.browser

RECORDER = """<script>
window.seen = [];
["ready", "step", "booked", "cancelled", "signed-out", "failed"].forEach(function (t) {
  document.addEventListener("vsee-portal:" + t, function (e) {
    window.seen.push({type: t, detail: e.detail, target: e.target.id});
  });
});
</script>"""


def host_page(portal: str, containers: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sunrise Clinic</title></head><body><main>
<h1>Sunrise Clinic</h1><p>Book online with us.</p>{containers}
<p>Opening hours: Monday to Friday, 9 to 5.</p></main>
{RECORDER}<script src="{portal}/embed.js" async></script></body></html>"""


class ClinicSite:
    """A clinic's website on its own origin (127.0.0.1, where the portal is localhost)."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = site.pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def clinic_site(live_server, vsee_live):
    site = ClinicSite()
    row = EmbeddingSettings.load()
    row.allowed_origins = site.origin
    row.full_clean()
    row.save()
    yield site
    site.close()


def portal_frame(page, selector: str = "iframe"):
    return page.frame_locator(selector)


def frame_of(page):
    return next(f for f in page.frames if f.url.startswith("http://localhost"))


def settled_without_scrollbar(page, element: str = "iframe") -> None:
    """The frame's height follows its content: no inner scrollbar, no gap (polled: the
    height arrives by message)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + 5
    inner = content = 0
    while True:
        try:
            inner, content = frame_of(page).evaluate(
                "[window.innerHeight,"
                " Math.ceil(document.documentElement.getBoundingClientRect().height)]"
            )
        except PlaywrightError:  # the frame moved on to its next page meanwhile
            pass
        else:
            if inner >= content and inner - content <= 1:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"frame {inner}px for {content}px of content")
        page.wait_for_timeout(50)


def seen(page) -> list[dict]:
    return page.evaluate("window.seen")


@pytest.fixture(params=[320, 375, 1280], ids=["320px", "375px", "1280px"])
def host_browser_page(chromium, request):
    """The clinic's page at each width the portal must fit, CSP violations failing it."""
    context = chromium.new_context(viewport={"width": request.param, "height": 800})
    page = context.new_page()
    blocked = watch_policy(page)
    yield page
    context.close()
    assert blocked == []


class TestInline:
    @pytest.mark.parametrize(
        ("option", "submit", "done"),
        [
            ("econsult", "Send my question", "Your question is sent"),
            ("walkin", "Go to the waiting room", "You're checked in"),
            ("appointment", "Book this time", "Your visit is booked"),
        ],
    )
    def test_each_option_completes_inside_the_frame_which_sizes_itself(
        self,
        host_browser_page,
        live_server,
        clinic_site,
        mailoutbox,
        option,
        submit,
        done,
    ):
        page = host_browser_page
        div = f'<div id="portal" data-vsee-portal data-room="demo-room" data-option="{option}"></div>'
        clinic_site.pages["/"] = host_page(live_server.url, div)
        page.goto(clinic_site.origin + "/")
        frame = portal_frame(page)
        if option == "appointment":  # times first, then sign-in
            choose_a_time(frame)
            settled_without_scrollbar(page)
            frame.locator("button[name=slot]:visible").first.click()
        frame.get_by_role("heading", name="Sign in").wait_for()
        settled_without_scrollbar(page)
        sign_in_by_email(frame, mailoutbox)
        settled_without_scrollbar(page)
        fill_intake(frame)
        frame.get_by_role("heading", name="Add files").wait_for()
        settled_without_scrollbar(page)
        frame.get_by_role("button", name="Continue").click()
        frame.get_by_role("button", name=submit).wait_for()
        settled_without_scrollbar(page)
        frame.get_by_role("button", name=submit).click()
        frame.get_by_role("heading", name=done).wait_for()
        settled_without_scrollbar(page)
        if option == "walkin":  # video needs a top-level page: a new tab
            join = frame.get_by_role("link", name="Go to the waiting room")
            assert join.get_attribute("target") == "_blank"
            # The new tab has none of the frame's cookies: it opens VSee's page itself.
            with page.context.expect_page() as opened:
                join.click()
            tab = opened.value
            tab.get_by_role("heading", name="VSee waiting room (sandbox)").wait_for()
            tab.close()

        events = seen(page)
        assert [e["type"] for e in events].count("ready") == 1
        [booked] = [e for e in events if e["type"] == "booked"]
        assert booked["target"] == "portal"
        assert set(booked["detail"]) == {"option", "start"}
        assert booked["detail"]["option"] == option
        steps = [e["detail"]["step"] for e in events if e["type"] == "step"]
        first = "where" if option == "appointment" else "sign-in"
        assert steps[0] == first and steps[-1] == "booked" and "intake" in steps
        everything = json.dumps(events)
        for phi in ("Ada", "Lovelace", "1985", "Sore throat", "ada@"):
            assert phi not in everything
        assert_accessible(page)  # the clinic's page, with the frame in it

    def test_the_frame_passes_axe_and_fits_a_320_pixel_phone(
        self, chromium, live_server, clinic_site
    ):
        clinic_site.pages["/"] = host_page(
            live_server.url, '<div data-vsee-portal data-room="demo-room"></div>'
        )
        context = chromium.new_context(viewport={"width": 320, "height": 640})
        page = context.new_page()
        page.goto(clinic_site.origin + "/")
        portal_frame(page).get_by_role("heading", level=1).wait_for()
        settled_without_scrollbar(page)
        frame = frame_of(page)
        assert frame.evaluate("document.documentElement.scrollWidth") <= 320
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(frame)
        assert results.violations_count == 0, results.generate_report()
        context.close()


class TestAlongTheWay:
    def test_htmx_swaps_and_error_pages_keep_the_size_and_say_failed(
        self, page, live_server, clinic_site, mailoutbox, settings
    ):
        div = '<div id="portal" data-vsee-portal data-room="demo-room" data-option="appointment"></div>'
        clinic_site.pages["/"] = host_page(live_server.url, div)
        page.goto(clinic_site.origin + "/")
        frame = portal_frame(page)
        choose_a_time(frame)
        frame.get_by_role("link", name="Next week").first.click()  # an htmx swap
        frame.locator("button[name=slot]:visible").first.wait_for()
        settled_without_scrollbar(page)
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}
        ]
        from django.core.cache import cache

        cache.clear()  # the room is asked for again, and VSee fails
        page.evaluate("window.seen = []")
        frame_of(page).goto(live_server.url + "/rooms/demo-room/")
        frame.get_by_text("reach the clinic").first.wait_for()
        settled_without_scrollbar(page)
        assert "failed" in [e["type"] for e in seen(page)]

    def test_a_hand_off_given_to_the_embed_signs_in_with_no_token_in_any_address(
        self, page, live_server, clinic_site
    ):
        from portal.clinic.models import HandoffSecret
        from tests.patients.test_handoff import PATIENT, make_handoff_token

        token = make_handoff_token(HandoffSecret.rotate(), PATIENT)
        div = (
            f'<div id="portal" data-vsee-portal data-room="demo-room" '
            f'data-option="walkin" data-handoff="{token}"></div>'
        )
        clinic_site.pages["/"] = host_page(live_server.url, div)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(clinic_site.origin + "/")
        frame = portal_frame(page)
        frame.get_by_role("heading", name="About your visit").wait_for()
        assert frame.get_by_text("Signed in as Hana").is_visible()
        assert not any(token in url for url in requests)
        assert page.locator("[data-handoff]").count() == 0  # not left in the page


class TestScrolling:
    def test_a_new_step_brings_the_top_of_the_frame_into_view(
        self, page, live_server, clinic_site
    ):
        div = (
            '<div style="height:1500px">The clinic\'s news</div>'
            '<div id="portal" data-vsee-portal data-room="demo-room" data-lang="es"></div>'
            '<div style="height:1500px">Our opening hours</div>'
        )
        clinic_site.pages["/"] = host_page(live_server.url, div)
        page.goto(clinic_site.origin + "/")
        frame = portal_frame(page)
        frame.get_by_role("heading", level=1).wait_for()
        assert "lang=es" in page.locator("#portal iframe").get_attribute("src")
        # The patient scrolls down past the top of the frame, then moves on a step.
        settled_without_scrollbar(page)
        page.evaluate(
            "window.scrollTo(0, document.querySelector('#portal iframe').offsetTop + 300)"
        )
        top = "document.querySelector('#portal iframe').getBoundingClientRect().top"
        assert page.evaluate(top) < 0
        # data-lang="es": the frame speaks Spanish.
        assert frame.locator("html").get_attribute("lang") == "es"
        frame.get_by_role("link", name="Enviar una pregunta").click()
        frame.get_by_role("heading", name="Iniciar sesión").wait_for()
        deadline = time.monotonic() + 5
        while not -1 < page.evaluate(top) < 5:  # sub-pixel layout
            assert time.monotonic() < deadline, page.evaluate(top)
            page.wait_for_timeout(50)


class TestButton:
    def test_it_opens_and_closes_with_the_keyboard_and_gives_focus_back(
        self, page, live_server, clinic_site
    ):
        div = '<div id="portal" data-vsee-portal data-mode="button" data-room="demo-room" data-label="Book a visit"></div>'
        clinic_site.pages["/"] = host_page(live_server.url, div)
        page.goto(clinic_site.origin + "/")
        button = page.get_by_role("button", name="Book a visit")
        button.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Patient portal")
        dialog.wait_for()
        assert page.evaluate("document.activeElement.textContent") == "Close"
        portal_frame(page, "dialog iframe").get_by_role("heading", level=1).wait_for()
        assert_accessible(page)
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.textContent") == "Book a visit"
        # Open again: the same frame, where the patient left it.
        page.keyboard.press("Enter")
        dialog.wait_for()
        page.get_by_role("button", name="Close").click()
        assert page.evaluate("document.activeElement.textContent") == "Book a visit"


class TestTwoEmbeds:
    def test_each_hears_only_its_own_frame(self, page, live_server, clinic_site):
        divs = (
            '<div id="a" data-vsee-portal data-room="demo-room" data-option="walkin"></div>'
            '<div id="b" data-vsee-portal data-room="demo-room"></div>'
        )
        clinic_site.pages["/"] = host_page(live_server.url, divs)
        page.goto(clinic_site.origin + "/")
        page.frame_locator("#a iframe").get_by_role(
            "heading", name="Sign in"
        ).wait_for()
        page.frame_locator("#b iframe").get_by_role("heading", level=1).wait_for()
        deadline = time.monotonic() + 5
        while len([e for e in seen(page) if e["type"] == "ready"]) < 2:
            assert time.monotonic() < deadline, seen(page)
            page.wait_for_timeout(50)
        events = seen(page)
        steps = {
            (e["target"], e["detail"]["step"]) for e in events if e["type"] == "step"
        }
        assert steps == {("a", "sign-in"), ("b", "room")}
        assert sorted(e["target"] for e in events if e["type"] == "ready") == ["a", "b"]


def test_a_site_not_on_the_list_gets_no_portal(chromium, live_server, vsee_live):
    site = ClinicSite()
    try:
        row = EmbeddingSettings.load()
        row.allowed_origins = "https://www.someone-else.example"
        row.save()
        site.pages["/"] = host_page(
            live_server.url,
            '<div id="portal" data-vsee-portal data-room="demo-room"></div>',
        )
        context = chromium.new_context()
        page = context.new_page()
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text))
        page.goto(site.origin + "/")
        page.locator("#portal iframe").wait_for()
        deadline = time.monotonic() + 5
        while not any("frame-ancestors" in m for m in refused):
            assert time.monotonic() < deadline, refused
            page.wait_for_timeout(50)
        assert not any(
            f.url.startswith(live_server.url)
            and f.url != "about:blank"
            and f.evaluate("!!document.querySelector('main')")
            for f in page.frames[1:]
        )
        assert page.evaluate("window.seen") == []
        context.close()
    finally:
        site.close()


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]


@pytest.fixture
def strict_browser(tmp_path, chromium):
    """Launch Chromium with cookie rules of its own: extra flags and profile preferences."""
    from tests.e2e.conftest import CHROMIUM

    contexts = []

    def launch(args: list[str], preferences: dict):
        profile = tmp_path / f"profile-{len(contexts)}"
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
        # A browser of its own (a profile with these rules), from the same Playwright.
        context = chromium.browser_type.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=BROWSER_ARGS + args,
            headless=True,
            viewport={"width": 375, "height": 740},
        )
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        context.close()


class TestWhenTheBrowserGuardsItsCookies:
    def test_third_party_cookies_blocked_the_partitioned_ones_keep_the_frame_signed_in(
        self, strict_browser, live_server, clinic_site, mailoutbox
    ):
        context = strict_browser(["--test-third-party-cookie-phaseout"], {})
        page = context.new_page()
        div = '<div id="portal" data-vsee-portal data-room="demo-room" data-option="econsult"></div>'
        clinic_site.pages["/"] = host_page(live_server.url, div)
        page.goto(clinic_site.origin + "/")
        frame = portal_frame(page)
        frame.get_by_role("heading", name="Sign in").wait_for()
        # The browser is as meant: an ordinary third-party cookie is dropped, a
        # partitioned one kept.
        kept = frame_of(page).evaluate(
            "document.cookie = 'plain=1; SameSite=None; Secure';"
            "document.cookie = 'chips=1; SameSite=None; Secure; Partitioned';"
            "document.cookie"
        )
        assert "chips=1" in kept and "plain=1" not in kept
        sign_in_by_email(frame, mailoutbox)
        fill_intake(frame)
        frame.get_by_role("button", name="Continue").click()
        frame.get_by_role("button", name="Send my question").click()
        frame.get_by_role("heading", name="Your question is sent").wait_for()
        assert frame.locator(".frame-fallback").count() == 0

    def test_no_cookies_at_all_in_the_frame_offers_a_new_tab_signed_in_by_the_hand_off(
        self, strict_browser, live_server, clinic_site
    ):
        from portal.clinic.models import HandoffSecret
        from sandbox.models import SandboxVisit
        from tests.patients.test_handoff import PATIENT, make_handoff_token

        port = live_server.url.rsplit(":", 1)[1]
        # The portal's cookies blocked inside the clinic's site, partitioned ones too;
        # at the top level they are kept.
        blocked = f"http://localhost:{port},{clinic_site.origin}"
        context = strict_browser(
            [],
            {
                "profile": {
                    "content_settings": {
                        "exceptions": {"cookies": {blocked: {"setting": 2}}}
                    }
                }
            },
        )
        page = context.new_page()
        token = make_handoff_token(HandoffSecret.rotate(), PATIENT)
        div = (
            '<div id="portal" data-vsee-portal data-room="demo-room" '
            f'data-option="walkin" data-handoff="{token}"></div>'
        )
        clinic_site.pages["/"] = host_page(live_server.url, div)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page.goto(clinic_site.origin + "/")
        frame = portal_frame(page)
        way_on = frame.get_by_role("link", name="Continue in a new tab")
        way_on.wait_for()
        assert "keep you signed in" in frame.get_by_role("alert").inner_text()
        deadline = time.monotonic() + 5
        while "/sign-in/handoff/continue/" not in (way_on.get_attribute("href") or ""):
            assert time.monotonic() < deadline
            page.wait_for_timeout(50)
        settled_without_scrollbar(page)
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(frame_of(page))
        assert results.violations_count == 0, results.generate_report()
        # This profile refuses storage access too: the frame says so and keeps the way on.
        frame.get_by_role("button", name="Allow, and stay here").click()
        frame.get_by_text("Your browser didn't allow it").wait_for()
        assert frame.get_by_role("button", name="Allow, and stay here").count() == 0

        with context.expect_page() as opened:
            way_on.click()
        tab = opened.value
        tab.get_by_role("heading", name="Continue as Hana?").wait_for()
        assert_accessible(tab)
        tab.get_by_role("button", name="Continue as Hana").click()
        tab.get_by_role("heading", name="About your visit").wait_for()
        assert tab.get_by_text("Signed in as Hana").is_visible()
        fill_intake(tab)
        tab.get_by_role("button", name="Continue").click()
        tab.get_by_role("button", name="Go to the waiting room").click()
        # A tab of its own, not a frame: one tap, straight into the waiting room.
        tab.get_by_role("heading", name="VSee waiting room (sandbox)").wait_for()
        assert SandboxVisit.objects.filter(member__code=PATIENT["pid"]).count() == 1
        assert not any(token in url for url in requests)
        # The code works once.
        again = context.new_page()
        again.goto(live_server.url + way_on.get_attribute("href"))
        assert "didn't work" in again.get_by_role("heading", level=1).inner_text()


def test_the_demo_clinic_website_shows_both_snippets_accessibly(
    page, live_server, vsee_live
):
    """The page `manage.py demo_site` serves (scripts/run starts it), on another origin."""
    from sandbox.clinic_site import serve
    from sandbox.demo import allow_demo_site

    server = serve(live_server.url, host="127.0.0.1", port=0)
    origin = f"http://127.0.0.1:{server.server_port}"
    try:
        allow_demo_site(origin)
        page.goto(origin + "/")
        page.frame_locator("section iframe").get_by_role("heading", level=1).wait_for()
        settled_without_scrollbar(page, "section iframe")
        assert_accessible(page)
        page.get_by_role("button", name="Book a visit").click()
        page.get_by_role("dialog").wait_for()
        page.keyboard.press("Escape")
    finally:
        server.shutdown()
        server.server_close()
