"""POST /users/sso: create-or-get a user by code and issue a fresh token (beyond-the-seed §2)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from sandbox.clock import to_unix
from sandbox.models import SandboxToken, SandboxUser, hex32
from sandbox.views._api import ApiCall, ApiError, api_endpoint

# §2 sample: the refresh token lives 30 days; no refresh endpoint exists, so it is inert here.
REFRESH_DAYS = 30
DOB_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _dob(value: Any) -> date | None:
    if value is None:
        return None
    text = str(value)
    try:
        if not DOB_RE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, "dob must be a date as YYYY-MM-DD") from None


def _user_type(call: ApiCall) -> int:
    raw = call.get("type")
    if raw is None:
        return SandboxUser.PATIENT
    if str(raw) not in ("200", "400", "600"):
        raise ApiError(400, "type must be 200, 400 or 600")
    return int(raw)


def _upsert(user_type: int, fields: dict[str, Any], code: str | None) -> SandboxUser:
    """Return the user for `code` with its details refreshed, created when new."""
    if user_type == SandboxUser.GUEST:
        # A guest is a one-time user: each call makes a new one with a VSee-style 32-hex code.
        return SandboxUser.objects.create(type=user_type, code=hex32(), **fields)
    try:
        with transaction.atomic():
            user, created = SandboxUser.objects.get_or_create(
                code=code, defaults={"type": user_type, **fields}
            )
    except IntegrityError:  # another worker created the same code a moment ago
        user, created = SandboxUser.objects.get(code=code), False
    if not created:
        changed = {k: v for k, v in fields.items() if v not in (None, "")}
        for key, value in changed.items():
            setattr(user, key, value)
        user.save()
    return user


def _payload(user: SandboxUser, token: SandboxToken) -> dict[str, Any]:
    return {
        "id": str(user.pk),
        "code": user.code,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "vseeid": f"{settings.SANDBOX_ACCOUNT_CODE}+{user.username}",
        "dob": user.dob.isoformat() if user.dob else None,
        "active": user.active,
        "tos": False,
        "subtype": "",
        "token": {
            "user_id": str(user.pk),
            "token": token.token,
            "expiry": to_unix(token.expires_at),
            "refresh_token": {
                "user_id": str(user.pk),
                "token": token.refresh_token,
                "expiry": to_unix(token.refresh_expires_at),
                "created": to_unix(token.created),
            },
        },
    }


@api_endpoint("users.sso", auth="key", method="POST")
def sso(call: ApiCall) -> dict[str, Any]:
    """Return the user with a new token; `?fields=vsee` adds the messaging id and token."""
    first_name = str(call.required("first_name"))
    last_name = str(call.required("last_name"))
    user_type = _user_type(call)
    code = call.get("code")
    if user_type != SandboxUser.GUEST and code is None:
        raise ApiError(400, "code is required")
    fields = {
        "first_name": first_name[:100],
        "last_name": last_name[:100],
        "dob": _dob(call.get("dob")),
        "email": str(call.get("email") or "")[:254],
        "phone": str(call.get("phone") or "")[:40],
    }
    user = _upsert(user_type, fields, str(code)[:128] if code is not None else None)
    token = SandboxToken.objects.create(
        user=user,
        expires_at=call.now + timedelta(hours=settings.SANDBOX_TOKEN_HOURS),
        refresh_expires_at=call.now + timedelta(days=REFRESH_DAYS),
        created=call.now,
    )
    data = _payload(user, token)
    if "vsee" in call.request.GET.get("fields", "").split(","):
        data["vsee"] = {"id": data["vseeid"], "token": hex32()}
    return data
