"""The errors the service module raises: views catch these and nothing else from VSee."""

from __future__ import annotations


class VSeeError(Exception):
    """Base class: something went wrong talking to VSee."""

    retryable = False

    def __init__(
        self, message: str = "", *, status: int | None = None, request_id: str = ""
    ) -> None:
        super().__init__(message or self.__class__.__name__)
        self.message = message
        self.status = status
        self.request_id = request_id

    def __str__(self) -> str:
        # What logs and tracebacks show: enough to find the call in VSee's own logs. VSee's
        # message stays out of them, because it may repeat what the patient sent.
        status = f" status={self.status}" if self.status is not None else ""
        return f"{self.__class__.__name__}{status} request_id={self.request_id or '-'}"


class VSeeUnavailable(VSeeError):
    """VSee could not be reached or failed on its side (timeout, connection error, 5xx)."""

    retryable = True


class VSeeRejected(VSeeError):
    """VSee refused the request (4xx); `message` is VSee's own text."""


class VSeeSlotTaken(VSeeRejected):
    """The chosen slot went to someone else (or passed) before the booking reached VSee."""


class VSeeAuthExpired(VSeeError):
    """The patient's token is invalid or expired: sign the patient in again."""
