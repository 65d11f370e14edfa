"""bench/screens.py borrows the browser tests' fixtures (a live portal with the sandbox,
an in-memory mailbox, Chromium)."""

from __future__ import annotations

from tests.conftest import *  # noqa: F403
from tests.e2e.conftest import *  # noqa: F403
