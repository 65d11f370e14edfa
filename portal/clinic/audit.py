"""The audit trail: what patients did and what failed upstream, with no PHI."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.crypto import salted_hmac

from portal.clinic.models import AuditEvent
from portal.vsee.errors import VSeeError

log = logging.getLogger(__name__)

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome


def patient_ref(member_id: str) -> str:
    """Return a pseudonymous, stable reference for a VSee member id (a keyed hash)."""
    if not member_id:
        return ""
    key = settings.AUDIT_KEY or settings.SECRET_KEY
    return salted_hmac(
        "portal.audit.patient", str(member_id), secret=key, algorithm="sha256"
    ).hexdigest()[:32]


def _printable(value: str) -> str:
    """Drop control characters: an odd id from a URL must not break the insert (PostgreSQL
    refuses NUL) or the CSV export."""
    return "".join(ch for ch in value if ch.isprintable())


def record(
    action: str,
    *,
    outcome: str = Outcome.SUCCESS,
    member_id: str = "",
    room_code: str = "",
    visit_id: str = "",
    visit_kind: str = "",
    detail: str = "",
) -> AuditEvent:
    """Store one audit event. `detail` is for error classes, statuses and request ids only."""
    event = AuditEvent.objects.create(
        action=action,
        outcome=outcome,
        patient_ref=patient_ref(member_id),
        room_code=_printable(room_code)[:64],
        visit_id=_printable(str(visit_id))[:64],
        visit_kind=_printable(visit_kind)[:16],
        detail=_printable(detail)[:200],
    )
    log.info(
        "audit %s %s room=%s visit=%s",
        action,
        outcome,
        room_code or "-",
        visit_id or "-",
    )
    return event


def vsee_error(
    exc: VSeeError,
    *,
    endpoint: str = "",
    member_id: str = "",
    room_code: str = "",
    visit_id: str = "",
    visit_kind: str = "",
) -> AuditEvent:
    """Record an upstream failure: where, the error class, status and request id (enough
    to find the call in VSee's logs), never VSee's message."""
    detail = f"{type(exc).__name__} status={exc.status} request={exc.request_id or '-'}"
    return record(
        Action.VSEE_ERROR,
        outcome=Outcome.FAILURE,
        member_id=member_id,
        room_code=room_code,
        visit_id=visit_id,
        visit_kind=visit_kind,
        detail=f"{endpoint} {detail}".strip(),
    )
