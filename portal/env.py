"""Strict readers for settings that come from the environment."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    """Return a setting; unset and empty both mean "use the default" (as in .env.example)."""
    return os.getenv(name, "").strip() or default


def envbool(name: str, default: str) -> bool:
    """Return a boolean setting; anything but True/False is a configuration error."""
    value = env(name, default).lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def envint(name: str, default: str) -> int:
    """Return an integer setting."""
    value = env(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}"
        ) from None


def envfloat(name: str, default: str) -> float:
    """Return a decimal setting (seconds, rates)."""
    value = env(name, default)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envsecret(name: str, default: str = "") -> str:
    """Return a secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = env(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    return env(name, default)


def envlist(name: str, default: str) -> list[str]:
    """Return a comma-separated setting as a list, blanks dropped."""
    return [
        item.strip() for item in os.getenv(name, default).split(",") if item.strip()
    ]
