"""The clinic configuration the README's local run shows: one room with a few questions.

Loading it again puts the demo back as shipped (staff edits to these rows are undone);
rooms and questions that are not part of the demo are left alone.
"""

from __future__ import annotations

from django.db import transaction

from portal.clinic.branding import Branding
from portal.clinic.questions import IntakeQuestion, QuestionKind
from portal.clinic.rooms import DEFAULT_ATTACHMENT_KINDS, FieldMode, Room
from sandbox.seed import consultation_id

DEMO_ROOM = {
    "code": "demo-room",
    "display_name_en": "Demo Clinic — online visits",
    "display_name_es": "Demo Clinic — visitas en línea",
    "active": True,
    "position": 0,
    "offers_walkin": True,
    "offers_appointment": True,
    "offers_econsult": True,
    "consultation_ids": [],
    "allow_guests": True,
    "time_zone": "America/New_York",
    "welcome_text_en": "Welcome. Tell us what's going on and choose how you'd like to be seen.",
    "welcome_text_es": "Bienvenido. Cuéntenos qué le pasa y elija cómo quiere que le atiendan.",
    "emergency_notice_en": "If this is an emergency, call 911.",
    "emergency_notice_es": "Si es una emergencia, llame al 911.",
    "closed_message_en": "We're closed right now. You can still book a time or send a question.",
    "closed_message_es": "Ahora mismo estamos cerrados. Aún puede reservar una hora o enviar una pregunta.",
    "reason_mode": FieldMode.REQUIRED,
    "location_mode": FieldMode.REQUIRED,
    "phone_mode": FieldMode.OPTIONAL,
    "attachments_mode": FieldMode.OPTIONAL,
    "attachment_kinds": DEFAULT_ATTACHMENT_KINDS,
    "attachment_max_mb": 10,
    "attachment_max_files": 3,
    "attachment_prompt_en": "Photo of your insurance card, front and back",
    "attachment_prompt_es": "Foto de su tarjeta del seguro, por delante y por detrás",
    # VSee names the demo's consultation types in English (sandbox/seed.py).
    "consultation_names": {
        str(consultation_id(key)): {"es": spanish}
        for key, spanish in (
            ("quick", "Visita rápida por video"),
            ("standard", "Visita estándar por video"),
        )
    },
}

# (key, shared by all rooms?, label, kind, choices, required, help text); each text as
# (English, Spanish).
DEMO_QUESTIONS = [
    (
        "allergies",
        True,
        (
            "Do you have any allergies to medicines?",
            "¿Tiene alergia a algún medicamento?",
        ),
        QuestionKind.LONG_TEXT,
        ("", ""),
        False,
        (
            "List the medicine and what happens, or leave blank if none.",
            "Indique el medicamento y qué le ocurre, o déjelo en blanco si no tiene.",
        ),
    ),
    (
        "symptoms_since",
        False,
        ("When did this start?", "¿Cuándo empezó?"),
        QuestionKind.DATE,
        ("", ""),
        False,
        ("", ""),
    ),
    (
        "insurance",
        False,
        ("How will you pay?", "¿Cómo va a pagar?"),
        QuestionKind.SINGLE_CHOICE,
        ("Insurance\nSelf-pay", "Seguro\nPago propio"),
        True,
        ("", ""),
    ),
    (
        "seen_before",
        False,
        ("Have you been seen by us before?", "¿Le hemos atendido antes?"),
        QuestionKind.YES_NO,
        ("", ""),
        True,
        ("", ""),
    ),
]


# Answers filled in from the patient's previous visit.
REMEMBERED = {"insurance"}


@transaction.atomic
def load_demo_configuration() -> Room:
    """Create or refresh the demo room, its questions and the clinic's name."""
    room, _ = Room.objects.update_or_create(code=DEMO_ROOM["code"], defaults=DEMO_ROOM)
    for position, (key, shared, label, kind, choices, required, hint) in enumerate(
        DEMO_QUESTIONS, start=1
    ):
        remember = key in REMEMBERED
        IntakeQuestion.objects.update_or_create(
            room=None if shared else room,
            key=key,
            defaults={
                "position": position * 10,
                **_in_both("label", label),
                "kind": kind,
                **_in_both("choices", choices),
                "required": required,
                **_in_both("help_text", hint),
                "remember": remember,
                "for_walkin": True,
                "for_appointment": True,
                "for_econsult": True,
                "active": True,
            },
        )
    branding = Branding.load()
    if not branding.clinic_name_en:
        branding.clinic_name_en, branding.clinic_name_es = "Demo Clinic", "Clínica Demo"
        branding.save()
    return room


def _in_both(name: str, texts: tuple[str, str]) -> dict[str, str]:
    english, spanish = texts
    return {f"{name}_en": english, f"{name}_es": spanish}


def link_demo_patients(*, linked: bool = True) -> None:
    """Let the sandbox's demo patients sign in by email and find their history.

    Email sign-in knows a patient by a keyed hash of their email (portal.patients.identity);
    the sandbox seeds them with readable codes. Giving them the hashed code instead makes
    "ada@example.com" in the local run the Ada with the past visit, and the portal knows
    her as it would after her first sign-in (so the next one asks for her birth date).
    `linked=False` puts the seed's codes back, so that seeding again finds them instead of
    making twins.
    """
    from portal.patients.family import person_code
    from portal.patients.identity import (
        Identity,
        code_ref,
        patient_code,
        remember_identity,
    )
    from portal.patients.models import CareLink, KnownPatient
    from sandbox.models import SandboxUser
    from sandbox.seed import CHILDREN, PATIENTS

    codes = {}
    for seed_code, first, last, email, dob in PATIENTS:
        hashed = codes[seed_code] = patient_code(email)
        old, new = (seed_code, hashed) if linked else (hashed, seed_code)
        SandboxUser.objects.filter(code=old).update(code=new)
        if linked:
            remember_identity(hashed, Identity(first, last, dob.isoformat()))
    # A child in a patient's care has the code the portal derives when the patient adds
    # them, and is on the patient's list.
    for seed_code, first, last, dob, guardian in CHILDREN:
        who = Identity(first, last, dob.isoformat())
        derived = person_code(codes[guardian], who)
        old, new = (seed_code, derived) if linked else (derived, seed_code)
        SandboxUser.objects.filter(code=old).update(code=new)
        if linked:
            remember_identity(derived, who)
            CareLink.objects.get_or_create(
                guardian_ref=code_ref(codes[guardian]),
                person=KnownPatient.objects.get(ref=code_ref(derived)),
            )


def allow_demo_site(origin: str) -> None:
    """Let the demo clinic website (sandbox/clinic_site.py), at `origin`, embed the portal."""
    from portal.clinic.embedding import EmbeddingSettings

    row = EmbeddingSettings.load()
    if origin not in row.origins:
        row.allowed_origins = "\n".join([*row.origins, origin])
        row.save()


def connect_webhooks(portal_url: str) -> None:
    """Make the portal a webhook address and set it in the sandbox, as a clinic pastes
    the address from the portal's admin into VSee's."""
    from portal.notices.models import WebhookSecret
    from sandbox.models import SandboxWebhook

    secret = WebhookSecret.rotate()
    SandboxWebhook.objects.all().delete()
    SandboxWebhook.objects.create(
        url=f"{portal_url.rstrip('/')}/webhooks/vsee/{secret}/"
    )
