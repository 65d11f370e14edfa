"""The VSee API v3 client: the only code in the portal that speaks HTTP to VSee.

Pure Python (no Django imports): `VSeeClient.from_settings()` in service.py builds one from
the settings. Every call goes through `_request`, which adds the account headers, applies
timeouts and an overall deadline, retries safe calls, and turns failures into typed errors.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, TypedDict, Unpack
from urllib.parse import quote

import requests
from pydantic import BaseModel, ValidationError

from portal.vsee.errors import (
    VSeeAuthExpired,
    VSeeError,
    VSeeRejected,
    VSeeSlotTaken,
    VSeeUnavailable,
)
from portal.vsee.schemas import (
    Intake,
    Person,
    Room,
    Slot,
    SsoUser,
    UploadedFile,
    Visit,
    parse_slots,
)

log = logging.getLogger("portal.vsee")

# Retry policy (GET only; a retried POST could create a second visit).
MAX_ATTEMPTS = 3
BACKOFF_START = 0.5
BACKOFF_CAP = 4.0
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BODY_BYTES = 5 * 1024 * 1024
USER_AGENT = "vsee-patient-portal/0.1"


def _jitter(delay: float) -> float:
    """Return the delay spread by up to ±25%, so retrying workers do not stampede."""
    return delay * random.uniform(0.75, 1.25)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _backoff(attempt: int, retry_after: str | None = None) -> float:
    """Return how long to wait before attempt number `attempt + 1`."""
    if retry_after and retry_after.isdigit():
        return min(float(retry_after), BACKOFF_CAP)
    return _jitter(min(BACKOFF_START * 2 ** (attempt - 1), BACKOFF_CAP))


_session_lock = threading.Lock()
_session: requests.Session | None = None


def shared_session() -> requests.Session:
    """Return the process's one pooled Session (connections reused across requests)."""
    global _session
    with _session_lock:
        if _session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(
                pool_connections=4, pool_maxsize=16, max_retries=0
            )
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            _session = session
        return _session


def _error_for(
    response: requests.Response, body: Any, request_id: str
) -> VSeeError | None:
    """Return the error a response means, or None for a success. The one reader of statuses."""
    status = response.status_code
    # Some VSee errors come back as 200 with {"code": 4xx, "message"} and no data
    # (beyond-the-seed §6): judge by the body's code then.
    if 200 <= status < 300 and isinstance(body, dict) and "data" not in body:
        code = body.get("code")
        status = code if isinstance(code, int) and code >= 400 else 502
    message = body.get("message", "") if isinstance(body, dict) else ""
    message = str(message)[:300]
    if 200 <= status < 300:
        return None
    if status == 401:
        return VSeeAuthExpired(
            message or "Token is invalid or expired",
            status=status,
            request_id=request_id,
        )
    if status >= 500 or status == 429:
        return VSeeUnavailable(
            message or f"VSee answered {status}", status=status, request_id=request_id
        )
    return VSeeRejected(
        message or f"VSee refused the request ({status})",
        status=status,
        request_id=request_id,
    )


class IntakeFields(TypedDict, total=False):
    """The intake fields VSee documents, plus our custom answers (sent as custom_<key>)."""

    type: int | None
    reason_for_visit: str | None
    location: str | None
    phone: str | None
    provider_id: str | None
    consultation: Mapping[str, Any] | None
    attachments: list[str] | None
    custom: Mapping[str, Any] | None


@dataclass(frozen=True)
class Upload:
    """A file to send with POST /files; the bytes stay in memory, never on our disk."""

    name: str
    content: bytes | IO[bytes]
    content_type: str


class VSeeClient:
    """One method per VSee endpoint, keyword-only arguments spelled as VSee spells them."""

    def __init__(
        self,
        *,
        base_url: str,
        account_code: str,
        api_key: str,
        api_secret: str,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        deadline: float = 15.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account_code = account_code
        self._api_key = api_key
        self._api_secret = api_secret
        self.timeout = (connect_timeout, read_timeout)
        self.deadline = deadline
        self.session = session or shared_session()
        self.last_request_id = ""

    def __repr__(self) -> str:  # never show the credentials
        return f"VSeeClient(base_url={self.base_url!r}, account_code={self.account_code!r})"

    # --- the seam ---------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        token: str | None = None,
        with_key: bool = False,
        params: Mapping[str, Any] | None = None,
        json_body: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one call and return the envelope's `data`; raise a VSeeError on any failure."""
        request_id = uuid.uuid4().hex[:16]
        self.last_request_id = (
            request_id  # for _parse; a client serves one request at a time
        )
        headers = {"X-AccountCode": self.account_code, "X-Request-Id": request_id}
        if token:
            headers["X-ApiToken"] = token
        if with_key:
            headers["X-ApiKey"] = self._api_key
            headers["X-ApiSecret"] = self._api_secret
        url = f"{self.base_url}/{path}"
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempts = MAX_ATTEMPTS if method == "GET" else 1
        call_started = (
            time.monotonic()
        )  # the deadline bounds the whole call, retries included
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self._timeout_left(call_started),
                    stream=True,
                )
                raw = self._read_within_deadline(response, call_started)
            except requests.ConnectionError as exc:
                # ConnectTimeout lands here too: nothing reached VSee, so a GET may try again.
                if attempt < attempts and self._wait_to_retry(
                    call_started, _backoff(attempt)
                ):
                    continue
                self._log(endpoint, method, "connection-error", started, request_id)
                raise VSeeUnavailable(
                    "Could not connect to VSee", request_id=request_id
                ) from exc
            except requests.Timeout as exc:
                self._log(endpoint, method, "timeout", started, request_id)
                raise VSeeUnavailable(
                    "VSee did not answer in time", request_id=request_id
                ) from exc
            except requests.RequestException as exc:
                self._log(endpoint, method, "error", started, request_id)
                raise VSeeUnavailable(
                    "The request to VSee failed", request_id=request_id
                ) from exc
            self._log(endpoint, method, response.status_code, started, request_id)
            if (
                response.status_code in RETRY_STATUSES
                and attempt < attempts
                and self._wait_to_retry(
                    call_started, _backoff(attempt, response.headers.get("Retry-After"))
                )
            ):
                continue
            body = self._decode(raw)
            error = _error_for(response, body, request_id)
            if error:
                raise error
            if not isinstance(body, dict):
                raise VSeeUnavailable(
                    "VSee sent a response we could not read", request_id=request_id
                )
            return body["data"]
        raise AssertionError("unreachable")  # pragma: no cover

    def _timeout_left(self, call_started: float) -> tuple[float, float]:
        """Return (connect, read) timeouts, the read one cut to what the deadline leaves."""
        connect, read = self.timeout
        left = self.deadline - (time.monotonic() - call_started)
        return connect, max(0.05, min(read, left))

    def _wait_to_retry(self, call_started: float, delay: float) -> bool:
        """Sleep before a retry, unless the retry could not finish within the deadline."""
        if time.monotonic() - call_started + delay >= self.deadline:
            return False
        _sleep(delay)
        return True

    def _read_within_deadline(
        self, response: requests.Response, started: float
    ) -> bytes:
        """Read the body, giving up once the overall deadline passes.

        requests' read timeout applies to each socket read, so an upstream that drips a
        byte at a time would otherwise hold a worker forever. read1 returns what has
        arrived instead of waiting for a full chunk, so the clock is checked as bytes come.
        """
        chunks, size = [], 0
        try:
            while chunk := response.raw.read1(16384, decode_content=True):
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() - started > self.deadline:
                    raise requests.Timeout("overall deadline passed")
                if size > MAX_BODY_BYTES:
                    raise requests.RequestException("response too large")
        finally:
            response.close()
        return b"".join(chunks)

    @staticmethod
    def _decode(raw: bytes) -> Any:
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    @staticmethod
    def _log(
        endpoint: str, method: str, outcome: object, started: float, request_id: str
    ) -> None:
        # Endpoint names only: never URLs, parameters, bodies or tokens (they can carry PHI).
        elapsed_ms = int((time.monotonic() - started) * 1000)
        log.info(
            "vsee %s %s -> %s in %dms request_id=%s",
            method,
            endpoint,
            outcome,
            elapsed_ms,
            request_id,
        )

    def _parse(self, model: type[BaseModel], data: Any) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            # A payload we cannot read is VSee's fault, not the patient's: never a 500.
            log.warning(
                "vsee response did not match %s: %d errors",
                model.__name__,
                exc.error_count(),
            )
            # `from None`: pydantic's message quotes the payload, which may carry PHI.
            raise VSeeError(
                f"Unexpected {model.__name__} from VSee",
                request_id=self.last_request_id,
            ) from None

    # --- users and rooms --------------------------------------------------------------------

    def user_sso(
        self,
        *,
        first_name: str,
        last_name: str,
        type: int = 200,
        code: str | None = None,
        dob: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> SsoUser:
        """Create or find a patient (200) or guest (600) and return it with a fresh token."""
        # Reference: shared/vsee-api/beyond-the-seed.md §2 (key + secret, no token).
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "type": type,
            "code": code,
            "dob": dob,
            "email": email,
            "phone": phone,
        }
        data = self._request(
            "POST",
            "users/sso",
            endpoint="users.sso",
            with_key=True,
            json_body=_compact(body),
        )
        return self._parse(SsoUser, data)

    def room_get(self, *, code: str) -> Room:
        """Return a room with its visit options and consultation types (public access)."""
        # Reference: shared/vsee-api/beyond-the-seed.md §4.
        data = self._request("GET", f"rooms/{_seg(code)}", endpoint="rooms.get")
        return self._parse(Room, data)

    def room_providers(self, *, code: str) -> list[Person]:
        """Return the providers of a room with their names (public access, like room_get)."""
        # Reference: shared/vsee-api/beyond-the-seed.md §4 GET /rooms/:code/providers.
        data = self._request(
            "GET", f"rooms/{_seg(code)}/providers", endpoint="rooms.providers"
        )
        if not isinstance(data, list):
            data = [] if data in (None, "", {}, False) else data
        if not isinstance(data, list):
            raise VSeeError(
                "Unexpected providers from VSee", request_id=self.last_request_id
            )
        return [self._parse(Person, item) for item in data if isinstance(item, dict)]

    # --- intakes ----------------------------------------------------------------------------

    def intake_create(
        self, *, token: str, room_code: str, **fields: Unpack[IntakeFields]
    ) -> Intake:
        """Create an intake and return it (id plus the echoed custom answers)."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /intakes.
        body = _intake_body(room_code=room_code, **fields)
        data = self._request(
            "POST", "intakes", endpoint="intakes.create", token=token, json_body=body
        )
        return self._parse(Intake, data)

    def intake_update(
        self,
        *,
        token: str,
        id: str,
        room_code: str | None = None,
        **fields: Unpack[IntakeFields],
    ) -> Intake:
        """Update an existing intake in place (same id) and return it."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /intakes/:id.
        body = _intake_body(room_code=room_code, **fields)
        data = self._request(
            "POST",
            f"intakes/{_seg(id)}",
            endpoint="intakes.update",
            token=token,
            json_body=body,
        )
        return self._parse(Intake, data)

    def intake_get(self, *, token: str, id: str) -> Intake:
        """Return an intake with its answers and attachments."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /intakes/:id.
        data = self._request(
            "GET", f"intakes/{_seg(id)}", endpoint="intakes.get", token=token
        )
        return self._parse(Intake, data)

    # --- files ------------------------------------------------------------------------------

    def file_upload(
        self, *, token: str, file: Upload, category: str = "intake_attachment"
    ) -> UploadedFile:
        """Upload one file (multipart) and return its VSee id for an intake's attachments."""
        # Reference: shared/vsee-api/beyond-the-seed.md §5 (`meta.category` has a literal dot).
        files = {"file": (file.name, file.content, file.content_type)}
        data = self._request(
            "POST",
            "files",
            endpoint="files.upload",
            token=token,
            data={"meta.category": category},
            files=files,
        )
        return self._parse(UploadedFile, data)

    # --- visits -----------------------------------------------------------------------------

    def visit_add_walkin(
        self,
        *,
        token: str,
        intake_id: str,
        room_code: str,
        provider_id: str | None = None,
    ) -> Visit:
        """Create a walk-in (see a doctor now) visit for an intake."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/add_walkin.
        body = _compact(
            {"intake_id": intake_id, "room_code": room_code, "provider_id": provider_id}
        )
        data = self._request(
            "POST",
            "visits/add_walkin",
            endpoint="visits.add_walkin",
            token=token,
            json_body=body,
        )
        return self._parse(Visit, data)

    def visit_add_econsult(
        self, *, token: str, intake_id: str, room_code: str
    ) -> Visit:
        """Create an asynchronous e-consult for an intake."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/add_econsult.
        body = {"intake_id": intake_id, "room_code": room_code}
        data = self._request(
            "POST",
            "visits/add_econsult",
            endpoint="visits.add_econsult",
            token=token,
            json_body=body,
        )
        return self._parse(Visit, data)

    def availability_get(
        self,
        *,
        token: str | None = None,
        room_code: str | None = None,
        intake_id: str | None = None,
        consultation_id: str | None = None,
        start: int | None = None,
        end: int | None = None,
        duration: int | None = None,
        provider_id: str | None = None,
        location: str | None = None,
        nearest: bool | None = None,
    ) -> list[Slot]:
        """Return the free slots in a window; without a token, use the API key and secret."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /availability (two shapes).
        params = {
            "room_code": room_code,
            "intake_id": intake_id,
            "consultation_id": consultation_id,
            "start": start,
            "end": end,
            "duration": duration,
            "provider_id": provider_id,
            "location": location,
            "nearest": 1 if nearest else None,
        }
        data = self._request(
            "GET",
            "availability",
            endpoint="availability.get",
            token=token,
            with_key=token is None,
            params=params,
        )
        try:
            return parse_slots(data)
        except (ValidationError, AttributeError, TypeError) as exc:
            raise VSeeError("Unexpected availability from VSee") from exc

    def visit_create(
        self,
        *,
        token: str,
        room_code: str,
        intake_id: str,
        slot_start: int,
        slot_end: int,
        provider_id: str | None = None,
        member_id: str | None = None,
    ) -> Visit:
        """Book an appointment (type 2) for a slot."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits.
        body = _compact(
            {
                "type": 2,
                "room_code": room_code,
                "intake_id": intake_id,
                "slot_start": slot_start,
                "slot_end": slot_end,
                "provider_id": provider_id,
                "member_id": member_id,
            }
        )
        with _slot_errors():
            data = self._request(
                "POST", "visits", endpoint="visits.create", token=token, json_body=body
            )
        return self._parse(Visit, data)

    def visit_list(self, *, token: str) -> list[Visit]:
        """Return all of the patient's visits in one call."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits.
        data = self._request("GET", "visits", endpoint="visits.list", token=token)
        if not isinstance(data, list):
            data = [] if data in (None, "", {}) else data
        return [self._parse(Visit, item) for item in data if isinstance(item, dict)]

    def visit_get(self, *, token: str, id: str) -> Visit:
        """Return one visit with its intake and the provider's notes."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits/:id.
        data = self._request(
            "GET", f"visits/{_seg(id)}", endpoint="visits.get", token=token
        )
        return self._parse(Visit, data)

    def visit_update(
        self,
        *,
        token: str,
        id: str,
        slot_start: int | None = None,
        slot_end: int | None = None,
        provider_id: str | None = None,
    ) -> Visit:
        """Move an appointment to a new slot, or change its provider ("0" removes it)."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/:id?version=2.
        body = _compact(
            {"slot_start": slot_start, "slot_end": slot_end, "provider_id": provider_id}
        )
        with _slot_errors():
            data = self._request(
                "POST",
                f"visits/{_seg(id)}",
                endpoint="visits.update",
                token=token,
                params={"version": 2},
                json_body=body,
            )
        return self._parse(Visit, data)

    def visit_close(self, *, token: str, id: str, reason: str) -> str:
        """Close or cancel a visit and return its id."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/close (reasons listed there).
        data = self._request(
            "POST",
            "visits/close",
            endpoint="visits.close",
            token=token,
            json_body={"id": id, "reason": reason},
        )
        return str(data.get("id", id)) if isinstance(data, dict) else id

    def visit_delete(self, *, token: str, id: str) -> bool:
        """Force-cancel a visit."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/delete.
        data = self._request(
            "POST",
            "visits/delete",
            endpoint="visits.delete",
            token=token,
            json_body={"id": id},
        )
        return data is not False

    def visit_current(self, *, token: str) -> Visit | None:
        """Return the patient's visit in progress, or None."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits/current.
        data = self._request(
            "GET", "visits/current", endpoint="visits.current", token=token
        )
        return self._parse(Visit, data) if isinstance(data, dict) and data else None

    def visit_summary_export(self, *, token: str, id: str) -> str:
        """Return the URL of the visit's summary PDF (VSee hosts it; we never proxy it)."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits/:id/exports/visit_summary.
        data = self._request(
            "GET",
            f"visits/{_seg(id)}/exports/visit_summary",
            endpoint="visits.summary_export",
            token=token,
        )
        url = data.get("url") if isinstance(data, dict) else None
        if not url or not str(url).startswith(("https://", "http://")):
            raise VSeeError("VSee sent no summary URL")
        return str(url)


def _seg(value: str) -> str:
    """Return an id safe to put in a URL path segment (no slashes, no dot-segments)."""
    value = str(value)
    if not value or value in (".", ".."):
        raise VSeeRejected("Invalid id", status=400)
    return quote(value, safe="")


# VSee answers a slot lost to someone else with a 400 and words, not a code of its own
# (reference §POST /visits); these are the words it and the sandbox use.
_SLOT_GONE = re.compile(
    r"slot.*(no longer available|not available|taken|booked|in the past)", re.I
)


@contextmanager
def _slot_errors() -> Iterator[None]:
    """Turn VSee's "that slot is gone" refusal into VSeeSlotTaken."""
    try:
        yield
    except VSeeRejected as exc:
        if exc.status in (400, 409, 422) and _SLOT_GONE.search(exc.message or ""):
            raise VSeeSlotTaken(
                exc.message, status=exc.status, request_id=exc.request_id
            ) from exc
        raise


def _compact(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _intake_body(
    room_code: str | None, **fields: Unpack[IntakeFields]
) -> dict[str, Any]:
    consultation, attachments = fields.get("consultation"), fields.get("attachments")
    body = _compact(
        {
            "room_code": room_code,
            "type": fields.get("type"),
            "reason_for_visit": fields.get("reason_for_visit"),
            "location": fields.get("location"),
            "phone": fields.get("phone"),
            "provider_id": fields.get("provider_id"),
            "consultation": dict(consultation) if consultation else None,
            # The list-of-ids form (seed: POST /intakes `attachments`); [] clears them.
            "attachments": list(attachments) if attachments is not None else None,
        }
    )
    for key, value in (fields.get("custom") or {}).items():
        # VSee stores any extra pair; ours are prefixed custom_ and sent as strings (beyond-the-seed §9).
        if isinstance(value, bool):
            # VSee's own spelling (consent: "true").
            value = "true" if value else "false"
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        body[f"custom_{key}"] = "" if value is None else str(value)
    return body
