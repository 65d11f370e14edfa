"""The VSee API v3 client: the only code in the portal that speaks HTTP to VSee.

Pure Python (no Django imports): `VSeeClient.from_settings()` in service.py builds one from
the settings. Every call goes through `_request`, which adds the account headers, applies
timeouts and an overall deadline, retries safe calls, and turns failures into typed errors.

The code lives in small modules: transport.py (the `_request` seam, retries, errors),
bodies.py (request bodies), users.py, intakes.py and visits.py (the endpoints by
resource) and api.py (`VSeeClient`, composed of them). Patch transport.py's names
(e.g. `portal.vsee.client.transport._sleep`), not the re-exports below.
"""

from __future__ import annotations

from portal.vsee.client.api import VSeeClient
from portal.vsee.client.bodies import IntakeFields, Upload
from portal.vsee.client.transport import (
    BACKOFF_CAP,
    BACKOFF_START,
    MAX_ATTEMPTS,
    MAX_BODY_BYTES,
    RETRY_STATUSES,
    USER_AGENT,
    log,
    shared_session,
)

__all__ = [
    "BACKOFF_CAP",
    "BACKOFF_START",
    "MAX_ATTEMPTS",
    "MAX_BODY_BYTES",
    "RETRY_STATUSES",
    "USER_AGENT",
    "IntakeFields",
    "Upload",
    "VSeeClient",
    "log",
    "shared_session",
]
