"""Request-body helpers: the intake fields, uploads, path segments and compacted bodies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, TypedDict, Unpack
from urllib.parse import quote

from portal.vsee.errors import VSeeRejected


class IntakeFields(TypedDict, total=False):
    """The intake fields VSee documents, plus our custom answers (sent as custom_<key>)."""

    type: int | None
    reason_for_visit: str | None
    location: str | None
    phone: str | None
    provider_id: str | None
    consultation: Mapping[str, Any] | None
    attachments: list[str] | None
    consent: bool | None
    custom: Mapping[str, Any] | None


@dataclass(frozen=True)
class Upload:
    """A file to send with POST /files; the bytes stay in memory, never on our disk."""

    name: str
    content: bytes | IO[bytes]
    content_type: str


def _seg(value: str) -> str:
    """Return an id safe to put in a URL path segment (no slashes, no dot-segments)."""
    value = str(value)
    if not value or value in (".", ".."):
        raise VSeeRejected("Invalid id", status=400)
    return quote(value, safe="")


def as_form_or_json(body: Mapping[str, Any]) -> dict[str, Any]:
    """Return `_request`'s body keyword: form fields for a flat body, as the reference's
    examples send most POSTs; JSON when an object must travel nested (an intake's
    consultation). A list of ids goes as VSee's comma-separated form (seed: POST /intakes
    `attachments`), an empty one as "" (none)."""
    if any(isinstance(value, Mapping) for value in body.values()):
        return {"json_body": dict(body)}
    return {
        "data": {
            key: ",".join(str(v) for v in value) if isinstance(value, list) else value
            for key, value in body.items()
        }
    }


def _compact(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _intake_body(
    room_code: str | None, **fields: Unpack[IntakeFields]
) -> dict[str, Any]:
    consultation, attachments = fields.get("consultation"), fields.get("attachments")
    body = _compact(
        {
            "room_code": room_code,
            "type": fields.get("type"),
            "reason_for_visit": fields.get("reason_for_visit"),
            "location": fields.get("location"),
            "phone": fields.get("phone"),
            "provider_id": fields.get("provider_id"),
            "consultation": dict(consultation) if consultation else None,
            # The list-of-ids form (seed: POST /intakes `attachments`); [] clears them.
            "attachments": list(attachments) if attachments is not None else None,
            # Seen as the string "true" on VSee's intakes (beyond-the-seed §9).
            "consent": "true" if fields.get("consent") else None,
        }
    )
    for key, value in (fields.get("custom") or {}).items():
        # VSee stores any extra pair; ours are prefixed custom_ and sent as strings (beyond-the-seed §9).
        if isinstance(value, bool):
            # VSee's own spelling (consent: "true").
            value = "true" if value else "false"
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        body[f"custom_{key}"] = "" if value is None else str(value)
    return body
