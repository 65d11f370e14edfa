"""The sandbox tells the portal what changed, as VSee's webhooks do (beyond-the-seed §10):
`visit.created`, `visit.updated` (moved, cancelled, started), `visit.ended` and
`visit.note.signed_and_sent`, as v1 payloads (numbers as strings).

They are posted when the change is committed, one after another, with a short timeout;
a portal that does not answer misses the event, as it would with VSee.
"""

from __future__ import annotations

import logging
import uuid

import requests
from django.conf import settings
from django.db import transaction

from sandbox import clock
from sandbox.clock import to_unix
from sandbox.models import SandboxVisit, SandboxWebhook

log = logging.getLogger(__name__)

TIMEOUT = 5


def emit(kind: str, visit: SandboxVisit, *, note_id: str = "") -> None:
    payload = {
        "version": "1.0",
        "id": uuid.uuid4().hex,
        "type": kind,
        "created": str(to_unix(clock.now())),
        "account_code": settings.SANDBOX_ACCOUNT_CODE,
        "data": {
            "id": str(visit.pk),
            "member_id": str(visit.member_id),
            "provider_id": str(visit.provider_id or 0),
            "start": str(to_unix(visit.start)),
            "end": str(to_unix(visit.end)),
            "status": str(visit.status),
            "completed_by": "",
        },
    }
    if note_id:
        payload["data"]["note"] = {"id": note_id, "status": "signed"}
    urls = list(SandboxWebhook.objects.values_list("url", flat=True))
    if urls:
        transaction.on_commit(lambda: _post_all(urls, payload))


def _post_all(urls: list[str], payload: dict) -> None:
    for url in urls:
        try:
            requests.post(url, json=payload, timeout=TIMEOUT)
        except requests.RequestException as exc:
            log.warning("sandbox webhook not delivered: %s", type(exc).__name__)
