from __future__ import annotations

import pytest

from portal.clinic.embedding import EmbeddingSettings


def policy(response) -> dict[str, list[str]]:
    """Return the response's Content-Security-Policy as {directive: sources}."""
    parts = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in parts}


def allow(*origins: str) -> None:
    row = EmbeddingSettings.load()
    row.allowed_origins = "\n".join(origins)
    row.full_clean()
    row.save()


@pytest.mark.django_db
class TestFraming:
    def test_nobody_may_frame_the_portal_until_the_clinic_lists_a_site(self, client):
        r = client.get("/signed-out/")
        assert policy(r)["frame-ancestors"] == ["'none'"]
        assert r["X-Frame-Options"] == "DENY"

    def test_the_listed_sites_may_frame_it_from_the_next_request(self, client):
        client.get("/signed-out/")  # the empty list is now cached
        allow("https://www.sunrise.example", "https://intranet.sunrise.example:8443")
        r = client.get("/signed-out/")
        assert policy(r)["frame-ancestors"] == [
            "'self'",
            "https://www.sunrise.example",
            "https://intranet.sunrise.example:8443",
        ]
        assert "X-Frame-Options" not in r

    def test_admin_is_never_framed(self, client):
        allow("https://www.sunrise.example")
        r = client.get("/admin/login/")
        assert r["X-Frame-Options"] == "DENY"
        assert policy(r)["frame-ancestors"] == ["'none'"]

    def test_in_a_frame_over_https_cookies_are_sent_cross_site_and_partitioned(
        self, client
    ):
        allow("https://www.sunrise.example")
        r = client.get("/sign-in/", secure=True)
        header = r.cookies["csrftoken"].output()
        assert "SameSite=None; Partitioned" in header and "Secure" in header

    def test_a_local_run_on_localhost_gets_them_too(self, client):
        # Browsers take Secure cookies from http://localhost, so the demo embed works.
        allow("http://127.0.0.1:8001")
        r = client.get("/sign-in/", headers={"Host": "localhost:8000"})
        assert "SameSite=None; Partitioned" in r.cookies["csrftoken"].output()
        r = client.get("/sign-in/")  # any other plain-HTTP host: not secure, left alone
        assert r.cookies["csrftoken"]["samesite"] == "Lax"

    def test_without_framing_cookies_stay_same_site(self, client):
        r = client.get("/sign-in/", secure=True)
        assert r.cookies["csrftoken"]["samesite"] == "Lax"
