"""Serve the sandbox alone, as VSee would be: on its own port, with its own threads, and
as slow as asked. Benchmarks point the portal at it with VSEE_API_BASE_URL, so VSee's
latency waits in this server, not in the portal's own threads."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve only the sandbox's VSee API on its own port, every call delayed by "
        "--delay-ms (the portal then sets VSEE_API_BASE_URL to the address printed)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument(
            "--delay-ms", type=int, default=0, help="added to every API call"
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=128,
            help="calls it can hold at once (a slow VSee holds many)",
        )

    def handle(
        self, *args: Any, port: int, delay_ms: int, threads: int, **options: Any
    ) -> None:
        if not settings.VSEE_SANDBOX_ENABLED:
            raise CommandError(
                "The sandbox is off (VSEE_SANDBOX_ENABLED=False): there is nothing to serve."
            )
        if delay_ms < 0 or threads < 1:
            raise CommandError("--delay-ms must be 0 or more, --threads 1 or more.")
        env = {
            **os.environ,
            "SANDBOX_ONLY": "True",
            "SANDBOX_DELAY_MS": str(delay_ms),
        }
        self.stdout.write(
            f"Sandbox VSee API at http://127.0.0.1:{port}/sandbox/api_v3 "
            f"(every call {delay_ms} ms late; {threads} threads)",
        )
        self.stdout.flush()
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--timeout",
            "120",
        ]
        os.execve(sys.executable, gunicorn, env)
