"""The visit summary PDF behind GET /visits/:id/exports/visit_summary's signed URL."""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sandbox.models import SandboxVisit
from sandbox.views._api import require_sandbox

SUMMARY_SALT = "sandbox.visit_summary"
SUMMARY_MAX_AGE = 600  # seconds a signed summary link stays valid


def sign_summary(visit_id: int) -> str:
    """Return a signed, timestamped token naming the visit."""
    return signing.dumps({"visit": visit_id}, salt=SUMMARY_SALT)


def unsign_summary(signed: str) -> int | None:
    """Return the visit id of a valid, unexpired token, or None."""
    try:
        payload = signing.loads(signed, salt=SUMMARY_SALT, max_age=SUMMARY_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    visit_id = payload.get("visit") if isinstance(payload, dict) else None
    return visit_id if isinstance(visit_id, int) else None


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines: list[str]) -> bytes:
    """Return a valid one-page PDF showing ASCII lines in Helvetica, xref offsets computed."""
    ops = ["BT", "/F1 20 Tf", "72 720 Td", f"({_pdf_text(lines[0])}) Tj", "/F1 12 Tf"]
    for line in lines[1:]:
        ops += ["0 -24 Td", f"({_pdf_text(line)}) Tj"]
    content = "\n".join([*ops, "ET"]).encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


@require_GET
def visit_summary_pdf(request: HttpRequest, signed: str) -> HttpResponse:
    """Return the summary PDF for a valid link; a bad or expired link is a 404."""
    require_sandbox()
    visit_id = unsign_summary(signed)
    visit = SandboxVisit.objects.filter(pk=visit_id).first() if visit_id else None
    if visit is None:
        raise Http404("This link is not valid")
    # No names in the document: the sandbox stands in for VSee, it is not a records system.
    lines = [
        "Visit summary (sandbox)",
        f"Visit {visit.pk}",
        f"Date: {visit.start:%Y-%m-%d} (UTC)",
        "A stand-in document served by the VSee sandbox.",
    ]
    response = HttpResponse(minimal_pdf(lines), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-summary-{visit.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
