"""The sandbox's one source of "now", kept in one function so tests can pin it."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current time (aware, UTC); tests monkeypatch this function."""
    return timezone.now()


def to_unix(value: datetime) -> int:
    """Return a datetime as whole Unix seconds, the unit VSee uses everywhere."""
    return int(value.timestamp())


def from_unix(seconds: int) -> datetime:
    """Return an aware UTC datetime for Unix seconds."""
    return datetime.fromtimestamp(seconds, tz=UTC)
