"""A circuit breaker: a VSee outage costs one timeout, not one per patient.

After `threshold` failures in a row (connection refused, timeouts, 5xx) within `window`
seconds, calls fail at once for `cooldown` seconds. Then one call is let through as a
probe: its success closes the breaker, its failure opens it again. The state lives in a
store shared by whoever should share it (service.py passes the Django cache: per process by
default, every worker and instance with Redis).
"""

from __future__ import annotations

from typing import Any, Protocol


class Store(Protocol):
    """What the breaker needs of a cache (Django's has all of it)."""

    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...
    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool: ...
    def incr(self, key: str, delta: int = 1) -> int: ...
    def delete(self, key: str) -> Any: ...


class Breaker:
    def __init__(
        self,
        store: Store,
        *,
        name: str,
        threshold: int,
        window: float,
        cooldown: float,
        probe_timeout: float,
    ) -> None:
        self.store = store
        self.threshold = threshold
        self.window = window
        self.cooldown = cooldown
        self.probe_timeout = probe_timeout
        self._failures = f"vsee-breaker:{name}:failures"
        self._open = f"vsee-breaker:{name}:open"
        self._probe = f"vsee-breaker:{name}:probe"

    def state(self) -> str:
        """Return "closed", "open" or "half-open" (waiting for a probe's answer)."""
        if self.store.get(self._open):
            return "open"
        if (self.store.get(self._failures) or 0) >= self.threshold:
            return "half-open"
        return "closed"

    def allow(self) -> bool:
        """Return whether a call may go to VSee now (in half-open: only the probe)."""
        state = self.state()
        if state == "open":
            return False
        if state == "half-open":
            return self.store.add(self._probe, 1, self.probe_timeout)
        return True

    def succeeded(self) -> None:
        if self.store.get(self._failures):
            self.store.delete(self._failures)
            self.store.delete(self._probe)

    def failed(self) -> None:
        self.store.add(self._failures, 0, self.window)
        try:
            count = self.store.incr(self._failures)
        except ValueError:  # expired between add and incr
            self.store.set(self._failures, 1, self.window)
            count = 1
        if count >= self.threshold:
            self.store.set(self._open, 1, self.cooldown)
            # Remember the failures past the cool-down, so that only a probe follows it.
            self.store.set(self._failures, count, self.cooldown + self.window)
            self.store.delete(self._probe)
