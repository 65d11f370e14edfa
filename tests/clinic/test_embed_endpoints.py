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


class TestSitesNotOnTheList:
    @pytest.fixture
    def listed(self, db):
        from portal.clinic.embedding import EmbeddingSettings

        row = EmbeddingSettings.load()
        row.allowed_origins = "https://www.sunrise.example"
        row.save()

    def test_a_site_loading_the_script_unlisted_is_noted_by_origin_only(
        self, client, listed
    ):
        from portal.clinic.embedding import UnlistedEmbed

        for _ in range(2):
            client.get(
                "/embed.js", headers={"Referer": "https://Other.example/book?who=ada"}
            )
        client.get("/embed.js", headers={"Referer": "https://www.sunrise.example/x"})
        client.get("/embed.js", headers={"Referer": "http://testserver/"})
        client.get("/embed.js", headers={"Referer": "not a url at all"})
        client.get("/embed.js")
        assert list(UnlistedEmbed.objects.values_list("origin", "count")) == [
            ("https://other.example", 2)
        ]

    def test_a_flood_of_made_up_sites_is_not_kept(self, client, listed):
        from portal.clinic.embedding import UnlistedEmbed

        for n in range(UnlistedEmbed.MAX_ROWS + 5):
            client.get("/embed.js", headers={"Referer": f"https://s{n}.example/"})
        assert UnlistedEmbed.objects.count() == UnlistedEmbed.MAX_ROWS

    def test_admin_shows_them_on_the_embedding_page(self, admin_client, listed):
        admin_client.get("/embed.js", headers={"Referer": "https://other.example/"})
        page = admin_client.get("/admin/clinic/embeddingsettings/", follow=True)
        text = page.content.decode()
        assert "Websites not on the list" in text
        assert "https://other.example" in text and "1 time," in text


def test_each_room_s_admin_page_has_its_snippets(admin_client, db):
    from portal.clinic.rooms import Room

    room = Room.objects.create(code="derm-room", display_name="Dermatology")
    page = admin_client.get(f"/admin/clinic/room/{room.pk}/change/").content.decode()
    assert "Embed in your website" in page
    assert (
        "&lt;div data-vsee-portal data-room=&quot;derm-room&quot;&gt;&lt;/div&gt;"
        in page
    )
    assert "data-mode=&quot;button&quot;" in page
    assert "&lt;script src=&quot;http://testserver/embed.js&quot; async&gt;" in page
    assert (
        '<a href="/rooms/derm-room/" target="_blank" rel="noopener">View as a patient</a>'
        in page
    )


class TestPolicyReports:
    URL = "/csp-report"

    def post(self, client, body, content_type="application/csp-report"):
        import json

        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return client.post(self.URL, data, content_type=content_type)

    def test_a_report_uri_report_is_counted_by_directive_with_no_address_kept(
        self, client, db
    ):
        from django.db import connection

        from portal.clinic.embedding import PolicyViolation

        report = {
            "csp-report": {
                "document-uri": "https://portal.example/visits/4711/?who=ada",
                "violated-directive": "frame-ancestors 'none'",
                "effective-directive": "frame-ancestors",
                "blocked-uri": "",
            }
        }
        assert self.post(client, report).status_code == 204
        assert self.post(client, report).status_code == 204
        assert PolicyViolation.refused_frames() == 2
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM clinic_policyviolation")
            assert "4711" not in repr(cursor.fetchall())

    def test_a_reporting_api_report_is_counted_too(self, client, db):
        from portal.clinic.embedding import PolicyViolation

        reports = [
            {"type": "csp-violation", "body": {"effectiveDirective": "script-src-elem"}}
        ]
        assert self.post(client, reports, "application/reports+json").status_code == 204
        assert PolicyViolation.objects.get().directive == "script-src-elem"

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"[1, 2, 3]",
            b'{"csp-report": "x"}',
            b'{"csp-report": {"effective-directive": "DROP TABLE"}}',
        ],
    )
    def test_junk_is_answered_and_not_counted(self, client, db, body):
        from portal.clinic.embedding import PolicyViolation

        assert self.post(client, body).status_code in (204, 400)
        assert not PolicyViolation.objects.exists()

    def test_a_large_body_is_refused_unread(self, client, db):
        r = client.post(
            self.URL,
            b"x",
            content_type="application/csp-report",
            headers={"Content-Length": "999999"},
        )
        assert r.status_code == 413

    def test_an_odd_length_is_refused_plainly(self, db):
        from django.test import RequestFactory

        from portal.clinic.views import csp_report

        request = RequestFactory().post(
            self.URL, b"{}", content_type="application/csp-report"
        )
        request.META["CONTENT_LENGTH"] = "12abc"
        assert csp_report(request).status_code == 400

    def test_only_post(self, client, db):
        assert client.get(self.URL).status_code == 405

    def test_every_policy_names_the_endpoint(self, client, db):
        from tests.clinic.test_framing import policy

        assert policy(client.get("/signed-out/"))["report-uri"] == ["/csp-report"]
        assert policy(client.get("/admin/login/"))["report-uri"] == ["/csp-report"]

    def test_admin_says_how_many_frames_were_refused(self, client, admin_client, db):
        self.post(client, {"csp-report": {"effective-directive": "frame-ancestors"}})
        page = admin_client.get("/admin/clinic/embeddingsettings/", follow=True)
        assert "1 time in the last 7 days" in page.content.decode()
