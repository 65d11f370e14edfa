"""Benchmark: the landing page while phones send request bodies slowly.

Not a test: it reports figures. Nothing needs to be running first:

    .venv/bin/python bench/slow_bodies.py [--phones 8] [-n 20]

It serves the portal as the Procfile does (tests/production.py: two workers, DEBUG off,
a fresh SQLite file), opens `--phones` connections that each send a form's headers and
the first bytes of a 100 KB body and then nothing more (a phone on a weak signal), and
times `-n` looks at the landing page meanwhile, each given 5 s. With the body read
holding a running place, 8 such phones (two workers × RUNNING_THREADS 4) stalled every
look that reached a worker whose places they held.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.production import production_server, smtp_server  # noqa: E402

HTTPS = {"X-Forwarded-Proto": "https", "Connection": "close"}


def phone_sending_slowly(url: str, token: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    origin = url.replace("http://", "https://")
    phone = socket.create_connection((host, int(port)))
    phone.sendall(
        (
            "POST /sign-in/ HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000\r\n"
            "X-Forwarded-Proto: https\r\n"
            f"Origin: {origin}\r\n"
            f"Referer: {origin}/sign-in/\r\n"
            f"Cookie: csrftoken={token}\r\n\r\n"
            "email=a%40example.com&x="
        ).encode()
    )
    return phone


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=8)
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_server() as (_, smtp_port),
        production_server(Path(tmp), smtp_port) as server,
    ):
        token = requests.get(server.url + "/sign-in/", headers=HTTPS).cookies[
            "csrftoken"
        ]
        phones = [phone_sending_slowly(server.url, token) for _ in range(args.phones)]
        time.sleep(1)  # every phone's request is in, reading its body
        times, refused = [], 0
        for _ in range(args.n):
            started = time.perf_counter()
            try:
                requests.get(server.url + "/", headers=HTTPS, timeout=5)
            except requests.RequestException:
                refused += 1
            times.append((time.perf_counter() - started) * 1000)
        for phone in phones:
            phone.close()
    print(
        f"{args.phones} phones sending slowly: landing page p50 "
        f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms, "
        f"{refused} of {args.n} not answered within 5 s"
    )


if __name__ == "__main__":
    main()
