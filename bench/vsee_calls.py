"""Benchmark: latency of VSee calls through the real client, and of the landing page.

Not a test: it reports figures. Start the portal first (scripts/run), then:

    .venv/bin/python bench/vsee_calls.py [--base http://127.0.0.1:8000] [-n 200]

It signs in the demo patient through the sandbox and times room_get, availability_get
(one week), intake_create and the landing page, printing p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402

from portal.vsee.client import VSeeClient  # noqa: E402
from portal.vsee.service import get_client  # noqa: E402


def timed(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{name:<22} n={len(samples):<5} p50={statistics.median(ordered):7.2f}ms p95={p95:7.2f}ms max={ordered[-1]:7.2f}ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()

    client: VSeeClient = get_client()
    client.base_url = f"{args.base}/sandbox/api_v3"
    ada = client.user_sso(
        type=200, first_name="Ada", last_name="Lovelace", code="demo-ada"
    )
    token = ada.token.token
    room = client.room_get(code="demo-room")
    consultation = room.consultations[0].id
    now = int(time.time())

    report("rooms.get", timed(lambda: client.room_get(code="demo-room"), args.n))
    report(
        "availability.get (7d)",
        timed(
            lambda: client.availability_get(
                token=token,
                room_code="demo-room",
                consultation_id=consultation,
                start=now,
                end=now + 7 * 86400,
            ),
            max(args.n // 4, 1),
        ),
    )
    report(
        "intakes.create",
        timed(
            lambda: client.intake_create(token=token, room_code="demo-room", type=1),
            max(args.n // 4, 1),
        ),
    )
    session = requests.Session()
    report(
        "GET / (landing)",
        timed(
            lambda: session.get(f"{args.base}/", timeout=10).raise_for_status(), args.n
        ),
    )


if __name__ == "__main__":
    main()
