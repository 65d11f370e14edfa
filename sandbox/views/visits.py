"""The visit endpoints of the seed: walk-ins, e-consults, appointments, and their life cycle."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse

from sandbox import slots, webhooks
from sandbox.clock import from_unix, to_unix
from sandbox.models import SandboxIntake, SandboxRoom, SandboxUser, SandboxVisit
from sandbox.serializers import visit_detail, visit_list_item
from sandbox.views._api import (
    ApiCall,
    ApiError,
    api_endpoint,
    get_intake_for,
    get_room,
    get_visit_for,
)
from sandbox.views.exports import sign_summary

WALKIN_LENGTH = timedelta(minutes=15)  # seed §add_walkin sample: end = start + 900 s
ECONSULT_EXPIRY = timedelta(hours=4)
CLOSE_REASONS = (
    "patient_end_call",
    "patient_exit_room",
    "call_ended",
    "patient_cancel_appointment",
    "max_waiting_time_reached",
)
SLOT_TAKEN = "The selected slot is no longer available"


def _new_visit(
    call: ApiCall, intake: SandboxIntake, room: SandboxRoom, **fields: Any
) -> SandboxVisit:
    visit = SandboxVisit.objects.create(
        member=call.patient,
        intake=intake,
        room=room,
        created=call.now,
        modified=call.now,
        **fields,
    )
    webhooks.emit("visit.created", visit)
    return visit


def _intake_and_room(call: ApiCall) -> tuple[SandboxIntake, SandboxRoom]:
    intake = get_intake_for(call.patient, call.required("intake_id"))
    return intake, get_room(call.required("room_code"))


def _slot(
    call: ApiCall, start: int | None, end: int | None
) -> tuple[datetime, datetime]:
    """Return a requested slot as datetimes, refusing empty and past slots."""
    if start is None or end is None:
        raise ApiError(400, "slot_start and slot_end are required")
    if end <= start:
        raise ApiError(400, "slot_end must be after slot_start")
    if from_unix(start) < call.now:
        raise ApiError(400, "The selected slot is in the past")
    return from_unix(start), from_unix(end)


@api_endpoint("visits.add_walkin", method="POST")
def add_walkin(call: ApiCall) -> dict[str, Any]:
    """Put the patient in the room's walk-in queue (status 10, no provider yet)."""
    intake, room = _intake_and_room(call)
    if not room.walkin_enabled:
        raise ApiError(400, "Walk-in visits are not enabled in this room")
    if room.is_closed:
        raise ApiError(400, room.close_msg or "The room is closed")
    visit = _new_visit(
        call,
        intake,
        room,
        type=SandboxVisit.WALKIN,
        status=SandboxVisit.PENDING,
        start=call.now,
        end=call.now + WALKIN_LENGTH,
    )
    return visit_detail(visit)


@api_endpoint("visits.add_econsult", method="POST")
def add_econsult(call: ApiCall) -> dict[str, Any]:
    """Create an asynchronous e-consult any provider of the room may accept."""
    intake, room = _intake_and_room(call)
    # Seed §add_econsult sample: type 3, status 20, provider_id 0, subtype 4, expiry.
    visit = _new_visit(
        call,
        intake,
        room,
        type=SandboxVisit.ECONSULT,
        status=SandboxVisit.CONFIRMED,
        subtype=4,
        start=call.now,
        end=call.now + WALKIN_LENGTH,
        expiry=call.now + ECONSULT_EXPIRY,
    )
    return visit_detail(visit)


@api_endpoint("visits.create", method="POST")
def create(call: ApiCall) -> dict[str, Any]:
    """Book an appointment on a free slot; two bookings of one slot cannot both win."""
    if str(call.get("type")) != "2":
        raise ApiError(400, "type must be 2")
    intake = get_intake_for(call.patient, call.required("intake_id", "intakeId"))
    room = get_room(call.required("room_code"))
    if not room.appointment_enabled:
        raise ApiError(400, "Appointments are not enabled in this room")
    start, end = _slot(call, call.timestamp("slot_start"), call.timestamp("slot_end"))
    with transaction.atomic():
        provider = slots.lock_free_provider(
            room, start, end, provider_id=call.integer("provider_id") or None
        )
        if provider is None:
            raise ApiError(400, SLOT_TAKEN)
        visit = _new_visit(
            call,
            intake,
            room,
            provider=provider,
            type=SandboxVisit.APPOINTMENT,
            status=SandboxVisit.CONFIRMED,
            subtype=3,
            start=start,
            end=end,
        )
    return visit_detail(visit)


@api_endpoint("visits.list")
def list_(call: ApiCall) -> list[dict[str, Any]]:
    """Return all the patient's visits, newest start first, numbers as strings."""
    visits = (
        SandboxVisit.objects.filter(member=call.patient)
        .select_related("member", "provider", "room", "intake__room")
        .order_by("-start", "-id")
    )
    return [visit_list_item(v) for v in visits]


@api_endpoint("visits.get")
def get(call: ApiCall, visit_id: str) -> dict[str, Any]:
    """Return one of the patient's visits in full."""
    return visit_detail(get_visit_for(call.patient, visit_id))


@api_endpoint("visits.current")
def current(call: ApiCall) -> dict[str, Any] | None:
    """Return the patient's waiting or in-progress visit, or null."""
    visit = (
        SandboxVisit.objects.filter(
            member=call.patient,
            status__in=(SandboxVisit.PENDING, SandboxVisit.IN_PROGRESS),
        )
        .order_by("-start", "-id")
        .first()
    )
    return visit_detail(visit) if visit else None


def _upcoming_appointment(call: ApiCall, visit_id: str) -> SandboxVisit:
    visit = get_visit_for(call.patient, visit_id)
    if visit.type != SandboxVisit.APPOINTMENT:
        raise ApiError(400, "Only appointments can be updated")
    if visit.status in (SandboxVisit.COMPLETED, SandboxVisit.CANCELLED):
        raise ApiError(400, "This appointment is closed and can no longer be changed")
    if visit.start < call.now:
        raise ApiError(400, "Only upcoming appointments can be changed")
    return visit


@api_endpoint("visits.update", method="POST")
def update(call: ApiCall, visit_id: str) -> dict[str, Any]:
    """Move an appointment or change its provider (provider_id 0 removes the provider)."""
    if call.request.GET.get("version") != "2":
        raise ApiError(400, "Unsupported version")
    visit = _upcoming_appointment(call, visit_id)
    slot_start, slot_end = call.timestamp("slot_start"), call.timestamp("slot_end")
    moving = slot_start is not None or slot_end is not None
    start, end = visit.start, visit.end
    if moving:
        start, end = _slot(
            call,
            slot_start if slot_start is not None else to_unix(visit.start),
            slot_end if slot_end is not None else to_unix(visit.end),
        )
    provider_given = call.get("provider_id") is not None
    provider_id = call.integer("provider_id") if provider_given else visit.provider_id
    with transaction.atomic():
        provider: SandboxUser | None = None
        if provider_id:  # provider_id 0 means "no provider" (seed: remove provider)
            provider = slots.lock_free_provider(
                visit.room,
                start,
                end,
                provider_id=provider_id,
                exclude_visit_id=visit.pk,
            )
            if provider is None and not provider_given and moving:
                # Moved without naming a provider: like booking, any free provider will do.
                provider = slots.lock_free_provider(
                    visit.room, start, end, exclude_visit_id=visit.pk
                )
            if provider is None:
                raise ApiError(400, SLOT_TAKEN)
        visit.provider, visit.start, visit.end = provider, start, end
        visit.modified = call.now
        visit.save()
    webhooks.emit("visit.updated", visit)
    return visit_detail(visit)


@api_endpoint("visits.close", method="POST")
def close(call: ApiCall) -> dict[str, Any]:
    """Close or cancel a visit with one of the seed's five reasons (status 40)."""
    visit = get_visit_for(call.patient, call.required("id"))
    reason = call.required("reason")
    if reason not in CLOSE_REASONS:
        raise ApiError(400, f"reason must be one of {', '.join(CLOSE_REASONS)}")
    if visit.status in (SandboxVisit.COMPLETED, SandboxVisit.CANCELLED):
        raise ApiError(400, "This visit is already closed")
    visit.status, visit.close_reason = SandboxVisit.CANCELLED, reason
    visit.modified = call.now
    visit.save(update_fields=["status", "close_reason", "modified"])
    webhooks.emit("visit.updated", visit)
    return {"id": str(visit.pk)}


@api_endpoint("visits.delete", method="POST")
def delete(call: ApiCall) -> bool:
    """Force-cancel one of the patient's visits; a completed visit keeps its record."""
    visit = get_visit_for(call.patient, call.required("id"))
    if visit.status == SandboxVisit.COMPLETED:
        raise ApiError(400, "A completed visit cannot be cancelled")
    visit.status, visit.modified = SandboxVisit.CANCELLED, call.now
    visit.close_reason = visit.close_reason or "deleted"
    visit.save(update_fields=["status", "close_reason", "modified"])
    webhooks.emit("visit.updated", visit)
    return True


@api_endpoint("visits.summary_export")
def summary_export(call: ApiCall, visit_id: str) -> dict[str, str]:
    """Return a short-lived URL of the visit's summary PDF, for completed visits only."""
    visit = get_visit_for(call.patient, visit_id)
    if visit.status != SandboxVisit.COMPLETED:
        raise ApiError(404, "Visit summary is not available")
    path = reverse(
        "sandbox:visit_summary_pdf", kwargs={"signed": sign_summary(visit.pk)}
    )
    return {"url": call.request.build_absolute_uri(path)}
