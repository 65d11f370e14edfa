"""Demo data for the sandbox: one clinic room, three providers, two patients and a child in
Ada's care, past visits."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from sandbox import clock
from sandbox.models import (
    SandboxAvailability,
    SandboxConsultation,
    SandboxIntake,
    SandboxRoom,
    SandboxUser,
    SandboxVisit,
)
from sandbox.serializers import consultation_payload

# Fixed ids (uuid5) so a second run finds the first run's rows, in any database.
NAMESPACE = uuid.UUID("6f1c2d0e-5b7a-4c3e-9a41-0d2b8e7f6a15")
DAYS = 14
ROOM = {
    "code": "demo-room",
    "slug": "demo-clinic",
    "name": "Demo Clinic",
    "subtitle": "If this is an emergency, call 911.",
    "walkin_enabled": True,
    "appointment_enabled": True,
    "guest_login_enabled": True,
    "is_closed": False,
    "close_msg": "We are closed right now. Please come back during opening hours.",
    "default_timezone": "America/New_York",
}
CONSULTATIONS = [
    ("quick", "Quick video visit", 15, Decimal("0")),
    ("standard", "Standard video visit", 30, Decimal("25")),
]
# (code, first name, last name, timezone, block start hour, block end hour), local time.
PROVIDERS = [
    ("demo-dr-lee", "Mina", "Lee", "America/New_York", 9, 12),
    ("demo-dr-ortiz", "Sam", "Ortiz", "America/Los_Angeles", 9, 13),
    ("demo-dr-shah", "Priya", "Shah", "America/New_York", 13, 17),
]
PATIENTS = [
    ("demo-ada", "Ada", "Lovelace", "ada@example.com", date(1985, 12, 10)),
    ("demo-ben", "Ben", "Okafor", "ben@example.com", date(1990, 3, 4)),
]
# Someone in a patient's care: (code, first name, last name, date of birth, guardian's code).
CHILDREN = [("demo-leo", "Leo", "Lovelace", date(2019, 6, 14), "demo-ada")]
CHILD_VISIT_NOTES = {
    "physical_exam": "<p>Left ear drum red and bulging. Temperature 38.1 °C.</p>",
    "assessment_plan": "<p>Acute otitis media, left ear.</p>",
    "diagnosis": "Acute otitis media (H66.92)",
    "patient_instructions": "<p>Children's ibuprofen for pain and fever. "
    "Call us if he is no better in 48 hours.</p>",
    "disposition": "Home care",
}
PAST_VISIT_NOTES = {
    "physical_exam": "<p>Temperature 38.4 °C. Red, swollen tonsils; no exudate.</p>",
    "assessment_plan": "<p>Acute pharyngitis, likely bacterial.</p>"
    "<ul><li>Start amoxicillin for 10 days.</li><li>Follow up if no better in 3 days.</li></ul>",
    "diagnosis": "Acute pharyngitis (J02.9)",
    "patient_instructions": "<p>Rest, fluids, and acetaminophen for the fever.</p>"
    "<p>Finish all of the antibiotic even if you feel better.</p>",
    "disposition": "Home care",
}


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def consultation_id(key: str) -> uuid.UUID:
    """The demo consultation type's id ("quick", "standard")."""
    return _id(f"consultation:{key}")


def _prescription(prescriber: SandboxUser, when: datetime) -> dict[str, Any]:
    """Return one prescription in the seed's shape (§GET /visits/:id prescriptionsBeforeVisit)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "ID": "90001",
        "DrugID": "4321",
        "NDC": "00000000000",
        "RxNormCode": "308191",
        "Drug": "Amoxicillin 500 MG Oral Capsule",
        "Supply": False,
        "Compound": False,
        "Directions": "1 capsule by mouth 3 times a day for 10 days",
        "Qty": 30,
        "QtyQual": "Capsule",
        "Refills": 0,
        "DaysSupply": 10,
        "SubstitutionAllowedFlag": 1,
        "Schedule": 0,
        "PharmacyNote": "",
        "InternalNote": "",
        "PrescriberId": str(prescriber.pk),
        "LocationId": "DEMO-ACCOUNT",
        "PrescriptionDate": stamp,
        "SignDate": stamp,
        "Status": "Current",
        "PharmacyNcpdpId": "0000000",
        "RouteDetail": "e-Sent: Sandbox Pharmacy<br />Sent",
        "PartnerMedID": "",
        "PrescriberName": f"Dr. {prescriber.full_name}, M.D.",
    }


def _blocks(
    provider: SandboxUser, room: SandboxRoom, now: datetime, hours: tuple
) -> int:
    """Ensure one block per local day for the next DAYS days (today included)."""
    tz = ZoneInfo(provider.timezone)
    today = now.astimezone(tz).date()
    made = 0
    for offset in range(DAYS):
        day = today + timedelta(days=offset)
        start = datetime.combine(day, time(hours[0]), tzinfo=tz)
        end = datetime.combine(day, time(hours[1]), tzinfo=tz)
        _, created = SandboxAvailability.objects.get_or_create(
            provider=provider, room=room, start=start, end=end
        )
        made += created
    return made


def _past_visit(
    ada: SandboxUser, lee: SandboxUser, room: SandboxRoom, now: datetime
) -> SandboxVisit:
    """Return Ada's completed visit of ten days ago (the walk-in her appointment started),
    created on the first run only."""
    code = _id("visit:ada-sore-throat").hex
    call_code = _id("visit:ada-sore-throat-call").hex
    existing = (
        SandboxVisit.objects.filter(code=call_code).first()
        # Seeded before the sandbox linked started appointments: keep it as it is.
        or SandboxVisit.objects.filter(code=code).first()
    )
    if existing:
        return existing
    local = ZoneInfo(room.default_timezone)
    start = datetime.combine(
        (now - timedelta(days=10)).astimezone(local).date(), time(10), local
    )
    standard = room.consultations.get(pk=_id("consultation:standard"))
    intake, _ = SandboxIntake.objects.get_or_create(
        id=_id("intake:ada-sore-throat"),
        defaults={
            "member": ada,
            "room": room,
            "data": {
                "type": 2,
                "reason_for_visit": "Sore throat and fever",
                "location": "NY",
                "phone": "",
                "consultation": consultation_payload(standard),
                "custom_symptoms_duration": "3 days",
            },
            "created": start - timedelta(hours=1),
            "modified": start - timedelta(hours=1),
        },
    )
    # An appointment that was started: VSee opened a walk-in for the call, which carries
    # the outcome; the appointment's own status stays "confirmed" (reference:
    # "Understanding Visit object ID").
    appointment = SandboxVisit.objects.create(
        code=code,
        member=ada,
        provider=lee,
        room=room,
        intake=intake,
        type=SandboxVisit.APPOINTMENT,
        status=SandboxVisit.CONFIRMED,
        subtype=3,
        start=start,
        end=start + timedelta(minutes=30),
        created=start - timedelta(hours=1),
        modified=start,
    )
    return SandboxVisit.objects.create(
        code=call_code,
        member=ada,
        provider=lee,
        room=room,
        intake=intake,
        type=SandboxVisit.WALKIN,
        status=SandboxVisit.COMPLETED,
        start=start + timedelta(minutes=2),
        end=start + timedelta(minutes=30),
        close_reason="call_ended",
        related_appointment=appointment,
        postvisit=PAST_VISIT_NOTES,
        prescriptions=[_prescription(lee, start + timedelta(minutes=25))],
        created=start,
        modified=start + timedelta(minutes=40),
    )


def _visit_without_intake(
    ben: SandboxUser, shah: SandboxUser, room: SandboxRoom, now: datetime
) -> SandboxVisit:
    """Return Ben's visit of a month ago that the clinic opened in VSee itself: it has no
    intake, which VSee sends as PHP's empty array (`"intake": []`). Created once."""
    code = _id("visit:ben-clinic-follow-up").hex
    existing = SandboxVisit.objects.filter(code=code).first()
    if existing:
        return existing
    local = ZoneInfo(room.default_timezone)
    start = datetime.combine(
        (now - timedelta(days=30)).astimezone(local).date(), time(14), local
    )
    return SandboxVisit.objects.create(
        code=code,
        member=ben,
        provider=shah,
        room=room,
        type=SandboxVisit.WALKIN,
        status=SandboxVisit.COMPLETED,
        start=start,
        end=start + timedelta(minutes=15),
        close_reason="call_ended",
        created=start,
        modified=start + timedelta(minutes=20),
    )


def _child_visit(
    leo: SandboxUser, ortiz: SandboxUser, room: SandboxRoom, now: datetime
) -> SandboxVisit:
    """Return the walk-in Ada brought Leo to three weeks ago, created once."""
    code = _id("visit:leo-earache").hex
    existing = SandboxVisit.objects.filter(code=code).first()
    if existing:
        return existing
    local = ZoneInfo(room.default_timezone)
    start = datetime.combine(
        (now - timedelta(days=21)).astimezone(local).date(), time(11), local
    )
    intake, _ = SandboxIntake.objects.get_or_create(
        id=_id("intake:leo-earache"),
        defaults={
            "member": leo,
            "room": room,
            "data": {"type": 1, "reason_for_visit": "Earache", "location": "NY"},
            "created": start - timedelta(minutes=10),
            "modified": start - timedelta(minutes=10),
        },
    )
    return SandboxVisit.objects.create(
        code=code,
        member=leo,
        provider=ortiz,
        room=room,
        intake=intake,
        type=SandboxVisit.WALKIN,
        status=SandboxVisit.COMPLETED,
        start=start,
        end=start + timedelta(minutes=15),
        close_reason="call_ended",
        postvisit=CHILD_VISIT_NOTES,
        created=start - timedelta(minutes=10),
        modified=start + timedelta(minutes=20),
    )


@transaction.atomic
def seed_demo(now: datetime | None = None) -> dict[str, Any]:
    """Create the demo clinic once and top up availability; return the codes and ids made."""
    now = now or clock.now()
    room, _ = SandboxRoom.objects.get_or_create(code=ROOM["code"], defaults=ROOM)
    consultation_ids = []
    for position, (key, description, minutes, amount) in enumerate(CONSULTATIONS):
        consultation, _ = SandboxConsultation.objects.get_or_create(
            id=consultation_id(key),
            defaults={
                "room": room,
                "description": description,
                "duration": minutes,
                "amount": amount,
                "currency": "USD",
                "charge": amount > 0,
                "position": position,
            },
        )
        consultation_ids.append(str(consultation.id))
    providers, blocks = [], 0
    for code, first, last, tz, *hours in PROVIDERS:
        provider, _ = SandboxUser.objects.get_or_create(
            code=code,
            defaults={
                "type": SandboxUser.PROVIDER,
                "first_name": first,
                "last_name": last,
                "timezone": tz,
                "title": "Dr.",
                "suffix": "MD",
            },
        )
        room.providers.add(provider)
        blocks += _blocks(provider, room, now, tuple(hours))
        providers.append(provider)
    patients = []
    for code, first, last, email, dob in PATIENTS:
        patient, _ = SandboxUser.objects.get_or_create(
            code=code,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "dob": dob,
            },
        )
        patients.append(patient)
    for code, first, last, dob, _guardian in CHILDREN:
        child, _ = SandboxUser.objects.get_or_create(
            code=code, defaults={"first_name": first, "last_name": last, "dob": dob}
        )
    visit = _past_visit(patients[0], providers[0], room, now)
    child_visit = _child_visit(child, providers[1], room, now)
    without_intake = _visit_without_intake(patients[1], providers[2], room, now)
    return {
        "room_code": room.code,
        "consultation_ids": consultation_ids,
        "provider_ids": [str(p.pk) for p in providers],
        "patient_codes": [p.code for p in patients],
        "past_visit_id": str(visit.pk),
        "visit_without_intake_id": str(without_intake.pk),
        "child_visit_id": str(child_visit.pk),
        "new_blocks": blocks,
    }
