"""VSee's webhooks (beyond-the-seed §10): received here, acted on by the worker.

The address carries a long random secret (VSee documents no signature); a wrong one is
a 404, as if nothing were here. An optional list of source addresses narrows it further.
Both payload versions are read, ids and times as strings or numbers. Each event is
stored once by its id, so a replay does nothing; the answer comes at once, and the work
(reminders moved or dropped, emails queued) is the worker's (events.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from portal.http import client_ip
from portal.notices.models import WebhookEvent, WebhookSecret, WebhookSettings

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # an event is a few hundred bytes


@csrf_exempt  # VSee's server, not a browser: the secret in the address is the check
def vsee_webhook(request: HttpRequest, secret: str) -> HttpResponse:
    response = _answer(request, secret)
    # Django logs a 4xx with the request's path, and the path holds the secret: this
    # view says what happened itself (above), without it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _answer(request: HttpRequest, secret: str) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"error": "POST only"}, status=405)
    if not WebhookSecret.accepts(secret):
        log.warning("webhook refused: not a current address")
        return JsonResponse({"error": "not found"}, status=404)
    if not WebhookSettings.load().allows(client_ip(request)):
        log.warning("webhook refused: source not on the list")
        return JsonResponse({"error": "source not allowed"}, status=403)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        event = parse_event(json.loads(request.body))
    except (ValueError, TypeError, KeyError):
        log.warning("webhook refused: not a VSee event")
        return JsonResponse({"error": "not a VSee event"}, status=400)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        log.info("webhook %s %s: seen before", event.type, event.event_id)
        return JsonResponse({"ok": True, "duplicate": True})
    log.info("webhook %s %s received", event.type, event.event_id)
    return JsonResponse({"ok": True}, status=202)


def parse_event(payload: Any) -> WebhookEvent:
    """An event of either version; raises ValueError, TypeError or KeyError otherwise."""
    if not isinstance(payload, dict):
        raise TypeError("not an object")
    event_id, kind = _text(payload["id"]), _text(payload["type"])
    if not event_id or not kind:
        raise ValueError("no id or type")
    data = payload.get("data") or {}
    if not isinstance(data, dict):
        raise TypeError("data is not an object")
    note = data.get("note") or payload.get("note") or {}
    return WebhookEvent(
        event_id=event_id[:100],
        type=kind[:64],
        visit_id=_text(data.get("id"))[:64] if kind.startswith("visit.") else "",
        status=_number(data.get("status")),
        starts_at=_number(data.get("start")),
        ends_at=_number(data.get("end")),
        note_id=_text(note.get("id"))[:64] if isinstance(note, dict) else "",
    )


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | str):
        return str(value).strip()
    raise TypeError("not a string or number")


def _number(value: Any) -> int | None:
    """v1 sends numbers as strings ("40", "1458095488"), v2 as numbers."""
    if value in (None, "", False):
        return None
    return int(str(value).strip())
