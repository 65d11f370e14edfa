"""GET /visits/:id/exports/visit_summary and the PDF it points to (views/visits.py, views/exports.py)."""

from __future__ import annotations

from urllib.parse import urlparse

from sandbox.views import exports
from tests.sandbox.conftest import DAY, NOW


def export(api, token, visit_id):
    return api.get(f"/visits/{visit_id}/exports/visit_summary", token=token)


class TestSummaryExport:
    def test_it_returns_a_signed_pdf_url_for_a_completed_visit(
        self, api, ada_token, seeded
    ):
        response = export(api, ada_token, seeded["past_visit_id"])
        assert response.status_code == 200
        url = urlparse(response.json()["data"]["url"])
        assert (url.scheme, url.netloc) == ("http", "testserver")
        assert url.path.startswith("/sandbox/exports/") and url.path.endswith(".pdf")

    def test_it_has_no_summary_for_a_visit_not_completed(self, api, ada_token, book):
        visit = book(ada_token, NOW + DAY).json()["data"]
        response = export(api, ada_token, visit["id"])
        assert response.status_code == 404
        assert response.json() == {
            "code": 404,
            "message": "Visit summary is not available",
        }

    def test_it_hides_another_patients_summary(self, api, ben_token, seeded):
        assert export(api, ben_token, seeded["past_visit_id"]).status_code == 404


class TestSummaryPdf:
    def test_it_serves_a_small_valid_pdf(self, api, client, ada_token, seeded):
        path = urlparse(
            export(api, ada_token, seeded["past_visit_id"]).json()["data"]["url"]
        ).path
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = response.content
        assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
        assert b"(Visit summary \\(sandbox\\)) Tj" in pdf
        assert b"Lovelace" not in pdf

    def test_its_xref_points_at_each_object(self):
        pdf = exports.minimal_pdf(["Visit summary (sandbox)", "Visit 1000"])
        xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
        assert pdf[xref_at:].startswith(b"xref\n0 6\n")
        entries = pdf[xref_at:].split(b"\n")[3:8]
        for number, entry in enumerate(entries, start=1):
            offset = int(entry.split()[0])
            assert pdf[offset:].startswith(b"%d 0 obj" % number)

    def test_it_refuses_a_tampered_link(self, client, seeded):
        signed = exports.sign_summary(int(seeded["past_visit_id"]))
        assert client.get(f"/sandbox/exports/{signed}x.pdf").status_code == 404

    def test_it_refuses_an_expired_link(self, client, seeded, monkeypatch):
        signed = exports.sign_summary(int(seeded["past_visit_id"]))
        monkeypatch.setattr(exports, "SUMMARY_MAX_AGE", -1)
        assert client.get(f"/sandbox/exports/{signed}.pdf").status_code == 404
