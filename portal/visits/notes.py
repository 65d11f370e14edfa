"""The provider's notes arrive as HTML from VSee; only plain formatting survives.

nh3 (a binding to the Rust `ammonia` sanitiser) parses the HTML as a browser would and
keeps only the allowed tags, with no attributes at all: scripts, event handlers,
javascript: links and images are removed, never executed.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"u", "b", "i", "strong", "ul", "ol", "li", "p", "br"}


def clean_note(html: str | None) -> SafeString:
    if not html:
        return mark_safe("")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={},
        clean_content_tags={"script", "style"},
        link_rel=None,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised just above
