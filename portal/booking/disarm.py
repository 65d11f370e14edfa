"""What leaves the portal is only what a file says it is.

A file that starts like a JPEG can go on to be a PHP script, a PNG can carry a ZIP archive
after its last chunk, a PDF can hold HTML, JavaScript or other files, and a 2 KB PNG can
claim 50,000 × 50,000 pixels. The first bytes (uploads.sniff_kind) decide what a file
should be; this module makes it so before anything is sent to VSee:

- Pictures are decoded and drawn again from their pixels (Pillow), within a pixel limit.
  Nothing else of the file survives: no trailing data, no comments, and no EXIF, so no
  GPS position or camera serial either. The photo is turned upright first, as EXIF said,
  and its colour profile is kept (a rash's colour matters). HEIC photos (pillow-heif)
  leave as JPEG, which every provider's browser shows.
- PDFs are parsed (pypdf) and written out again, which drops anything outside the PDF's
  own structure. One with JavaScript, embedded files, launch actions, rich media or XFA
  forms is refused, and so is one locked with a password.
"""

from __future__ import annotations

import warnings
from io import BytesIO
from typing import Any

import pillow_heif
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# A 48-megapixel phone photo fits; a decompression bomb does not.
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses twice this outright
pillow_heif.register_heif_opener()

# Keys and action types that make a PDF do something rather than show something.
# What each is called goes into a message for the patient ("“x.pdf” contains …").
_ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFile": gettext_lazy("an embedded file"),
    "/EmbeddedFiles": gettext_lazy("an embedded file"),
    "/RichMedia": gettext_lazy("rich media"),
    "/XFA": gettext_lazy("an XFA form"),
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": gettext_lazy("an action that starts a program"),
    "/GoToE": gettext_lazy("a link into an embedded file"),
    "/ImportData": gettext_lazy("an action that imports data"),
}


def disarm(content: bytes, kind: str, name: str) -> tuple[bytes, str]:
    """Return the bytes to send and their kind, or raise ValidationError saying why not."""
    if kind == "pdf":
        return _rewrite_pdf(content, name), "pdf"
    return _redraw_picture(content, kind, name)


def _redraw_picture(content: bytes, kind: str, name: str) -> tuple[bytes, str]:
    try:
        with warnings.catch_warnings():
            # The pixel count is checked below, with a message for the patient.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(BytesIO(content))
        with picture:
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(name, width, height)
            picture.load()
            profile = picture.info.get("icc_profile")
            upright = ImageOps.exif_transpose(picture)
            # Pixels only: Pillow would otherwise carry comments and such over.
            mode = "RGBA" if kind == "png" and "A" in upright.getbands() else "RGB"
            if upright.mode == "L":
                mode = "L"
            pixels = upright.convert(mode)
            pixels.info = {}
            out = BytesIO()
            if kind == "png":
                pixels.save(out, "PNG", icc_profile=profile)
                return out.getvalue(), "png"
            pixels.convert("RGB" if mode == "RGBA" else mode).save(
                out, "JPEG", quality=90, icc_profile=profile
            )
            return out.getvalue(), "jpeg"
    except Image.DecompressionBombError:
        raise _too_many_pixels(name) from None
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a decoder fed hostile bytes can fail any way
        raise ValidationError(
            _(
                "“%(name)s” couldn't be opened as a picture. Please take the photo "
                "again, or attach it as a PDF."
            )
            % {"name": name},
            code="unreadable_picture",
        ) from None


def _too_many_pixels(name: str, width: int = 0, height: int = 0) -> ValidationError:
    if width:
        message = _(
            "“%(name)s” is too large a picture (%(width)s × %(height)s pixels). Please "
            "attach a smaller photo or a screenshot of it."
        ) % {"name": name, "width": f"{width:,}", "height": f"{height:,}"}
    else:
        message = _(
            "“%(name)s” is too large a picture. Please attach a smaller photo or a "
            "screenshot of it."
        ) % {"name": name}
    return ValidationError(message, code="too_many_pixels")


def _rewrite_pdf(content: bytes, name: str) -> bytes:
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        # Locked against changes only (an empty password opens it): that is fine.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _(
                    "“%(name)s” is locked with a password. Please attach a copy without one."
                )
                % {"name": name},
                code="locked_pdf",
            )
        active = _active_content(reader.trailer)
        if active:
            raise ValidationError(
                _(
                    "“%(name)s” contains %(what)s, which we can't pass on to the clinic. "
                    "Please print it to a new PDF, or take a photo of it, and attach "
                    "that."
                )
                % {"name": name, "what": active},
                code="active_pdf",
            )
        out = BytesIO()
        PdfWriter(clone_from=reader).write(out)
        return out.getvalue()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a parser fed hostile bytes can fail any way
        raise ValidationError(
            _(
                "“%(name)s” couldn't be opened as a PDF. Please save it again, or take "
                "a photo of it, and attach that."
            )
            % {"name": name},
            code="unreadable_pdf",
        ) from None


def _active_content(root: Any) -> str:
    """Return what in the PDF's object graph would act rather than show, or ""."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams included
            for key, value in node.items():
                if key in _ACTIVE_KEYS:
                    return str(_ACTIVE_KEYS[key])
                if key == "/S" and value in _ACTIVE_ACTIONS:
                    return str(_ACTIVE_ACTIONS[value])
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return ""
