"""Serve the demo clinic's own website, with the portal embedded in it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox.clinic_site import serve


class Command(BaseCommand):
    help = "Serve a sample clinic website embedding the portal (http://localhost:8001)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--portal",
            default=f"http://127.0.0.1:{settings.PORT}",
            help="the portal's origin",
        )

    def handle(self, *args: Any, port: int, portal: str, **options: Any) -> None:
        server = serve(portal, port=port)
        self.stdout.write(
            f"Demo clinic website: http://localhost:{port}/ (portal {portal})"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.shutdown()
