"""The seam every VSee call goes through: headers, timeouts and the deadline, retries, errors.

`Transport._request` adds the account headers, applies timeouts and an overall deadline,
retries safe calls, and turns failures into typed errors. Tests patch `_sleep`, `_jitter`,
`time`, `MAX_ATTEMPTS` and `MAX_BODY_BYTES` here, in portal.vsee.client.transport.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from portal.vsee.client.breaker import Breaker
from portal.vsee.client.budget import holding_place, in_flight_cap, page_deadline
from portal.vsee.errors import (
    VSeeAuthExpired,
    VSeeError,
    VSeeRejected,
    VSeeSlotTaken,
    VSeeUnavailable,
)

log = logging.getLogger("portal.vsee")
Model = TypeVar("Model", bound=BaseModel)

# Retry policy (GET only; a retried POST could create a second visit).
MAX_ATTEMPTS = 3
BACKOFF_START = 0.5
BACKOFF_CAP = 4.0
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BODY_BYTES = 5 * 1024 * 1024
# Less time than this left on the page's budget: fail at once rather than start a call.
MIN_CALL_SECONDS = 0.1
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


def shared_session(pool_size: int = 16) -> requests.Session:
    """Return the process's one pooled Session (connections reused across requests);
    `pool_size` connections are kept open to VSee (the first caller's number counts)."""
    global _session
    with _session_lock:
        if _session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(
                pool_connections=4, pool_maxsize=pool_size, max_retries=0
            )
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            _session = session
        return _session


# The token's refusal is documented only as "expect 401" (beyond-the-seed §6, uncertain):
# a 403 or 400 whose words say the token is invalid or expired means the same; any other
# 403 stays a refusal.
_TOKEN_REFUSED = re.compile(
    r"token.{0,40}(invalid|expired|not valid)|(invalid|expired).{0,20}token", re.I
)


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
    if status == 401 or (status in (400, 403) and _TOKEN_REFUSED.search(message)):
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


class Transport:
    """The connection to one VSee account; endpoint mixins call `_request` on it."""

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
        max_in_flight: int | None = None,
        place_wait: float = 0.0,
        breaker: Breaker | None = None,
        session: requests.Session | None = None,
        users_get_no_email: bool = False,
        while_waiting: Callable[[], AbstractContextManager[object]] = nullcontext,
        pool_size: int = 16,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # The portal emails patients itself: users/sso asks VSee to send them none.
        self.users_get_no_email = users_get_no_email
        self.account_code = account_code
        self._api_key = api_key
        self._api_secret = api_secret
        self.timeout = (connect_timeout, read_timeout)
        self.deadline = deadline
        self.in_flight = in_flight_cap(max_in_flight) if max_in_flight else None
        # Past the cap, how long a call may wait for a place while VSee is answering.
        self.place_wait = place_wait
        self.breaker = breaker
        self.session = session or shared_session(pool_size)
        self.last_request_id = ""
        # Around each wait on VSee (for a place under the cap, then for the answer):
        # what the caller should not hold meanwhile (service.py: the thread's database
        # connection, and its place among the threads running the portal's code).
        self.while_waiting = while_waiting

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
        # The deadline bounds the whole call, retries included, and the page's budget
        # bounds all of its calls together (budget.py).
        call_started = time.monotonic()
        deadline_at = call_started + self.deadline
        if (page_ends := page_deadline()) is not None:
            deadline_at = min(deadline_at, page_ends)
        if deadline_at - call_started < MIN_CALL_SECONDS:
            self._log(endpoint, method, "no-time-left", call_started, request_id)
            raise VSeeUnavailable("No time left for VSee", request_id=request_id)
        if self.breaker and not self.breaker.allow():
            self._log(endpoint, method, "circuit-open", call_started, request_id)
            raise VSeeUnavailable(
                "VSee is failing: calls are paused for a moment", request_id=request_id
            )
        # A page's calls made together share the place their page holds.
        in_flight = None if holding_place() else self.in_flight
        wait = min(self.place_wait, deadline_at - call_started - MIN_CALL_SECONDS)
        with self.while_waiting():
            if in_flight and not in_flight.enter(wait):
                self._log(
                    endpoint, method, "too-many-waiting", call_started, request_id
                )
                raise VSeeUnavailable(
                    "Too many calls to VSee waiting", request_id=request_id
                )
            try:
                result = self._send(
                    method,
                    url,
                    endpoint=endpoint,
                    request_id=request_id,
                    deadline_at=deadline_at,
                    params=params,
                    headers=headers,
                    json_body=json_body,
                    data=data,
                    files=files,
                )
            except VSeeError as exc:
                self._tell_breaker(exc)
                raise
            else:
                self._tell_breaker(None)
                return result
            finally:
                if in_flight:
                    in_flight.leave()

    def _tell_breaker(self, exc: VSeeError | None) -> None:
        """Count a failure of VSee itself (no answer, or a 5xx); any answer closes it."""
        if self.breaker is None:
            return
        no_answer = isinstance(exc, VSeeUnavailable) and exc.status is None
        if no_answer or (exc is not None and (exc.status or 0) >= 500):
            self.breaker.failed()
        else:
            self.breaker.succeeded()

    def _send(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        request_id: str,
        deadline_at: float,
        params: Mapping[str, Any],
        headers: Mapping[str, str],
        json_body: Mapping[str, Any] | None,
        data: Mapping[str, Any] | None,
        files: Mapping[str, Any] | None,
    ) -> Any:
        """Send the call (a GET up to MAX_ATTEMPTS times) until `deadline_at`."""
        attempts = MAX_ATTEMPTS if method == "GET" else 1
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
                    timeout=self._timeout_left(deadline_at),
                    stream=True,
                )
                raw = self._read_within_deadline(response, deadline_at)
            except requests.ConnectionError as exc:
                # ConnectTimeout lands here too: nothing reached VSee, so a GET may try again.
                if attempt < attempts and self._wait_to_retry(
                    deadline_at, _backoff(attempt)
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
                    deadline_at, _backoff(attempt, response.headers.get("Retry-After"))
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

    def _timeout_left(self, deadline_at: float) -> tuple[float, float]:
        """Return (connect, read) timeouts, both cut to what the deadline leaves."""
        connect, read = self.timeout
        left = max(0.05, deadline_at - time.monotonic())
        return min(connect, left), min(read, left)

    def _wait_to_retry(self, deadline_at: float, delay: float) -> bool:
        """Sleep before a retry, unless the retry could not finish within the deadline."""
        if time.monotonic() + delay >= deadline_at:
            return False
        _sleep(delay)
        return True

    def _read_within_deadline(
        self, response: requests.Response, deadline_at: float
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
                if time.monotonic() > deadline_at:
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

    def _parse(self, model: type[Model], data: Any) -> Model:
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
