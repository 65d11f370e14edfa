"""What every sandbox API view shares: the on/off switch, faults, headers, bodies, errors."""

from __future__ import annotations

import functools
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock, faults
from sandbox.models import (
    SandboxIntake,
    SandboxRoom,
    SandboxToken,
    SandboxUser,
    SandboxVisit,
)

log = logging.getLogger("sandbox")

MAX_UNIX = 4_102_444_800  # 2100-01-01: far enough, and date arithmetic cannot overflow
Auth = Literal["public", "key", "token", "token_or_key"]
View = Callable[..., HttpResponse]


class ApiError(Exception):
    """Raise in a view to answer with VSee's error envelope (beyond-the-seed §6)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ApiCall:
    """One API request: its merged parameters, the signed-in user (if any) and "now"."""

    request: HttpRequest
    params: dict[str, Any]
    now: datetime
    user: SandboxUser | None = None
    files: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, *aliases: str) -> Any:
        """Return a parameter (first of its spellings present), or None when absent or blank."""
        for key in (name, *aliases):
            value = self.params.get(key)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                return value
        return None

    def required(self, name: str, *aliases: str) -> Any:
        """Return a parameter or raise 400 "<name> is required"."""
        value = self.get(name, *aliases)
        if value is None:
            raise ApiError(400, f"{name} is required")
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """Return an integer parameter; VSee clients send ints and numeric strings alike."""
        value = self.required(name) if required else self.get(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not str(value).lstrip("-").isdigit():
            raise ApiError(400, f"{name} must be a whole number")
        return int(value)

    def timestamp(self, name: str) -> int | None:
        """Return Unix seconds (int or numeric string), refusing values out of range."""
        value = self.integer(name)
        if value is not None and not 0 <= value <= MAX_UNIX:
            raise ApiError(400, f"{name} must be a Unix timestamp in seconds")
        return value

    @property
    def patient(self) -> SandboxUser:
        """Return the token's user; views with auth="token" always have one."""
        if self.user is None:
            raise ApiError(401, "Token is invalid or expired")
        return self.user


def error(status: int, message: str) -> JsonResponse:
    """Return the error envelope, with the HTTP status equal to its code."""
    return JsonResponse({"code": status, "message": message}, status=status)


def require_sandbox() -> None:
    """Raise a plain 404 when the sandbox is switched off (read per request for tests)."""
    if not settings.VSEE_SANDBOX_ENABLED:
        raise Http404("Not found")


def _header(request: HttpRequest, name: str) -> str:
    return (request.headers.get(name) or "").strip()


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), str(expected).encode())


def _check_account(request: HttpRequest) -> None:
    code = _header(request, "X-AccountCode")
    if not code:
        raise ApiError(403, "Missing X-AccountCode")
    if not _same(code, settings.SANDBOX_ACCOUNT_CODE):
        raise ApiError(403, "Invalid account code")


def _check_key(request: HttpRequest) -> None:
    key_ok = _same(_header(request, "X-ApiKey"), settings.SANDBOX_API_KEY)
    secret_ok = _same(_header(request, "X-ApiSecret"), settings.SANDBOX_API_SECRET)
    if not (key_ok and secret_ok):
        raise ApiError(403, "Invalid API key or secret")


def user_for_token(token: str, now: datetime) -> SandboxUser | None:
    """Return the active user a live token belongs to, or None."""
    if not token:
        return None
    found = (
        SandboxToken.objects.select_related("user")
        .filter(token=token, expires_at__gt=now, user__active=True)
        .first()
    )
    return found.user if found else None


def _token_user(request: HttpRequest, now: datetime) -> SandboxUser:
    # 401 is kept for token problems only: the client maps it to "sign in again" (§6).
    user = user_for_token(_header(request, "X-ApiToken"), now)
    if user is None:
        raise ApiError(401, "Token is invalid or expired")
    return user


def _authenticate(call: ApiCall, auth: Auth) -> None:
    request = call.request
    if auth == "key":
        _check_key(request)
    elif auth == "token":
        call.user = _token_user(request, call.now)
    elif auth == "token_or_key":
        # GET /availability: the patient's token, or (beta) key + secret without one (seed).
        if _header(request, "X-ApiToken"):
            call.user = _token_user(request, call.now)
        else:
            _check_key(request)


def _flatten(query: Any) -> dict[str, Any]:
    """Return a QueryDict as a dict: repeated keys and `key[]` keys become lists."""
    out: dict[str, Any] = {}
    for key in query:
        values = query.getlist(key)
        if key.endswith("[]"):
            out[key[:-2]] = values
        else:
            out[key] = values if len(values) > 1 else values[0]
    return out


def _parse_body(request: HttpRequest) -> dict[str, Any]:
    # VSee takes JSON, urlencoded and multipart bodies for the same endpoints (beyond-the-seed §0).
    if request.method != "POST":
        return _flatten(request.GET)
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Invalid JSON body") from None
        if not isinstance(body, dict):
            raise ApiError(400, "The JSON body must be an object")
        return body
    try:
        return _flatten(request.POST)
    except MultiPartParserError:
        raise ApiError(400, "Invalid multipart body") from None


def api_endpoint(
    name: str, *, auth: Auth = "token", method: str = "GET"
) -> Callable[[View], View]:
    """Wrap a view `(call, **kwargs) -> data` into a VSee-shaped JSON endpoint called `name`."""

    def decorate(view: Callable[..., Any]) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            require_sandbox()
            try:
                if request.method != method:
                    raise ApiError(405, "Method not allowed")
                failing = faults.apply_faults(name)
                if failing is not None:
                    raise ApiError(failing, "Sandbox fault injected")
                _check_account(request)
                call = ApiCall(request=request, params={}, now=clock.now())
                call.params = _parse_body(request)
                call.files = (
                    dict(request.FILES.items()) if request.method == "POST" else {}
                )
                _authenticate(call, auth)
                # Built inside the try: a payload that cannot be encoded is a 500 too.
                response = JsonResponse({"data": view(call, **kwargs)}, safe=False)
                dropped = faults.answer_fault(name)
                if dropped is not None:
                    raise ApiError(dropped, "Sandbox fault: the answer was dropped")
                return response
            except ApiError as exc:
                return error(exc.status, exc.message)
            except Exception:
                # Never an HTML 500: the client must always see VSee's envelope.
                log.exception("sandbox endpoint %s failed", name)
                return error(500, "Internal sandbox error")

        wrapper.endpoint = name  # type: ignore[attr-defined]
        return wrapper

    return decorate


def methods(**views: View) -> View:
    """Return one URL view that hands GET and POST to different endpoints."""

    @csrf_exempt
    def dispatch(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        require_sandbox()
        view = views.get(request.method or "")
        if view is None:
            return error(405, "Method not allowed")
        return view(request, **kwargs)

    dispatch.views = views  # type: ignore[attr-defined]
    return dispatch


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer unknown API paths with the JSON envelope rather than an HTML page."""
    require_sandbox()
    return error(404, "Not found")


# --- lookups: one per resource, each raising 404 on any miss (STYLE.md rule 10) ----------


def get_room(code: Any) -> SandboxRoom:
    """Return a room by code or raise 400 (rooms named in a body are a bad request)."""
    if code is None:
        raise ApiError(400, "room_code is required")
    room = SandboxRoom.objects.filter(code=str(code)).first()
    if room is None:
        raise ApiError(400, f"Unknown room {code}")
    return room


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def get_intake_for(user: SandboxUser, intake_id: Any) -> SandboxIntake:
    """Return the user's own intake or raise 404."""
    pk = _as_uuid(intake_id)
    intake = SandboxIntake.objects.filter(pk=pk, member=user).first() if pk else None
    if intake is None:
        raise ApiError(404, "Not found")
    return intake


def get_visit_for(user: SandboxUser, visit_id: Any) -> SandboxVisit:
    """Return the user's own visit or raise 404."""
    text = str(visit_id or "")
    visit = (
        SandboxVisit.objects.filter(pk=int(text), member=user).first()
        if text.isdigit()
        else None
    )
    if visit is None:
        raise ApiError(404, "Not found")
    return visit
