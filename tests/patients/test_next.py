"""Every next= value keeps the patient on the portal (portal/patients/signin.py: safe_next),
whatever it holds: hosts, schemes, backslashes, control characters, encodings."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.patients.signin import safe_next

HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    " //evil.example/",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "\x00//evil.example",
    "//testserver@evil.example/",
    "http://testserver/",
]
# Characters that make URLs tricky, mixed with ordinary ones.
TRICKY = st.text(
    st.sampled_from(list("/\\:@.%?#&= \t\r\nevil.xampleEVIL0123") + ["\x00", "\u3002"]),
    max_size=30,
)


def assert_on_the_portal(value: str) -> None:
    target = safe_next(RequestFactory().get("/"), value)
    # As a browser resolves it against the portal's own address.
    resolved = urlsplit(urljoin("https://portal.example/", target.replace("\\", "/")))
    assert resolved.scheme == "https" and resolved.netloc == "portal.example", (
        value,
        target,
    )
    assert not any(c in target for c in "\t\r\n\x00"), (value, target)


@pytest.mark.parametrize("value", HOSTILE)
def test_known_tricks_stay_on_the_portal(value):
    assert_on_the_portal(value)


@settings(max_examples=500, derandomize=True)
@given(value=st.one_of(TRICKY, st.text(max_size=60), st.sampled_from(HOSTILE)))
def test_any_value_stays_on_the_portal(value):
    assert_on_the_portal(value)


def test_our_own_paths_are_kept():
    request = RequestFactory().get("/")
    assert safe_next(request, "/visits/?past=10") == "/visits/?past=10"
