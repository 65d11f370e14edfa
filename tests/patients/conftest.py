from __future__ import annotations

import re

import pytest

from tests.conftest import ADA

DETAILS = {"email": "Ada.Lovelace@Example.com "}
WHO = {k: ADA[k] for k in ("first_name", "last_name", "dob")}


def code_from(mailoutbox) -> str:
    return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)


@pytest.fixture
def ask_for_code(client, mailoutbox):
    """Submit the sign-in form and return the emailed code."""

    def ask(next_path: str = "/", **overrides: str) -> str:
        r = client.post("/sign-in/", {**DETAILS, "next": next_path, **overrides})
        assert r.status_code == 302, r.content.decode()[:500]
        return code_from(mailoutbox)

    return ask
