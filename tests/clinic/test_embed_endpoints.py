"""The embed's server side: the stable script address and the cookie probe."""

from __future__ import annotations

import pytest


def test_embed_js_is_a_short_cached_redirect_to_this_release_s_file(client, db):
    r = client.get("/embed.js")
    assert r.status_code == 302
    assert r["Location"].startswith("/static/") and r["Location"].endswith(".js")
    assert "embed" in r["Location"]
    assert r["Cache-Control"] == "public, max-age=300"


class TestTheCookieProbe:
    def test_it_sets_its_cookie_then_says_it_came_back(self, client, db):
        r = client.get("/embed/cookies")
        assert r.status_code == 204 and "portal_cookie_probe" in r.cookies
        assert client.get("/embed/cookies", {"check": "1"}).json() == {"cookies": True}

    def test_without_it_it_says_so(self, client, db):
        assert client.get("/embed/cookies", {"check": "1"}).json() == {"cookies": False}

    @pytest.mark.parametrize("odd", ["0", "yes", "1' or '1"])
    def test_an_odd_check_is_refused_plainly(self, client, db, odd):
        r = client.get("/embed/cookies", {"check": odd})
        assert r.status_code == 400 and r.json() == {"error": "check is 1 or absent"}

    def test_it_is_never_cached(self, client, db):
        assert "no-cache" in client.get("/embed/cookies")["Cache-Control"]
