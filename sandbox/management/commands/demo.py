"""Load the demo data into the sandbox and print an admin login for the local run."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sandbox.clinic_site import DEMO_SITE_PORT, demo_site_origin
from sandbox.demo import (
    allow_demo_site,
    connect_webhooks,
    link_demo_patients,
    load_demo_configuration,
)
from sandbox.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Load (or refresh) the sandbox demo data and the demo clinic configuration, "
        "and print a working admin login."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--site-port",
            type=int,
            default=DEMO_SITE_PORT,
            help="the port manage.py demo_site serves the clinic's website on",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.VSEE_SANDBOX_ENABLED:
            raise CommandError(
                "The demo lives in the VSee sandbox, which is off (VSEE_SANDBOX_ENABLED=False)."
            )
        link_demo_patients(linked=False)  # the seed finds its own patients again
        seed_demo()
        room = load_demo_configuration()
        link_demo_patients()
        site = demo_site_origin(options["site_port"])
        allow_demo_site(site)
        connect_webhooks(f"http://127.0.0.1:{settings.PORT}")
        # A fresh password each run unless one is given: nothing guessable on a shared machine.
        password = os.getenv("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.com"}
        )
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(password)
        admin.save()
        port = settings.PORT
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Demo room {room.code!r} ({room.display_name}) is ready in the sandbox.",
                    f"  Portal:  http://127.0.0.1:{port}/",
                    f"  Admin:   http://127.0.0.1:{port}/admin/",
                    f"  Clinic website with the portal embedded: {site}/",
                    "  Login:   admin",
                    f"  Password: {password}",
                    "",
                ]
            )
        )
