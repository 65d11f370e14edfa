"""Attachments: what a file really is, what to call it, and whether the room takes it.

A file is judged by its first bytes, never by its name or the browser's content type, and
its bytes stay in memory for the length of the request (see `MemoryOnlyUploadHandler`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.clinic.rooms import DEFAULT_ATTACHMENT_KINDS, Room

MB = 1024 * 1024
# Enough of the start of a file to tell every kind below apart.
HEAD_BYTES = 32
MAX_NAME_LENGTH = 80

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
}
# The extension a file of each kind carries; the first is the one we give it.
EXTENSIONS = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
    "heic": (".heic", ".heif"),
}
# For the patient: "a PDF, JPEG, PNG or HEIC file", "a JPEG photo", "PDF · 1.2 MB".
KIND_WORDS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "heic": "HEIC"}
KIND_DESCRIPTIONS = {
    "pdf": gettext_lazy("a PDF document"),
    "jpeg": gettext_lazy("a JPEG photo"),
    "png": gettext_lazy("a PNG image"),
    "heic": gettext_lazy("a HEIC photo"),
}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ISO BMFF major brands of HEIF/HEIC still images and sequences.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"}

# Kinds we recognise but never accept, named so the refusal can say what the file is.
_OTHER_KINDS: list[tuple[bytes, int, Any]] = [
    (b"\x7fELF", 0, gettext_lazy("a program")),
    (b"MZ", 0, gettext_lazy("a program")),
    (b"\xca\xfe\xba\xbe", 0, gettext_lazy("a program")),
    (b"\xcf\xfa\xed\xfe", 0, gettext_lazy("a program")),
    (b"#!", 0, gettext_lazy("a script")),
    (b"PK\x03\x04", 0, gettext_lazy("a ZIP archive or Office document")),
    (b"Rar!", 0, gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", 0, gettext_lazy("a 7-Zip archive")),
    (b"\x1f\x8b", 0, gettext_lazy("a compressed (gzip) file")),
    (b"GIF8", 0, gettext_lazy("a GIF image")),
    (b"II*\x00", 0, gettext_lazy("a TIFF image")),
    (b"MM\x00*", 0, gettext_lazy("a TIFF image")),
    (b"\xd0\xcf\x11\xe0", 0, gettext_lazy("an old Office document")),
    (b"{\\rtf", 0, gettext_lazy("a rich text document")),
]


def sniff_kind(head: bytes) -> str | None:
    """Return "pdf", "jpeg", "png" or "heic" from a file's first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "heic"
    return None


def describe_content(head: bytes) -> str | None:
    """Return what a file is in words ("a program"), or None when we cannot tell."""
    kind = sniff_kind(head)
    if kind:
        return str(KIND_DESCRIPTIONS[kind])
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return _("an AVIF image")
        return _("a video")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _("a WebP image")
    for magic, offset, words in _OTHER_KINDS:
        if head[offset : offset + len(magic)] == magic:
            return str(words)
    return None


def content_type(kind: str) -> str:
    return CONTENT_TYPES[kind]


# Control characters, bidi overrides and other invisible formatting (Cc, Cf); the line and
# paragraph separators become spaces.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_RESERVED = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"(\.[A-Za-z0-9]{1,10})$")


def display_name(raw: str) -> str:
    """Return a file name safe to show and send on: no path, no invisible or control
    characters, single spaces, at most MAX_NAME_LENGTH characters with its extension kept."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    chars = []
    for ch in name:
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\t\n\r\v\f":
            chars.append(" ")
        elif category not in _INVISIBLE:
            chars.append(ch)
    name = _RESERVED.sub("_", "".join(chars))
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name.strip("._- "):
        return "file"
    if len(name) > MAX_NAME_LENGTH:
        match = _EXTENSION.search(name)
        ext = match.group(1) if match else ""
        stem = name[: len(name) - len(ext)]
        name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "…" + ext
    return name


def name_for_kind(name: str, kind: str) -> str:
    """Return `name` with the extension its content calls for (a PNG named scan.pdf → scan.png)."""
    if name.lower().endswith(EXTENSIONS[kind]):
        return name
    match = _EXTENSION.search(name)
    stem = name[: match.start()] if match and match.start() > 0 else name
    ext = EXTENSIONS[kind][0]
    return display_name(stem[: MAX_NAME_LENGTH - len(ext)] + ext)


def allowed_kinds(room: Room) -> list[str]:
    kinds = [k for k in (room.attachment_kinds or []) if k in CONTENT_TYPES]
    return kinds or list(DEFAULT_ATTACHMENT_KINDS)


def _kinds_listed(kinds: list[str]) -> str:
    """Return "PDF, JPEG, PNG or HEIC" for the kinds given."""
    words = [KIND_WORDS[k] for k in kinds]
    if len(words) == 1:
        return words[0]
    # Translators: a list of file kinds and the last one, e.g. "PDF, JPEG, PNG or HEIC".
    return _("%(kinds)s or %(last)s") % {
        "kinds": ", ".join(words[:-1]),
        "last": words[-1],
    }


def kinds_in_words(kinds: list[str]) -> str:
    """Return "a PDF, JPEG, PNG or HEIC file" for the kinds given."""
    return _("a %(kinds)s file") % {"kinds": _kinds_listed(kinds)}


def accept_attribute(kinds: list[str]) -> str:
    """Return the file input's `accept`: extensions and types, for the browser's picker."""
    parts: list[str] = []
    for kind in kinds:
        parts.extend(EXTENSIONS[kind])
        parts.append(CONTENT_TYPES[kind])
        if kind == "heic":
            parts.append("image/heif")
    return ",".join(parts)


def size_in_words(size: int) -> str:
    """Return "850 KB" or "12.3 MB"; rounded up, so a file just over a limit looks over it."""
    if size < MB:
        return f"{max(1, math.ceil(size / 1024))} KB"
    return f"{math.ceil(size * 10 / MB) / 10:.1f} MB"


def rules_in_words(room: Room) -> str:
    """Return the room's rules in plain words."""
    count = room.attachment_max_files
    kinds = capfirst(
        _("%(kinds)s files of up to %(size)s MB each.")
        % {"kinds": _kinds_listed(allowed_kinds(room)), "size": room.attachment_max_mb}
    )
    if count == 1:
        files = _("You can attach 1 file.")
    else:
        files = ngettext(
            "You can attach up to %(count)s file.",
            "You can attach up to %(count)s files.",
            count,
        ) % {"count": count}
    return f"{kinds} {files}"


def check_upload(file: UploadedFile, room: Room, *, attached: int = 0) -> str:
    """Return the file's kind if the room takes it, or raise ValidationError saying why not.

    `attached` is how many files the patient already has (including earlier ones in the
    same submit). The content decides the kind; the name is only used in the message.
    """
    name = display_name(file.name or "")
    if attached >= room.attachment_max_files:
        count = room.attachment_max_files
        raise ValidationError(
            ngettext(
                "You can attach up to %(count)s file, so “%(name)s” was not added. "
                "Remove a file first to add another.",
                "You can attach up to %(count)s files, so “%(name)s” was not added. "
                "Remove a file first to add another.",
                count,
            )
            % {"count": count, "name": name},
            code="too_many",
        )
    size = file.size or 0
    if size == 0:
        raise ValidationError(
            _("“%(name)s” is empty. Please choose the file again.") % {"name": name},
            code="empty",
        )
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    kinds = allowed_kinds(room)
    wanted = kinds_in_words(kinds)
    kind = sniff_kind(head)
    if kind is None or kind not in kinds:
        what = describe_content(head)
        if what is None:
            raise ValidationError(
                _(
                    "We couldn't tell what kind of file “%(name)s” is. Please attach "
                    "%(kinds)s."
                )
                % {"name": name, "kinds": wanted},
                code="unknown_kind",
            )
        raise ValidationError(
            _("“%(name)s” is %(what)s — please attach %(kinds)s.")
            % {"name": name, "what": what, "kinds": wanted},
            code="wrong_kind",
        )
    limit = room.attachment_max_mb * MB
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s MB per file.")
            % {
                "name": name,
                "size": size_in_words(size),
                "limit": room.attachment_max_mb,
            },
            code="too_large",
        )
    return kind


# What a request body may hold besides the files: the form's other fields and the
# multipart framing around each part.
FORM_OVERHEAD_BYTES = 64 * 1024


def upload_body_limit(room: Room) -> int:
    """Return the largest request body an upload to this room can honestly need."""
    return room.attachment_max_files * room.attachment_max_mb * MB + FORM_OVERHEAD_BYTES


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keep each uploaded file in memory and never on disk, holding at most `cap` bytes of
    it and of at most `max_files` files; the rest is counted, not kept, so a file over the
    limit still reports its real size and a flood of files costs no memory.

    Set it before the request body is read: `request.upload_handlers = [...]`.
    """

    def __init__(self, request: Any = None, *, cap: int, max_files: int) -> None:
        super().__init__(request)
        self.cap = cap
        self.max_files = max_files
        self.files_seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        # Past max_files only the head is kept: enough to say what it is.
        self.keep = self.cap if self.files_seen <= self.max_files else HEAD_BYTES
        self.buffer = BytesIO()
        self.received = 0
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        room = self.keep - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
