"""The signed record of a consent, as a small PDF for VSee (meta.category user_consent).

It says which documents (title and version) were accepted, when, in which room, and the
full name typed as a signature where one was asked. It is made in memory, sent, and not
kept by the portal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

# A font with more than Latin-1 in it, so that any name can be signed as typed. The PDF's
# built-in fonts are the fallback on a machine without one (letters outside Latin-1 are
# then written without their accents, or as "?").
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


@dataclass(frozen=True)
class Accepted:
    title: str
    version: str
    signed_as: str = ""  # the typed full name, where the document asks for a signature
    read_as: str = ""  # the title as the patient read it, in their language


# The languages a patient may read a document in, named for the clinic's record.
READ_IN = {"es": "Spanish"}


def signed_record(
    accepted: list[Accepted],
    *,
    accepted_at: datetime,
    room_name: str,
    language: str = "en",
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("Consent record")
    pdf.set_creator("Patient portal")
    pdf.add_page()
    write = _font(pdf)
    pdf.set_font_size(16)
    pdf.multi_cell(0, 10, write("Consent record"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(11)
    when = accepted_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    pdf.multi_cell(0, 7, write(room_name), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, write(f"Accepted on {when}"), new_x="LMARGIN", new_y="NEXT")
    for item in accepted:
        pdf.ln(4)
        pdf.set_font_size(13)
        pdf.multi_cell(0, 8, write(item.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(11)
        lines = [f"Version {item.version}", "Read and accepted."]
        if language in READ_IN:
            lines[1] = f"Read and accepted in {READ_IN[language]}"
            lines[1] += f", as “{item.read_as}”." if item.read_as else "."
        if item.signed_as:
            lines.append(f"Signed: {item.signed_as}")
        for line in lines:
            pdf.multi_cell(0, 7, write(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _font(pdf: FPDF):
    """Set the record's font and return how text must be written for it."""
    path = settings.CONSENT_PDF_FONT or next(
        (p for p in FONT_CANDIDATES if Path(p).is_file()), ""
    )
    if path:
        pdf.add_font("Record", fname=path)
        pdf.set_font("Record")
        return lambda text: text
    pdf.set_font("Helvetica")
    return _latin1


def _latin1(text: str) -> str:
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore")
            out.append(plain.decode() or "?")
    return "".join(out)
