"""Each visit option walked end to end in Spanish, in Chromium at 320 px: on every page,
no English is left (each visible text, label and title is checked against the catalogue
and the clinic's English texts), axe finds nothing, and what reaches VSee equals what
the same walk in English sends.

Navigation uses the catalogue too: `say("Continue")` is the button's name in the walk's
language, so the same walk runs in English and in Spanish.
"""

from __future__ import annotations

import re
from functools import cache
from gettext import GNUTranslations

import pytest
from django.utils import translation
from modeltranslation.translator import translator

from portal.clinic.branding import Branding
from portal.clinic.consents import ConsentDocument
from portal.clinic.questions import IntakeQuestion
from portal.clinic.rooms import Room
from portal.patients.models import ConsentGiven
from portal.vsee.schemas import Consultation
from sandbox.models import (
    SandboxConsultation,
    SandboxFile,
    SandboxIntake,
    SandboxRoom,
    SandboxUser,
    SandboxVisit,
)
from tests.booking.test_files import png_bytes
from tests.conftest import ADA
from tests.e2e.conftest import NARROW, assert_accessible, watch_policy
from tests.production import ROOT

pytestmark = pytest.mark.browser

CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo"
PNG = {"name": "tarjeta.png", "mimeType": "image/png", "buffer": png_bytes()}
REASON = "Dolor de garganta desde hace tres días"

# Words that give away an English sentence the catalogue does not know (a string never
# marked for translation).
ENGLISH_WORDS = re.compile(
    r"\b(the|your|you|please|with|and|this|here|visit|visits|today|now|our|we|will)\b",
    re.I,
)
# Every visible text node (and what a screen reader reads: labels, alt, title), except
# what is marked as being in another language (the switch says "English" in English).
VISIBLE_TEXTS = """() => {
  const lang = document.documentElement.lang;
  const foreign = (el) => {
    const marked = el.closest("[lang]");
    return marked && marked !== document.documentElement && marked.lang !== lang;
  };
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !el || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName)) {
      continue;
    }
    if (foreign(el) || !(el.tagName === "OPTION" || el.checkVisibility())) {
      continue;
    }
    texts.push(text);
  }
  for (const el of document.querySelectorAll("[aria-label], [alt], [title], [placeholder]")) {
    if (foreign(el)) continue;
    for (const name of ["aria-label", "alt", "title", "placeholder"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.replace(/\\s+/g, " ").trim());
    }
  }
  return texts;
}"""


@cache
def english_fragments() -> frozenset[str]:
    """The English of every catalogue entry whose Spanish differs, cut at its markup and
    placeholders (a page shows the pieces between them), less pieces that are Spanish too
    ("VSee", "911")."""
    with CATALOGUE.open("rb") as handle:
        catalogue = GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    spanish = "\n".join(str(v) for v in catalogue.values())
    fragments = set()
    for key, value in catalogue.items():
        english = key[0] if isinstance(key, tuple) else key
        if not english or english == value:
            continue
        for piece in re.split(r"<[^>]+>|%\(\w+\)[sd]|%[sd]", english):
            piece = re.sub(r"\s+", " ", piece).strip(" .,:;!?…—-()“”\"'·")
            if len(piece) >= 4 and piece not in spanish:
                fragments.add(piece)
    return frozenset(fragments)


def clinic_english() -> set[str]:
    """The clinic's English texts that have a Spanish value of their own."""
    texts: set[str] = set()
    rows = [
        *Room.objects.all(),
        *IntakeQuestion.objects.all(),
        *ConsentDocument.objects.all(),
        Branding.load(),
    ]
    for row in rows:
        # The fields portal/clinic/translation.py registers for this model.
        for name in translator.get_options_for_model(type(row)).fields:
            english = getattr(row, f"{name}_en", None)
            spanish = getattr(row, f"{name}_es", None)
            if english and spanish and english != spanish:
                texts.update(
                    line.strip() for line in english.splitlines() if line.strip()
                )
    return {t for t in texts if len(t) >= 4}


def vsee_data() -> list[str]:
    """What VSee says in its own words (the clinic's set-up there, providers, past visits
    and their notes), and what the patient typed: shown as it is, in any language."""
    words = [REASON, PNG["name"], ADA["email"]]
    for room in SandboxRoom.objects.all():
        words += [room.name, room.subtitle, room.description, room.close_msg]
    for user in SandboxUser.objects.all():
        words += [f"{user.first_name} {user.last_name}", user.email, user.title]
    for intake in SandboxIntake.objects.all():
        words += [v for v in intake.data.values() if isinstance(v, str)]
    words += list(SandboxFile.objects.values_list("name", flat=True))
    for visit in SandboxVisit.objects.all():
        words += [str(v) for v in vars(visit).values() if isinstance(v, str)]
    # Longest first, so a name is taken out before a part of it.
    return sorted({w for w in words if w and len(w) >= 3}, key=len, reverse=True)


def english_left(page) -> list[str]:
    """The texts on this page that are still English."""
    fragments, clinic, theirs = english_fragments(), clinic_english(), vsee_data()
    left = []
    for text in page.evaluate(VISIBLE_TEXTS):
        rest = text
        for words in theirs:
            rest = rest.replace(words, " ")
        rest = re.sub(r"\S+@\S+|https?://\S+", " ", rest).strip()
        if not rest:
            continue
        known = [
            f for f in fragments | clinic if rest == f or (len(f) >= 12 and f in rest)
        ]
        if known or ENGLISH_WORDS.search(rest):
            left.append(text)
    return left


class Walk:
    """One patient's walk in one language, through the real pages."""

    def __init__(self, page, language: str, base_url: str, mailoutbox) -> None:
        self.page, self.language = page, language
        self.base_url, self.mailoutbox = base_url, mailoutbox
        self.seen: list[str] = []

    def say(self, english: str) -> str:
        with translation.override(self.language):
            return translation.gettext(english)

    def clinic(self, obj, name: str) -> str:
        with translation.override(self.language):
            return getattr(obj, name)

    def at(self, heading: str, *, exact: bool = False) -> None:
        """Wait for the page, then check it: no English (in Spanish) and axe."""
        page = self.page
        page.get_by_role(
            "heading", name=self.say(heading), exact=exact
        ).first.wait_for()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == self.language
        if self.language == "es":
            assert english_left(page) == [], page.url
        assert_accessible(page)
        self.seen.append(heading)

    def click(self, role: str, english: str, **kwargs) -> None:
        self.page.get_by_role(role, name=self.say(english), **kwargs).first.click()

    def sign_in(self) -> None:
        page, say = self.page, self.say
        self.at("Sign in")
        page.get_by_label(say("Email address")).fill(ADA["email"])
        self.click("button", "Email me a code")
        self.at("Check your email")
        code = re.search(r"\b(\d{6})\b", self.mailoutbox[-1].body).group(1)
        page.get_by_label(say("6-digit code")).fill(code)
        self.click("button", "Sign in")
        first_time = page.get_by_role("heading", name=say("About you"), exact=True)
        first_time.or_(page.get_by_role("heading", name=say("Welcome back"))).wait_for()
        if first_time.is_visible():
            self.at("About you", exact=True)
            page.get_by_label(say("First name")).fill(ADA["first_name"])
            page.get_by_label(say("Last name")).fill(ADA["last_name"])
            page.get_by_label(say("Date of birth")).fill(ADA["dob"])
            self.click("button", "Continue")
        else:  # the portal knows her: her birth date only
            self.at("Welcome back")
            page.get_by_label(say("Date of birth")).fill(ADA["dob"])
            self.click("button", "Sign in")

    def intake(self) -> None:
        page, say = self.page, self.say
        self.at("About your visit")
        page.get_by_label(say("What brings you in today?")).fill(REASON)
        page.get_by_label(say("Which state are you in right now?")).select_option("NY")
        page.get_by_label(say("Phone number")).fill("212 555 0100")
        allergies = IntakeQuestion.objects.get(key="allergies")
        page.get_by_label(self.clinic(allergies, "label")).fill("Penicilina")
        since = IntakeQuestion.objects.get(key="symptoms_since")
        page.get_by_label(self.clinic(since, "label")).fill("2026-11-20")
        insurance = IntakeQuestion.objects.get(key="insurance")
        with translation.override(self.language):
            self_pay = dict(insurance.choice_pairs())["Self-pay"]
        page.get_by_role("group", name=self.clinic(insurance, "label")).get_by_label(
            self_pay
        ).check()
        seen = IntakeQuestion.objects.get(key="seen_before")
        page.get_by_role("group", name=self.clinic(seen, "label")).get_by_label(
            say("No"), exact=True
        ).check()
        self.click("button", "Continue")

    def files(self) -> None:
        page = self.page
        self.at("Add files")
        page.get_by_label(self.say("Add files")).set_input_files(PNG)
        files = page.get_by_role("list", name=self.say("Your files"))
        files.get_by_text(PNG["name"], exact=True).first.wait_for()
        self.at("Add files")  # with the file listed, and the upload's own words
        self.click("button", "Continue")

    def consent(self) -> None:
        page = self.page
        document = ConsentDocument.objects.get()
        page.get_by_text(self.clinic(document, "title")).first.click()  # read it
        with translation.override(self.language):
            accept = page.get_by_role(
                "checkbox", name=re.compile(re.escape(document.title))
            )
        accept.check()
        page.get_by_label(self.say("Your full name, as your signature")).fill(
            "Ada Lovelace"
        )

    def history(self) -> None:
        self.page.goto(f"{self.base_url}/visits/")
        self.at("Your visits")


@pytest.fixture
def consent_in_both(vsee_live) -> ConsentDocument:
    return ConsentDocument.objects.create(
        room=Room.objects.get(code="demo-room"),
        title_en="Consent to telehealth",
        title_es="Consentimiento para telemedicina",
        text_en="Video visits have limits.\n\nYou can stop at any time.",
        text_es="Las visitas por video tienen límites.\n\nPuede parar cuando quiera.",
        version="2026-11",
        signature=True,
        for_appointment=False,
        for_econsult=False,
    )


def walk_in(walk: Walk) -> SandboxIntake:
    page = walk.page
    page.goto(f"{walk.base_url}/rooms/demo-room/")
    walk.at("How would you like to be seen?")
    walk.click("link", "See a doctor now")
    walk.sign_in()
    walk.intake()
    walk.files()
    walk.at("Ready to see a doctor")
    walk.consent()
    walk.click("button", "Go to the waiting room")
    page.get_by_role("heading", name="VSee waiting room (sandbox)").wait_for()  # VSee's
    page.go_back()
    walk.at("You're checked in")
    visit = SandboxVisit.objects.latest("pk")
    walk.click("link", "Leave the waiting room")
    walk.at("Leave the waiting room?")
    walk.history()
    return SandboxIntake.objects.get(pk=visit.intake_id)


def appointment(walk: Walk) -> None:
    page = walk.page
    page.goto(f"{walk.base_url}/rooms/demo-room/")
    walk.click("link", "Book a time")
    where = page.get_by_role("heading", name=walk.say("Where are you?"))
    times = page.get_by_role("heading", name=walk.say("Choose a time"))
    where.or_(times).first.wait_for()
    if where.is_visible():  # the state is asked once; the walk-in may have given it
        walk.at("Where are you?")
        page.get_by_label(walk.say("Which state are you in right now?")).select_option(
            "NY"
        )
        walk.click("button", "Show free times")
    quick = SandboxConsultation.objects.get(description="Quick video visit")
    room = Room.objects.get(code="demo-room")
    with translation.override(walk.language):  # the clinic's name for it, or VSee's
        kind = room.consultation_name(
            Consultation(id=str(quick.pk), description=quick.description)
        )
    kinds = page.get_by_role("link", name=kind)
    kinds.or_(page.locator("button[name=slot]:visible")).first.wait_for()
    if kinds.count():
        kinds.first.click()
    walk.at("Choose a time")
    page.locator("button[name=slot]:visible").first.click()
    walk.intake()
    walk.files()
    walk.at("Check and book")
    walk.click("button", "Book this time")
    walk.at("Your visit is booked")
    visit = SandboxVisit.objects.latest("pk")
    page.goto(f"{walk.base_url}/visits/{visit.pk}/reschedule/")
    walk.at("Choose a new time")
    page.goto(f"{walk.base_url}/visits/{visit.pk}/cancel/")
    walk.at("Cancel your appointment?")
    walk.history()


def e_consult(walk: Walk) -> None:
    page = walk.page
    page.goto(f"{walk.base_url}/rooms/demo-room/")
    walk.click("link", "Send a question")
    walk.intake()
    walk.files()
    walk.at("Check and send")
    walk.click("button", "Send my question")
    walk.at("Your question is sent")
    walk.history()


@pytest.fixture
def narrow_in(chromium):
    """A 320 px phone whose browser prefers `language`; fails on any policy violation."""
    contexts = []

    def open_page(language: str):
        context = chromium.new_context(
            viewport=NARROW,
            locale={"es": "es-MX", "en": "en-US"}[language],
            timezone_id="America/New_York",
        )
        contexts.append(context)
        page = context.new_page()
        blocked = watch_policy(page)
        return page, blocked

    yield open_page
    for context in contexts:
        context.close()


def test_every_option_in_spanish_leaves_no_english_and_sends_vsee_the_same(
    narrow_in, live_server, vsee_live, mailoutbox, consent_in_both
):
    page, blocked = narrow_in("es")
    walk = Walk(page, "es", live_server.url, mailoutbox)
    spanish = walk_in(walk)
    appointment(walk)
    e_consult(walk)
    assert blocked == []
    assert len(walk.seen) >= 20

    # The same walk-in in English: VSee receives the same intake, answer for answer. (The
    # consent is asked again: as if this were its first acceptance.)
    ConsentGiven.objects.all().delete()
    page, blocked = narrow_in("en")
    english = walk_in(Walk(page, "en", live_server.url, mailoutbox))
    assert blocked == []

    def as_sent(intake: SandboxIntake) -> dict:
        data = dict(intake.data)
        data.pop("attachments", None)  # the files' ids, new each walk
        return data

    assert as_sent(spanish) == as_sent(english)
    assert spanish.data["custom_insurance"] == "Self-pay"
    assert spanish.data["custom_seen_before"] == "false"
    assert spanish.data["reason_for_visit"] == REASON
    assert (
        len(spanish.attachment_ids) == len(english.attachment_ids) == 2
    )  # file, record
