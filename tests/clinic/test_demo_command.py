from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.sandbox.models import SandboxRoom


@pytest.mark.django_db
class TestDemoCommand:
    def _run(self) -> str:
        out = StringIO()
        call_command("demo", stdout=out)
        return out.getvalue()

    def test_it_prints_an_admin_login_that_works(self, client):
        output = self._run()
        password = re.search(r"Password: (\S+)", output).group(1)
        assert client.login(username="admin", password=password)
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/sandbox/sandboxfault/").status_code == 200

    def test_it_can_run_twice_and_the_new_password_replaces_the_old(self, client):
        first = re.search(r"Password: (\S+)", self._run()).group(1)
        second = re.search(r"Password: (\S+)", self._run()).group(1)
        assert SandboxRoom.objects.filter(code="demo-room").count() == 1
        assert not client.login(username="admin", password=first)
        assert client.login(username="admin", password=second)

    def test_it_refuses_when_the_sandbox_is_off(self, settings):
        settings.VSEE_SANDBOX_ENABLED = False
        with pytest.raises(CommandError, match="sandbox"):
            self._run()
