"""Settings come from the environment: checked in a fresh interpreter, as a deployment starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import django; django.setup(); from django.conf import settings as s; print(s.VSEE_SANDBOX_ENABLED, repr(s.VSEE_API_BASE_URL))"


def _run(
    code: str, *, argv: list[str] | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run Python (`-c code`, or `argv`) with only the given portal variables set."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VSEE_", "SANDBOX_", "DEBUG", "SECRET_KEY", "PATIENT_"))
    }
    base.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    args = [sys.executable, *(argv or ["-c", code])]
    return subprocess.run(
        args, cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


class TestSettingsFromTheEnvironment:
    def test_it_uses_the_sandbox_when_nothing_is_set(self):
        result = _run(PROBE)
        assert result.stdout.strip() == "True 'http://127.0.0.1:8000/sandbox/api_v3'"

    def test_it_keeps_the_sandbox_off_when_debug_is_off(self):
        result = _run(
            PROBE,
            DEBUG="False",
            SECRET_KEY="x" * 50,
            PATIENT_CODE_KEY="p" * 40,
            PATIENT_DATA_KEYS="d" * 40,
        )
        assert result.stdout.strip() == "False ''"

    def test_it_turns_the_sandbox_on_with_debug_off_only_when_asked(self):
        result = _run(
            PROBE,
            DEBUG="False",
            SECRET_KEY="x" * 50,
            PATIENT_CODE_KEY="p" * 40,
            PATIENT_DATA_KEYS="d" * 40,
            VSEE_SANDBOX_ENABLED="True",
        )
        assert result.stdout.startswith("True")

    def test_it_talks_to_the_server_the_environment_names(self):
        result = _run(PROBE, VSEE_API_BASE_URL="https://api-acme.vsee.me/api_v3")
        assert result.stdout.strip() == "True 'https://api-acme.vsee.me/api_v3'"

    def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(self):
        result = _run(PROBE, DEBUG="False")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr

    def test_it_refuses_to_start_without_a_patient_code_key_when_debug_is_off(self):
        # Changing it later would lose every patient's history, so no silent default.
        result = _run(PROBE, DEBUG="False", SECRET_KEY="x" * 50)
        assert result.returncode != 0
        assert "PATIENT_CODE_KEY must be set" in result.stderr

    def test_it_refuses_to_start_without_a_patient_data_key_when_debug_is_off(self):
        # What recognises returning patients is encrypted under it: no silent default.
        result = _run(PROBE, DEBUG="False", SECRET_KEY="x" * 50, PATIENT_CODE_KEY="p")
        assert result.returncode != 0
        assert "PATIENT_DATA_KEYS must be set" in result.stderr

    def test_it_refuses_a_boolean_it_cannot_read(self):
        result = _run(PROBE, DEBUG="maybe")
        assert "DEBUG must be True or False" in result.stderr

    def test_its_system_check_names_the_missing_vsee_variable(self):
        result = _run(
            "",
            argv=["manage.py", "check"],
            DEBUG="False",
            SECRET_KEY="x" * 50,
            PATIENT_CODE_KEY="p" * 40,
            PATIENT_DATA_KEYS="d" * 40,
            ALLOWED_HOSTS="x",
        )
        assert result.returncode != 0
        assert "VSEE_API_BASE_URL is not set" in result.stderr

    def test_the_idle_sign_out_time_comes_from_the_environment(self):
        code = "import django; django.setup(); from django.conf import settings as s; print(s.SESSION_COOKIE_AGE, s.SESSION_ENGINE)"
        assert _run(code).stdout.strip() == "1800 portal.sessions"
        assert (
            _run(code, SESSION_IDLE_MINUTES="5").stdout.strip() == "300 portal.sessions"
        )


PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x" * 50,
    "PATIENT_CODE_KEY": "p" * 40,
    "PATIENT_DATA_KEYS": "d" * 40,
    "ALLOWED_HOSTS": "portal.example.org",
    "VSEE_API_BASE_URL": "https://api-acme.vsee.me/api_v3",
    "VSEE_ACCOUNT_CODE": "acme",
    "VSEE_API_KEY": "k",
    "VSEE_API_SECRET": "s",
    "VSEE_CLINIC_URL": "https://acme.vsee.me/",
}

NO_SANDBOX_PROBE = """
import django
django.setup()
from django.apps import apps
from django.contrib import admin
from django.urls import Resolver404, resolve
try:
    resolve("/sandbox/api_v3/users/sso")
    routed = True
except Resolver404:
    routed = False
registered = sorted({m._meta.app_label for m in admin.site._registry})
print(apps.is_installed("sandbox"), routed, "sandbox" in registered)
"""


class TestAProductionDeploymentHasNoSandbox:
    """The stand-in VSee is for the local run and the tests: a clinic's portal never has it."""

    def test_it_is_neither_installed_nor_routed_nor_in_admin(self):
        result = _run(NO_SANDBOX_PROBE, **PRODUCTION)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "False False False"

    def test_its_migrations_and_tables_are_absent(self, tmp_path):
        env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
        migrated = _run("", argv=["manage.py", "migrate", "--no-input"], **env)
        assert migrated.returncode == 0, migrated.stderr
        listed = _run("", argv=["manage.py", "showmigrations"], **env)
        assert listed.returncode == 0, listed.stderr
        assert "patients" in listed.stdout  # the listing itself worked
        assert "sandbox" not in listed.stdout
        tables = _run(
            "import django; django.setup(); from django.db import connection;"
            " print(' '.join(connection.introspection.table_names()))",
            **env,
        ).stdout.split()
        assert "django_session" in tables
        assert not [t for t in tables if t.startswith("sandbox")]

    def test_the_demo_command_is_not_there_either(self):
        result = _run("", argv=["manage.py", "demo"], **PRODUCTION)
        assert result.returncode != 0
        assert "Unknown command: 'demo'" in result.stderr

    def test_the_local_run_has_it(self):
        result = _run(NO_SANDBOX_PROBE)
        assert result.stdout.strip() == "True True True"
