"""portal/booking/page_cache.py: the landing and room pages, kept a few seconds for
visitors with no session yet, each still with a CSRF token and CSP nonce of their own."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.clinic.branding import Branding
from portal.clinic.rooms import Room

ROOM = "/rooms/demo-room/"


def form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def style_nonce(page: str) -> str:
    return re.search(r'<style nonce="([^"]+)"', page).group(1)


@pytest.fixture
def strangers(vsee_live):
    """Two browsers that have never been here (CSRF checked, as a real one is)."""
    return Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("path", ["/", ROOM])
def test_a_stranger_s_page_is_kept(path, strangers, django_assert_num_queries):
    first, second = strangers
    made = first.get(path)
    assert made.status_code == 200
    with django_assert_num_queries(1):  # the clinic's configuration generation
        kept = second.get(path)
    assert kept.status_code == 200
    for header in ("Cache-Control", "Vary", "Content-Language"):
        assert kept.headers[header] == made.headers[header]
    assert "no-store" in kept.headers["Cache-Control"]
    # The same page, but for what is each visitor's own.
    ours, theirs = made.content.decode(), kept.content.decode()
    assert form_token(ours) != form_token(theirs)
    assert style_nonce(ours) != style_nonce(theirs)
    assert ours.replace(form_token(ours), "T").replace(style_nonce(ours), "N") == (
        theirs.replace(form_token(theirs), "T").replace(style_nonce(theirs), "N")
    )


def test_the_kept_page_s_token_and_nonce_are_the_visitor_s_own(strangers, settings):
    first, second = strangers
    first.get(ROOM)
    kept = second.get(ROOM)
    page = kept.content.decode()
    # The style's nonce is the one the policy allows...
    assert f"'nonce-{style_nonce(page)}'" in kept.headers["Content-Security-Policy"]
    # ...and the language switch works with the token the page carries, and the cookie
    # this visitor was given with it.
    assert "csrftoken" in kept.cookies
    switched = second.post(
        "/i18n/setlang/",
        {"csrfmiddlewaretoken": form_token(page), "language": "es", "next": ROOM},
    )
    assert switched.status_code == 302
    assert second.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert '<html lang="es">' in second.get(ROOM).content.decode()


def test_a_save_in_admin_shows_at_once(strangers):
    first, second = strangers
    first.get(ROOM)
    room = Room.objects.get(code="demo-room")
    room.welcome_text = "Flu shots are in."
    room.save()
    assert "Flu shots are in." in second.get(ROOM).content.decode()
    branding = Branding.load()
    branding.clinic_name = "Riverside Clinic"
    branding.save()
    assert "Riverside Clinic" in Client().get(ROOM).content.decode()


def test_each_language_has_its_own(strangers):
    first, second = strangers
    first.get(ROOM)
    spanish = second.get(ROOM, headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es">' in spanish
    assert "Ver a un médico ahora" in spanish


def test_a_signed_in_patient_is_not_given_a_stranger_s_page(strangers, patient_client):
    strangers[0].get(ROOM)
    page = patient_client.get(ROOM).content.decode()
    assert "Sign out" in page
    assert "Been here before?" not in page


def test_a_page_with_a_query_is_made_for_its_visitor(strangers):
    first, second = strangers
    first.get(ROOM)
    page = second.get(ROOM + "?lang=es").content.decode()
    assert '<html lang="es">' in page


def test_none_kept_when_switched_off(strangers, settings):
    settings.PAGE_CACHE_SECONDS = 0
    first, second = strangers
    first.get(ROOM)
    with CaptureQueriesContext(connection) as queries:
        second.get(ROOM)
    assert queries.captured_queries  # made again, from the database
