"""Benchmark: each page of the patient journey — time, and VSee calls made per page.

Not a test: it reports figures. Start the portal first (scripts/run), then:

    .venv/bin/python bench/journey.py [--base http://127.0.0.1:8000] [-n 30]

The pages are rendered in this process by Django's test client (views → service → HTTP),
talking to the sandbox served by the running portal, and sharing its database. The
patient signs in by email (the code is read from an in-memory mailbox here).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from portal.vsee.client import VSeeClient  # noqa: E402

CALLS: Counter[str] = Counter()
_real_request = VSeeClient._request


def _counting(self, method, path, *, endpoint, **kwargs):  # type: ignore[no-untyped-def]
    CALLS[endpoint] += 1
    return _real_request(self, method, path, endpoint=endpoint, **kwargs)


VSeeClient._request = _counting  # type: ignore[method-assign]

ANSWERS = {
    "reason_for_visit": "Benchmark visit",
    "location": "NY",
    "custom_insurance": "Self-pay",
    "custom_seen_before": "no",
}


def measure(client: Client, name: str, n: int, method: str, path: str, data=None):  # type: ignore[no-untyped-def]
    samples, calls = [], []
    for _ in range(n):
        CALLS.clear()
        started = time.perf_counter()
        response = (
            getattr(client, method)(path, data)
            if data
            else getattr(client, method)(path)
        )
        samples.append((time.perf_counter() - started) * 1000)
        calls.append(sum(CALLS.values()))
        if response.status_code >= 400:
            raise SystemExit(f"{name}: {response.status_code}")
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    print(
        f"{name:<30} n={n:<4} p50={statistics.median(ordered):7.1f}ms "
        f"p95={p95:7.1f}ms  VSee calls/page={statistics.median(calls):.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()  # an in-memory mailbox for the sign-in code
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.VSEE_API_BASE_URL = f"{args.base}/sandbox/api_v3"
    settings.VSEE_CLINIC_URL = f"{args.base}/sandbox/clinic/"

    client = Client()
    # Signed in the real way: email, the code sent to it, then who she is (name and
    # birth date the first time, the birth date after: posting all three serves both).
    client.post("/sign-in/", {"email": "ada@example.com", "next": "/"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post("/sign-in/code/", {"code": code})
    signed_in = client.post(
        "/sign-in/you/",
        {"first_name": "Ada", "last_name": "Lovelace", "dob": "1985-12-10"},
    )
    if signed_in.status_code != 302:
        sys.exit("Sign-in failed: is the portal running with the demo loaded?")

    n = args.n
    measure(client, "GET / (room page)", n, "get", "/")
    measure(client, "GET intake form", n, "get", "/rooms/demo-room/appointment/")
    measure(
        client,
        "POST intake (update)",
        n,
        "post",
        "/rooms/demo-room/appointment/",
        ANSWERS,
    )
    measure(client, "GET files step", n, "get", "/rooms/demo-room/appointment/files/")
    consultation = re.search(
        r"consultation=([^\"&]+)",
        client.get("/rooms/demo-room/appointment/time/?consultation=").content.decode(),
    ).group(1)
    week = f"/rooms/demo-room/appointment/time/?consultation={consultation}"
    measure(client, "GET picker (one week)", n, "get", week)
    measure(client, "GET picker (first available)", n, "get", week + "&first=1")
    measure(client, "GET visit history", n, "get", "/visits/")


if __name__ == "__main__":
    main()
