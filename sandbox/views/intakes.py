"""POST /intakes, POST /intakes/:id, GET /intakes/:id (seed §Intakes)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sandbox.models import SandboxFile, SandboxIntake
from sandbox.serializers import intake_extras, intake_payload
from sandbox.views._api import (
    ApiCall,
    ApiError,
    api_endpoint,
    get_intake_for,
    get_room,
)

# Keys the sandbox handles itself (with the seed's alternative spellings `room`,
# `reasonforvisit` and `provider`) or sets on its own; every other key is a custom field.
HANDLED = {
    "room_code",
    "room",
    "type",
    "reason_for_visit",
    "reasonforvisit",
    "location",
    "phone",
    "provider_id",
    "provider",
    "consultation",
    "attachments",
    "member_id",
    "id",
    "visit_id",
    "invoice_id",
    "created",
    "modified",
}


def _attachment_ids(raw: Any) -> list[str]:
    """Return ids from any of the seed's forms: [ids], [{id}], "a,b", or that list as JSON text."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if not text.startswith("["):
            return [part.strip() for part in text.split(",") if part.strip()]
        try:
            raw = json.loads(text)
        except ValueError:
            raise ApiError(400, "attachments is not valid JSON") from None
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise ApiError(400, "attachments must be a list or a comma-separated string")
    ids = []
    for item in raw:
        value = item.get("id") if isinstance(item, dict) else item
        if value in (None, ""):
            raise ApiError(400, "attachments holds an item without an id")
        ids.append(str(value).strip())
    return list(dict.fromkeys(ids))


def _owned_files(call: ApiCall, ids: list[str]) -> list[str]:
    """Return the ids unchanged, or raise 400 for one that is not this patient's file."""
    for file_id in ids:
        try:
            pk = uuid.UUID(file_id)
        except ValueError:
            pk = None
        if (
            pk is None
            or not SandboxFile.objects.filter(pk=pk, owner=call.patient).exists()
        ):
            raise ApiError(400, f"Unknown attachment {file_id}")
    return [str(uuid.UUID(i)) for i in ids]


def _consultation(raw: Any) -> dict[str, Any] | None:
    # The seed calls it an object; form bodies can only carry it as JSON text.
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ApiError(400, "consultation must be an object") from None
    if not isinstance(raw, dict):
        raise ApiError(400, "consultation must be an object")
    return raw


def _apply(call: ApiCall, intake: SandboxIntake, *, creating: bool) -> None:
    """Merge the request's fields into the intake (attachments are replaced when given)."""
    params, data = call.params, dict(intake.data)
    room_code = call.get("room_code", "room")
    if creating or room_code is not None:
        intake.room = get_room(room_code)
    kind = call.get("type")
    if kind is not None and str(kind) not in ("1", "2", "3"):
        raise ApiError(400, "type must be 1 (walk-in), 2 (schedule) or 3 (e-consult)")
    if kind is not None or creating:
        data["type"] = int(kind or 1)
    for key, spellings in (
        ("reason_for_visit", ("reason_for_visit", "reasonforvisit")),
        ("location", ("location",)),
        ("phone", ("phone",)),
    ):
        if any(s in params for s in spellings):
            data[key] = str(call.get(*spellings) or "")
    if "provider_id" in params or "provider" in params:
        provider_id = call.get("provider_id", "provider")
        data["provider_id"] = None if provider_id is None else str(provider_id)
    if "consultation" in params:
        data["consultation"] = _consultation(params["consultation"])
    data.update({k: v for k, v in params.items() if k not in HANDLED})
    if "attachments" in params:
        intake.attachment_ids = _owned_files(
            call, _attachment_ids(params["attachments"])
        )
    intake.data = data
    intake.modified = call.now


def _echo(intake: SandboxIntake) -> dict[str, Any]:
    # Seed "Sample Request with Custom Params": the id plus the custom fields echoed back.
    return {"id": str(intake.id), **intake_extras(intake)}


@api_endpoint("intakes.create", method="POST")
def create(call: ApiCall) -> dict[str, Any]:
    """Create an intake for the signed-in patient."""
    intake = SandboxIntake(member=call.patient, created=call.now, modified=call.now)
    _apply(call, intake, creating=True)
    intake.save()
    return _echo(intake)


@api_endpoint("intakes.update", method="POST")
def update(call: ApiCall, intake_id: str) -> dict[str, Any]:
    """Update one of the patient's intakes in place."""
    intake = get_intake_for(call.patient, intake_id)
    _apply(call, intake, creating=False)
    intake.save()
    return _echo(intake)


@api_endpoint("intakes.get")
def get(call: ApiCall, intake_id: str) -> dict[str, Any]:
    """Return one of the patient's intakes with its attachments as file objects."""
    intake = get_intake_for(call.patient, intake_id)
    visit_id = intake.visits.order_by("-id").values_list("id", flat=True).first()
    return intake_payload(intake, visit_id)
