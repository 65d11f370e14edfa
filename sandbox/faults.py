"""Fault injection: make sandbox endpoints slow, hang or fail on purpose.

Rules come from settings.SANDBOX_FAULTS (a list of dicts) and from SandboxFault rows edited in
the admin; both apply, in that order. A rule names one endpoint (see models.ENDPOINTS) or "*".
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from portal.running import stepping_out
from sandbox.models import ENDPOINTS, SandboxFault

__all__ = [
    "ENDPOINTS",
    "FaultRule",
    "active_rules",
    "answer_fault",
    "apply_faults",
    "roll",
    "sleep",
]


@dataclass(frozen=True)
class FaultRule:
    """One rule, whichever source it came from."""

    endpoint: str = "*"
    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    force_timeout: bool = False
    # Carry the call out, then lose its answer (hang and/or fail): VSee made the visit,
    # the portal never heard.
    drop_answer: bool = False
    active: bool = True

    @classmethod
    def from_setting(cls, raw: Mapping[str, Any]) -> FaultRule:
        """Return a rule from a settings dict; "status" is accepted for "error_status"."""
        return cls(
            endpoint=str(raw.get("endpoint", "*")),
            latency_ms=int(raw.get("latency_ms", 0) or 0),
            error_rate=float(raw.get("error_rate", 0.0) or 0.0),
            error_status=int(raw.get("error_status", raw.get("status", 503)) or 503),
            force_timeout=bool(raw.get("force_timeout", False)),
            drop_answer=bool(raw.get("drop_answer", False)),
            active=bool(raw.get("active", True)),
        )

    def matches(self, endpoint: str) -> bool:
        return self.active and self.endpoint in ("*", endpoint)


def roll() -> float:
    """Return a random number in [0, 1); the one random source, so tests can pin it."""
    return random.random()


def sleep(seconds: float) -> None:
    """Wait; kept apart so tests can count the waits instead of sitting through them.
    VSee's time, not the portal's: served in the portal's process, it gives up its place
    among the threads running the portal's code meanwhile."""
    with stepping_out():
        time.sleep(seconds)


def _rules() -> Iterable[FaultRule]:
    for raw in getattr(settings, "SANDBOX_FAULTS", None) or []:
        yield FaultRule.from_setting(raw)
    for row in SandboxFault.objects.filter(active=True):
        yield FaultRule(
            endpoint=row.endpoint,
            latency_ms=row.latency_ms,
            error_rate=row.error_rate,
            error_status=row.error_status,
            force_timeout=row.force_timeout,
            drop_answer=row.drop_answer,
            active=row.active,
        )


def active_rules(endpoint: str) -> list[FaultRule]:
    """Return the rules that apply to an endpoint now (read at request time)."""
    return [rule for rule in _rules() if rule.matches(endpoint)]


def apply_faults(endpoint: str) -> int | None:
    """Delay or hang as the rules say; return the status to fail with, or None to go on."""
    for rule in active_rules(endpoint):
        if rule.drop_answer:
            continue  # applied once the call is carried out (answer_fault)
        if rule.latency_ms > 0:
            sleep(rule.latency_ms / 1000)
        if rule.force_timeout:
            # Hang, then answer normally: the client's deadline is what is under test.
            sleep(float(settings.SANDBOX_HANG_SECONDS))
        if rule.error_rate > 0 and roll() < rule.error_rate:
            return rule.error_status
    return None


def answer_fault(endpoint: str) -> int | None:
    """After the call was carried out: hang as a "drop the answer" rule says, then return
    the status to answer with instead of the result, or None to answer normally."""
    for rule in active_rules(endpoint):
        if rule.drop_answer:
            if rule.latency_ms > 0:
                sleep(rule.latency_ms / 1000)
            if rule.force_timeout:
                sleep(float(settings.SANDBOX_HANG_SECONDS))
            return rule.error_status
    return None
