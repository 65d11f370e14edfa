"""Turn sandbox rows into VSee-shaped payloads, mirroring VSee's inconsistent types on purpose."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from sandbox.clock import to_unix
from sandbox.models import (
    SandboxConsultation,
    SandboxFile,
    SandboxIntake,
    SandboxRoom,
    SandboxUser,
    SandboxVisit,
)

# Intake keys the sandbox understands; anything else is a custom field, stored and echoed as-is.
INTAKE_FIELDS = (
    "type",
    "reason_for_visit",
    "location",
    "phone",
    "provider_id",
    "consultation",
)
NOTE_FIELDS = (
    "physical_exam",
    "assessment_plan",
    "diagnosis",
    "patient_instructions",
    "disposition",
)
# GET /visits sends these as strings where GET /visits/:id sends ints (seed §GET /visits).
LIST_STRING_FIELDS = (
    "id",
    "member_id",
    "provider_id",
    "start",
    "end",
    "type",
    "status",
    "subtype",
)


def money(amount: Decimal) -> int | float:
    """Return an amount as a JSON number (25, not "25.00"; beyond-the-seed §4)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def consultation_payload(c: SandboxConsultation) -> dict[str, Any]:
    """Return a room consultation as in room.payment.consultations[] (beyond-the-seed §4)."""
    return {
        "id": str(c.id),
        "description": c.description,
        "duration": c.duration,
        "amount": money(c.amount),
        "currency": c.currency,
        "group": c.group,
        "charge": c.charge,
        "slots": c.slots,
        "visible_to_patient": c.visible_to_patient,
    }


def room_payload(room: SandboxRoom, domain: str) -> dict[str, Any]:
    """Return the full room object of GET /rooms/:code (beyond-the-seed §4)."""
    provider_ids = [
        str(pk) for pk in room.providers.order_by("id").values_list("id", flat=True)
    ]
    return {
        "id": str(room.pk),
        "code": room.code,
        "slug": room.slug or room.code,
        "name": room.name,
        "subtitle": room.subtitle,
        "description": room.description,
        "domain": domain,
        "account_code": settings.SANDBOX_ACCOUNT_CODE,
        "active": True,
        "public_access_room": True,
        # §4: `users` is one comma-joined string while `provider_ids` is a list.
        "users": ",".join(provider_ids),
        "provider_ids": provider_ids,
        "created": to_unix(room.created),
        "modified": to_unix(room.modified),
        "visits": {
            "walkin": {"enabled": room.walkin_enabled},
            "appointment": {"enabled": room.appointment_enabled},
        },
        "auth": {
            "guest": {"type": 600, "log_in": {"enabled": room.guest_login_enabled}}
        },
        "payment": {
            "currency": room.currency,
            "consultations": [
                consultation_payload(c) for c in room.consultations.all()
            ],
        },
        "operation_settings": {
            "is_closed": room.is_closed,
            "close_msg": room.close_msg,
            "default_timezone": room.default_timezone,
        },
        "specialties": [],
    }


def _sec_usec(value: Any) -> dict[str, int]:
    # Files keep the old {sec, usec} timestamps (seed §GET /intakes/:id, beyond-the-seed §11).
    return {"sec": to_unix(value), "usec": value.microsecond}


def file_object(f: SandboxFile) -> dict[str, Any]:
    """Return a file as it appears inside intake.attachments (seed §GET /intakes/:id)."""
    dot_ext = f".{f.ext}" if f.ext else ""
    return {
        "_id": str(f.id),
        "name": f.name,
        "path": f"files/{f.created:%Y/%m/%d}/{f.id}{dot_ext}",
        "size": f.size,
        "ext": f.ext,
        "type": 0,
        "creator_id": str(f.owner_id),
        "remark": None,
        "using": 1,
        "modified": _sec_usec(f.created),
        "created": _sec_usec(f.created),
    }


def intake_extras(intake: SandboxIntake) -> dict[str, Any]:
    """Return the intake's custom fields (any key VSee does not document)."""
    return {k: v for k, v in intake.data.items() if k not in INTAKE_FIELDS}


def attachments_payload(intake: SandboxIntake) -> list[dict[str, Any]] | str:
    """Return the attachments as file objects, or "" when there are none (VSee quirk)."""
    files = {
        str(f.id): f for f in SandboxFile.objects.filter(id__in=intake.attachment_ids)
    }
    found = [file_object(files[i]) for i in intake.attachment_ids if i in files]
    # Seed §GET /visits sample: an intake without files has `"attachments": ""`, not [].
    return found or ""


def intake_payload(
    intake: SandboxIntake, visit_id: int | None = None
) -> dict[str, Any]:
    """Return GET /intakes/:id data: `type` is a string there (seed sample `"type": "1"`)."""
    data = intake.data
    payload: dict[str, Any] = {
        "id": str(intake.id),
        "member_id": str(intake.member_id),
        "type": str(data.get("type", 1)),
        "room_code": intake.room.code if intake.room else "",
        "reason_for_visit": data.get("reason_for_visit", ""),
        "location": data.get("location", ""),
        "phone": data.get("phone", ""),
        "consultation": data.get("consultation"),
        **intake_extras(intake),
        "attachments": attachments_payload(intake),
        "created": to_unix(intake.created),
        "modified": to_unix(intake.modified),
    }
    if data.get("provider_id") is not None:
        payload["provider_id"] = str(data["provider_id"])
    if visit_id is not None:
        payload["visit_id"] = str(visit_id)
    return payload


def member_payload(user: SandboxUser) -> dict[str, Any]:
    """Return the patient as embedded in a visit."""
    return {
        "id": str(user.pk),
        "code": user.code,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "dob": user.dob.isoformat() if user.dob else None,
    }


def provider_payload(user: SandboxUser | None) -> dict[str, Any] | list[Any]:
    """Return the provider as embedded in a visit, or `[]` (PHP's empty) when it has none."""
    if user is None:
        return []
    return {
        "id": str(user.pk),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "title": user.title,
        "suffix": user.suffix,
        "subtype": "482",  # doctor (beyond-the-seed §2 provider subtypes), a string as VSee sends
        "timezone": user.timezone,
    }


def postvisit_payload(visit: SandboxVisit) -> dict[str, Any]:
    """Return the provider's notes, or the bare stub VSee sends before any are written."""
    stub = {
        "visit_id": str(visit.pk),
        "member_id": str(visit.member_id),
        "created": to_unix(visit.created),
        "modified": to_unix(visit.modified),
    }
    if not visit.postvisit:
        return stub
    notes = {k: visit.postvisit.get(k, "") for k in NOTE_FIELDS}
    return {**stub, "draft": False, **notes}


def visit_detail(visit: SandboxVisit) -> dict[str, Any]:
    """Return GET /visits/:id data: ids and codes as ints (seed §GET /visits/:id sample)."""
    payload: dict[str, Any] = {
        "id": str(visit.pk),
        "member_id": visit.member_id,
        # §add_econsult sample: no provider is provider_id 0, not null.
        "provider_id": visit.provider_id or 0,
        "account_code": settings.SANDBOX_ACCOUNT_CODE,
        "code": visit.code,
        "start": to_unix(visit.start),
        "end": to_unix(visit.end),
        "actual_start": None,
        "actual_end": None,
        "type": visit.type,
        "status": visit.status,
        "completed_by": None,
        "room_id": visit.room_id,
        "room_code": visit.room.code,
        "created": to_unix(visit.created),
        "modified": to_unix(visit.modified),
        "subtype": visit.subtype,
        "intake_id": str(visit.intake_id) if visit.intake_id else None,
        "provider": provider_payload(visit.provider),
        "member": member_payload(visit.member),
        # No intake (a visit the clinic opened in VSee itself) is PHP's empty array.
        "intake": intake_payload(visit.intake, visit.pk) if visit.intake else [],
        "room": {
            "id": str(visit.room_id),
            "code": visit.room.code,
            "name": visit.room.name,
        },
        "postvisit": postvisit_payload(visit),
        "prescriptions": visit.prescriptions or [],
    }
    if visit.type == SandboxVisit.APPOINTMENT:
        # Appointments spell it both ways in one payload (seed §POST /visits sample).
        payload["subType"] = visit.subtype
        walkin = visit.started_walkins.order_by("pk").last()
        if walkin is not None:
            # As the seed's GET /visits/:id sample shows a started appointment.
            payload["related_walkin_id"] = str(walkin.pk)
            payload["related_walkin"] = {
                "start": to_unix(walkin.start),
                "end": to_unix(walkin.end),
                "status": walkin.status,
                "id": str(walkin.pk),
            }
    if visit.related_appointment_id:
        payload["related_appointment_id"] = str(visit.related_appointment_id)
    if visit.expiry is not None:
        payload["expiry"] = to_unix(visit.expiry)
    return payload


def visit_list_item(visit: SandboxVisit) -> dict[str, Any]:
    """Return one GET /visits item: the same visit with its numbers as strings."""
    payload = visit_detail(visit)
    payload.pop("subType", None)
    for key in LIST_STRING_FIELDS:
        if payload.get(key) is not None:
            payload[key] = str(payload[key])
    return payload
