"""Security headers on every kind of response: patient pages, pages with patient data,
admin, static files; and the production settings pass `check --deploy`."""

from __future__ import annotations

import os
import re
import smtplib
import subprocess
import sys

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from portal.patients.views import email_code
from tests.booking.test_intake import ANSWERS
from tests.clinic.test_framing import allow, policy
from tests.production import ROOT

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def assert_strict(response) -> dict[str, list[str]]:
    csp = policy(response)
    for directive, sources in STRICT.items():
        assert csp[directive] == sources, directive
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["form-action"][0] == "'self'"
    return csp


@pytest.mark.django_db
class TestPatientPages:
    def test_a_strict_policy_whose_nonce_is_the_page_s_one_inline_style(self, client):
        r = client.get("/signed-out/")
        csp = assert_strict(r)
        (nonce,) = (s for s in csp["style-src"] if s.startswith("'nonce-"))
        page = r.content.decode()
        assert f'<style nonce="{nonce[7:-1]}">' in page
        assert len(re.findall(r"<style", page)) == 1
        # No inline script (a JSON data block, never run, is no script).
        assert not re.search(r'<script(?![^>]*\b(src=|type="application/json"))', page)
        assert 'id="words-page" type="application/json"' in page
        assert not re.search(r'\sstyle="', page)  # no style attributes

    def test_each_response_has_its_own_nonce(self, client):
        one = policy(client.get("/signed-out/"))["style-src"]
        two = policy(client.get("/signed-out/"))["style-src"]
        assert one != two

    def test_camera_microphone_and_location_are_off(self, client):
        r = client.get("/signed-out/")
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in r["Permissions-Policy"]
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Referrer-Policy"] == "same-origin"
        assert r["Cross-Origin-Opener-Policy"] == "same-origin"


class TestPagesWithPatientData:
    @pytest.mark.parametrize(
        "path",
        [
            "/rooms/demo-room/walkin/",
            "/rooms/demo-room/walkin/review/",
            "/visits/",
        ],
    )
    def test_they_are_never_stored_and_vary_by_cookie(self, patient_client, path):
        assert (
            patient_client.post("/rooms/demo-room/walkin/", ANSWERS).status_code == 302
        )
        r = patient_client.get(path)
        assert r.status_code == 200
        cache_control = {p.strip() for p in r["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control
        assert "Cookie" in r["Vary"]


class TestFormsShownAgainAfterAPost:
    def test_they_are_private_and_revalidated_but_back_still_shows_them(
        self, patient_client, monkeypatch
    ):
        # no-store would make Back ask to resubmit the form. (A form the patient must fix
        # redirects to a GET instead; one that failed on our side, like the mail server
        # being down here, answers in place with a 503.)
        def refused(*args, **kwargs):
            raise smtplib.SMTPServerDisconnected("gone")

        monkeypatch.setattr(email_code, "send_sign_in_code", refused)
        r = patient_client.post("/sign-in/", {"email": "ada@example.com"})
        assert r.status_code == 503
        assert "We couldn&#x27;t send the email just now" in r.content.decode()
        cache_control = {p.strip() for p in r["Cache-Control"].split(",")}
        assert {"private", "no-cache", "max-age=0"} <= cache_control
        assert "no-store" not in cache_control


@pytest.mark.django_db
class TestAdmin:
    def test_its_own_policy_never_framed_even_where_the_portal_may_be(self, client):
        allow("https://www.sunrise.example")
        r = client.get("/admin/login/")
        csp = assert_strict(r)
        assert csp["style-src"] == ["'self'"]
        assert r["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
class TestStaticFiles:
    def test_they_carry_the_policy_too(self, client, settings):
        # Served from the source folders, as with DEBUG on (no collectstatic in tests).
        settings.WHITENOISE_USE_FINDERS = True
        settings.WHITENOISE_AUTOREFRESH = True
        r = client.get(staticfiles_storage.url("portal.css"))
        assert r.status_code == 200
        assert_strict(r)
        assert r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
class TestHttps:
    def test_plain_http_is_sent_to_https_but_health_checks_are_not(
        self, client, settings
    ):
        settings.SECURE_SSL_REDIRECT = True
        r = client.get("/signed-out/")
        assert r.status_code == 301 and r["Location"].startswith("https://")
        assert client.get("/healthz").status_code == 200

    def test_https_responses_carry_hsts(self, client, settings):
        settings.SECURE_HSTS_SECONDS = 31536000
        r = client.get("/signed-out/", secure=True)
        assert r["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_settings_pass_check_deploy_without_a_warning():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "False",
        "SECRET_KEY": "a" * 20 + "-long-random-production-secret-" + "z" * 30,
        "PATIENT_CODE_KEY": "production-patient-code-key",
        "PATIENT_DATA_KEYS": "production-patient-data-key",
        "ALLOWED_HOSTS": "portal.example.org",
        "VSEE_SANDBOX_ENABLED": "True",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.django_db
def test_an_oversized_form_is_a_bad_request_not_a_server_error(client):
    r = client.post("/sign-in/", {"first_name": "x" * (1024 * 1024 + 1)})
    assert r.status_code == 400
