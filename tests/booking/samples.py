"""Real files of each kind, made here (no binary fixtures), and hostile variants of them."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

pillow_heif.register_heif_opener()


def picture(kind: str, size: tuple[int, int] = (40, 20), **save: object) -> bytes:
    """A small red picture saved as JPEG, PNG or HEIF."""
    out = io.BytesIO()
    fmt = {"jpeg": "JPEG", "png": "PNG", "heic": "HEIF"}[kind]
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_location() -> bytes:
    """A JPEG whose EXIF says where it was taken, and that it is turned on its side."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° to show it upright
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 55.0), 3: "W", 4: (73.0, 59.0, 11.0)}
    exif[0x010F] = "MARKER-CAMERA-MAKER"
    return picture("jpeg", exif=exif)


def pdf(
    *, javascript: bool = False, attachment: bool = False, password: str = ""
) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hi')"),
            }
        )
    if attachment:
        writer.add_attachment("notes.txt", b"hello")
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 2048)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


ZIP = b"PK\x03\x04" + b"\x14\x00" * 20 + b"evil.php<?php system($_GET['c']); ?>"
PHP = b"<?php system($_GET['c']); ?>"
HTML = b"<html><script>alert(document.cookie)</script></html>"
