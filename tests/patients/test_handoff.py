"""Signed hand-off from the clinic's website, through the views, against the live sandbox.

Tokens are made by the very code the README gives clinics, extracted and run here, so
the documentation and the portal cannot drift apart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portal.clinic.embedding import EmbeddingSettings
from portal.clinic.models import AuditEvent, HandoffSecret
from portal.patients.handoff import HandoffError, verify_handoff
from portal.patients.models import UsedHandoffNonce
from portal.vsee.client import VSeeClient
from portal.vsee.service import current_patient
from sandbox.models import SandboxUser
from tests.conftest import spy

DOC = Path(__file__).resolve().parents[2] / "README.md"
URL = "/sign-in/handoff/"
PATIENT = {
    "pid": "clinic-4711",
    "first_name": "Hana",
    "last_name": "Mori",
    "dob": "1979-05-06",
    "email": "hana.mori@example.com",
    "phone": "+1 212 555 0147",
}


def doc_example() -> dict[str, Any]:
    """Run the Python block between the markers in the README and return its names."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- handoff-example:start -->\s*```python\n(.*?)```\s*<!-- handoff-example:end -->",
        text,
        re.S,
    )
    assert match, "the README lost its example markers"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOC), "exec"), namespace)
    return namespace


EXAMPLE = doc_example()
make_handoff_token = EXAMPLE["make_handoff_token"]
sign_handoff = EXAMPLE["sign_handoff"]
b64url = EXAMPLE["b64url"]


def token_for(secret: str, **patient: Any) -> str:
    """A token made exactly as the doc says, for PATIENT with any details changed."""
    return make_handoff_token(secret, {**PATIENT, **patient})


def claims(
    *, drop: tuple[str, ...] = (), now: float | None = None, **changes: Any
) -> dict[str, Any]:
    """Claims as make_handoff_token makes them, with some changed or left out."""
    now = int(time.time() if now is None else now)
    base = {
        **PATIENT,
        "iat": now,
        "exp": now + 120,
        "nonce": f"nonce-{time.perf_counter_ns()}-abcdefgh",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if k not in drop}


def failures() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="sign_in_failed")
        .order_by("pk")
        .values_list("detail", flat=True)
    )


@pytest.fixture
def secret(vsee_live) -> str:
    return HandoffSecret.rotate()


CLINIC_SITE = "https://www.clinic.example"


@pytest.fixture
def hand_off(client):
    """Post a token as a browser does from the portal's own hand-off page."""

    def post(token: str, next_path: str | None = None, **headers: str):
        data = {"token": token}
        if next_path is not None:
            data["next"] = next_path
        return client.post(
            URL, data, headers={"Origin": "http://testserver", **headers}
        )

    return post


@pytest.fixture
def clinic_site(vsee_live) -> str:
    """The clinic's website, listed under Embedding in admin."""
    settings_row = EmbeddingSettings.load()
    settings_row.allowed_origins = CLINIC_SITE
    settings_row.save()
    return CLINIC_SITE


def refused(response, reason: str) -> str:
    page = response.content.decode()
    assert response.status_code == 400, page[:500]
    assert "This sign-in link didn't work" in page
    assert 'href="/sign-in/?next=' in page  # the way in by email instead
    assert failures()[-1] == f"handoff:{reason}"
    return page


class TestAGoodToken:
    def test_it_signs_the_patient_in_with_vsee_and_goes_to_next(
        self, client, secret, hand_off
    ):
        before = client.session.session_key
        r = hand_off(token_for(secret), "/rooms/demo-room/walkin/")
        assert r.status_code == 302
        assert r["Location"] == "/rooms/demo-room/walkin/"
        assert "portal_signed_in" in r.cookies
        patient = current_patient(client.session)
        assert patient is not None and patient.type == 200 and not patient.is_guest
        user = SandboxUser.objects.get(code=PATIENT["pid"])
        assert str(user.pk) == patient.member_id
        assert user.type == SandboxUser.PATIENT
        assert (user.first_name, user.last_name) == ("Hana", "Mori")
        assert user.dob.isoformat() == "1979-05-06"
        assert user.email == PATIENT["email"] and user.phone == PATIENT["phone"]
        assert client.session.session_key != before
        assert AuditEvent.objects.filter(action="signed_in").count() == 1

    @pytest.mark.parametrize(
        "next_path",
        [
            None,
            "",
            "https://evil.example/",
            "//evil.example/x",
            "/\t/evil.example/",
            "/\r\nSet-Cookie: x=1",
        ],
    )
    def test_it_goes_only_to_the_portal_s_own_pages(self, secret, hand_off, next_path):
        r = hand_off(token_for(secret), next_path)
        assert r.status_code == 302 and r["Location"] == "/"

    def test_the_same_pid_is_the_same_vsee_patient_next_time(
        self, client, secret, hand_off
    ):
        hand_off(token_for(secret))
        first = current_patient(client.session).member_id
        client.post("/sign-out/")
        # Letter case and spacing are not a different person.
        hand_off(token_for(secret, first_name=" hana ", email=None))
        assert current_patient(client.session).member_id == first
        assert SandboxUser.objects.filter(code=PATIENT["pid"]).count() == 1
        user = SandboxUser.objects.get(code=PATIENT["pid"])
        assert user.first_name == "Hana"  # as first recorded

    @pytest.mark.parametrize(
        "change",
        [{"first_name": "Hanako"}, {"last_name": "Sato"}, {"dob": "1979-05-07"}],
    )
    def test_the_same_pid_as_someone_else_is_refused_and_audited(
        self, client, secret, hand_off, change, monkeypatch
    ):
        hand_off(token_for(secret))
        client.post("/sign-out/")
        calls = spy(monkeypatch, VSeeClient, "user_sso")
        r = hand_off(token_for(secret, **change))
        page = refused(r, "identity_mismatch")
        assert "doesn't match the patient record" in page
        assert current_patient(client.session) is None and calls == []
        user = SandboxUser.objects.get(code=PATIENT["pid"])
        assert (user.first_name, user.last_name, user.dob.isoformat()) == (
            "Hana",
            "Mori",
            "1979-05-06",
        )
        event = AuditEvent.objects.filter(detail="handoff:identity_mismatch").get()
        assert "Hana" not in str(event.__dict__) and "1979" not in str(event.__dict__)

    def test_email_and_phone_are_optional(self, client, secret, hand_off):
        token = make_handoff_token(
            secret,
            {k: PATIENT[k] for k in ("pid", "first_name", "last_name", "dob")},
        )
        assert hand_off(token).status_code == 302
        assert current_patient(client.session) is not None

    def test_the_clinic_s_site_needs_no_csrf_cookie(self, secret, clinic_site):
        strict = Client(enforce_csrf_checks=True)
        r = strict.post(
            URL, {"token": token_for(secret)}, headers={"Origin": clinic_site}
        )
        assert r.status_code == 302
        assert current_patient(strict.session) is not None

    def test_a_token_within_the_clock_skew_still_works(self, secret, hand_off):
        now = int(time.time())
        token = sign_handoff(secret, claims(iat=now - 100, exp=now - 20))
        assert hand_off(token).status_code == 302


class TestABadToken:
    def test_one_signed_with_another_secret_is_refused(self, secret, hand_off):
        refused(hand_off(token_for("not-the-clinic-s-secret")), "bad_signature")

    def test_a_tampered_payload_is_refused(self, client, secret, hand_off):
        signature = token_for(secret).split(".")[1]
        forged = b64url(json.dumps(claims(pid="someone-else")).encode())
        refused(hand_off(f"{forged}.{signature}"), "bad_signature")
        assert current_patient(client.session) is None

    def test_an_expired_one_says_to_ask_for_a_new_link(self, secret, hand_off):
        now = int(time.time())
        token = sign_handoff(secret, claims(iat=now - 200, exp=now - 31))
        page = refused(hand_off(token), "expired")
        assert "has expired" in page and "ask it for a new link" in page

    def test_one_that_lives_longer_than_five_minutes_is_refused(self, secret, hand_off):
        now = int(time.time())
        token = sign_handoff(secret, claims(iat=now, exp=now + 301))
        refused(hand_off(token), "lifetime_too_long")

    def test_one_made_in_the_future_is_refused(self, secret, hand_off):
        now = int(time.time())
        token = sign_handoff(secret, claims(iat=now + 60, exp=now + 120))
        refused(hand_off(token), "not_yet_valid")

    @pytest.mark.parametrize(
        "token",
        ["", "garbage", "no-dot-here", "a.b.c", "!!!.???", "eyJ9.", ".c2ln", "YQ==.YQ"],
    )
    def test_a_malformed_one_is_refused(self, secret, hand_off, token):
        refused(hand_off(token), "malformed")

    def test_an_unsigned_jwt_style_token_is_refused(self, client, secret, hand_off):
        # "alg": "none": our format has no header to choose an algorithm with.
        header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        payload = b64url(json.dumps(claims()).encode())
        for token in (f"{header}.{payload}.", f"{payload}.", f"{header}.{payload}"):
            assert hand_off(token).status_code == 400
        assert len(failures()) == 3
        assert set(failures()) <= {"handoff:malformed", "handoff:bad_signature"}
        assert current_patient(client.session) is None

    def test_every_truncation_of_a_good_token_is_refused(
        self, client, secret, hand_off, settings
    ):
        settings.HANDOFFS_PER_IP = 1000  # this test alone makes more than the limit
        token = token_for(secret)
        for length in range(0, len(token), 7):
            assert hand_off(token[:length]).status_code == 400, length
        assert current_patient(client.session) is None
        assert hand_off(token).status_code == 302  # none of them used it up

    @pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
    def test_a_signed_payload_that_is_not_a_json_object_is_malformed(
        self, secret, hand_off, body
    ):
        payload = b64url(body)
        mac = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
        refused(hand_off(f"{payload}.{b64url(mac)}"), "malformed")

    @pytest.mark.parametrize(
        "missing", ["pid", "first_name", "last_name", "dob", "iat", "exp", "nonce"]
    )
    def test_one_missing_a_claim_is_refused(self, secret, hand_off, missing):
        token = sign_handoff(secret, claims(drop=(missing,)))
        refused(hand_off(token), "missing_claims")

    @pytest.mark.parametrize(
        "change",
        [
            {"pid": "x" * 65},
            {"pid": 4711},
            {"pid": " 4711"},
            {"pid": ""},
            {"first_name": ""},
            {"first_name": "   "},
            {"last_name": "x" * 51},
            {"last_name": "Mo\x07ri"},
            {"dob": "1979-02-30"},
            {"dob": "2999-01-01"},
            {"dob": "06/05/1979"},
            {"dob": "1800-01-01"},
            {"email": "not-an-email"},
            {"phone": "call me"},
            {"nonce": "too-short"},
            {"iat": "now"},
            {"exp": True},
        ],
        ids=lambda change: f"{next(iter(change))}",
    )
    def test_one_with_bad_claims_is_refused(self, secret, hand_off, change):
        refused(hand_off(sign_handoff(secret, claims(**change))), "bad_claims")

    def test_a_used_token_is_refused_the_second_time(self, client, secret, hand_off):
        token = token_for(secret)
        assert hand_off(token).status_code == 302
        client.post("/sign-out/")
        page = refused(hand_off(token), "replayed")
        assert "already used" in page
        assert current_patient(client.session) is None
        assert UsedHandoffNonce.objects.count() == 1


class TestSecrets:
    def test_the_old_secret_works_within_the_grace_period_after_rotation(
        self, secret, hand_off
    ):
        token = token_for(secret)
        HandoffSecret.rotate()
        assert hand_off(token).status_code == 302

    def test_the_old_secret_is_refused_after_the_grace_period(
        self, secret, hand_off, settings
    ):
        HandoffSecret.rotate()
        HandoffSecret.objects.filter(secret=secret).update(
            retired_at=timezone.now()
            - timedelta(hours=settings.HANDOFF_SECRET_GRACE_HOURS, minutes=1)
        )
        refused(hand_off(token_for(secret)), "bad_signature")

    def test_without_any_secret_nothing_is_accepted(self, vsee_live, hand_off):
        assert not HandoffSecret.objects.exists()
        page = refused(hand_off(token_for("anything")), "not_configured")
        assert "let the clinic know" in page


class TestTheTokenStaysOutOfUrls:
    def test_a_token_in_the_query_string_is_refused_unchecked(
        self, client, secret, caplog
    ):
        caplog.set_level(logging.DEBUG)
        token = token_for(secret)
        r = client.get(f"{URL}?token={token}")
        page = r.content.decode()
        assert r.status_code == 400
        assert "set up the wrong way" in page
        assert "/sign-in/handoff/#&lt;token&gt;" in page and "named <code>token" in page
        assert token not in page
        assert not UsedHandoffNonce.objects.exists()  # never verified
        assert current_patient(client.session) is None
        assert failures() == ["handoff:token_in_query"]
        payload = token.split(".")[0]
        assert all(payload not in r.getMessage() for r in caplog.records)

    def test_the_link_page_posts_the_fragment_with_a_script_file(
        self, client, vsee_live
    ):
        r = client.get(f"{URL}?next=/rooms/demo-room/walkin/")
        page = r.content.decode()
        assert r.status_code == 200
        assert 'src="/static/handoff.js"' in page
        assert 'id="handoff-form" method="post" action="/sign-in/handoff/"' in page
        assert 'name="next" value="/rooms/demo-room/walkin/"' in page
        assert "<noscript>" in page and "turn on JavaScript" in page


class TestFromAnotherSite:
    """Login CSRF: a hostile page posting the attacker's own valid token."""

    def test_a_site_not_listed_under_embedding_is_refused_and_the_token_kept(
        self, client, secret, hand_off, clinic_site
    ):
        token = token_for(secret)
        page = refused(hand_off(token, Origin="https://evil.example"), "bad_origin")
        assert "didn't come from your clinic's website" in page.replace("&#x27;", "'")
        assert current_patient(client.session) is None
        assert not UsedHandoffNonce.objects.exists()
        assert hand_off(token, Origin=clinic_site).status_code == 302

    def test_a_post_that_names_no_site_is_refused(self, secret, hand_off):
        r = hand_off(token_for(secret), Origin="")
        refused(r, "bad_origin")

    def test_without_origin_the_referer_decides(self, client, secret, clinic_site):
        r = client.post(
            URL,
            {"token": token_for(secret)},
            headers={"Origin": "null", "Referer": f"{clinic_site}/patients/portal"},
        )
        assert r.status_code == 302
        r = client.post(
            URL,
            {"token": token_for(secret)},
            headers={"Origin": "null", "Referer": "https://evil.example/x"},
        )
        refused(r, "bad_origin")

    def test_a_lookalike_of_the_listed_site_is_refused(
        self, secret, hand_off, clinic_site
    ):
        refused(
            hand_off(token_for(secret), Origin=clinic_site + ".evil.example"),
            "bad_origin",
        )


class TestSomeoneElseIsSignedIn:
    @pytest.fixture
    def ada_with_a_draft(self, patient_client):
        from tests.booking.test_intake import ANSWERS

        assert (
            patient_client.post("/rooms/demo-room/walkin/", ANSWERS).status_code == 302
        )
        return patient_client

    def test_it_asks_instead_of_replacing_the_session(
        self, ada_with_a_draft, secret, hand_off
    ):
        client = ada_with_a_draft
        ada = current_patient(client.session).member_id
        r = hand_off(token_for(secret), "/visits/")
        page = r.content.decode()
        assert r.status_code == 200
        assert "<h1>Continue as Ada?</h1>" in page
        assert "Hana" not in page and "Mori" not in page
        assert "no-store" in r["Cache-Control"]
        assert current_patient(client.session).member_id == ada
        assert client.session["booking.draft"]["answers"]["reason_for_visit"]

    def test_continuing_keeps_the_patient_and_their_draft(
        self, ada_with_a_draft, secret, hand_off
    ):
        client = ada_with_a_draft
        ada = current_patient(client.session).member_id
        hand_off(token_for(secret), "/visits/")
        r = client.post(
            "/sign-in/handoff/confirm/", {"choice": "stay", "next": "/visits/"}
        )
        assert (r.status_code, r["Location"]) == (302, "/visits/")
        assert current_patient(client.session).member_id == ada
        assert "booking.draft" in client.session
        assert failures()[-1] == "handoff:declined"

    def test_switching_signs_in_the_other_person_with_nothing_of_the_first(
        self, ada_with_a_draft, secret, hand_off
    ):
        client = ada_with_a_draft
        hand_off(token_for(secret), "/visits/")
        r = client.post("/sign-in/handoff/confirm/", {"choice": "switch", "next": "/"})
        assert (r.status_code, r["Location"]) == (302, "/visits/")
        hana = SandboxUser.objects.get(code=PATIENT["pid"])
        assert current_patient(client.session).member_id == str(hana.pk)
        assert "booking.draft" not in client.session

    def test_the_choice_needs_the_portal_s_own_csrf_token(self, secret, patient_client):
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = patient_client.cookies
        strict.post(
            URL, {"token": token_for(secret)}, headers={"Origin": "http://testserver"}
        )
        r = strict.post("/sign-in/handoff/confirm/", {"choice": "switch"})
        assert r.status_code == 403
        assert "patients.held_handoff" in patient_client.session

    def test_the_same_patient_again_is_simply_signed_in(self, client, secret, hand_off):
        hand_off(token_for(secret))
        first = current_patient(client.session).member_id
        r = hand_off(token_for(secret), "/visits/")
        assert (r.status_code, r["Location"]) == (302, "/visits/")
        assert current_patient(client.session).member_id == first


class TestVSeeDown:
    def test_it_says_so_and_the_same_token_works_afterwards(
        self, client, secret, hand_off, settings
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "users.sso", "error_rate": 1.0, "status": 503}
        ]
        token = token_for(secret)
        r = hand_off(token, "/rooms/demo-room/walkin/")
        page = r.content.decode()
        assert r.status_code == 503
        assert "try again in a moment" in page and ">Try again</button>" in page
        assert "no-store" in r["Cache-Control"]
        assert current_patient(client.session) is None
        assert AuditEvent.objects.filter(action="vsee_error").count() == 1
        assert not UsedHandoffNonce.objects.exists()  # not used up

        settings.SANDBOX_FAULTS = []
        r = hand_off(token, "/rooms/demo-room/walkin/")  # what "Try again" posts
        assert r.status_code == 302 and r["Location"] == "/rooms/demo-room/walkin/"
        assert current_patient(client.session) is not None
        refused(hand_off(token), "replayed")

    def test_vsee_refusing_the_details_is_not_a_try_again(
        self, secret, hand_off, settings
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "users.sso", "error_rate": 1.0, "status": 400}
        ]
        r = hand_off(token_for(secret))
        page = r.content.decode()
        assert r.status_code == 502
        assert "didn't accept the details" in page and "Try again" not in page


class TestNoPhi:
    MARKERS = {
        "pid": "PIDMARK-93x",
        "first_name": "Zyxhandfirst",
        "last_name": "Qwhandlast",
        "dob": "1911-11-12",
        "email": "phi.handoff.zz@example.com",
        "phone": "212 555 0177",
    }

    def test_no_detail_of_the_token_reaches_the_audit_log_or_the_logs(
        self, client, secret, hand_off, caplog, settings
    ):
        caplog.set_level(logging.DEBUG)
        good = make_handoff_token(secret, self.MARKERS)
        now = int(time.time())
        expired = sign_handoff(
            secret,
            {**self.MARKERS, "iat": now - 200, "exp": now - 100, "nonce": "n" * 20},
        )
        bad = make_handoff_token("wrong", self.MARKERS)
        tokens = [good, expired, bad]

        client.get(f"{URL}?token={good}")
        settings.SANDBOX_FAULTS = [{"endpoint": "users.sso", "error_rate": 1.0}]
        assert hand_off(good).status_code == 503
        settings.SANDBOX_FAULTS = []
        assert hand_off(good).status_code == 302
        assert hand_off(good).status_code == 400
        assert hand_off(expired).status_code == 400
        assert hand_off(bad).status_code == 400

        audit_rows = " ".join(
            " ".join(str(v) for v in row)
            for row in AuditEvent.objects.values_list(
                "action", "outcome", "room_code", "visit_id", "patient_ref", "detail"
            )
        )
        logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
        assert logs, "the flow should have logged something to search"
        needles = [*self.MARKERS.values(), *(t.split(".")[0][:40] for t in tokens)]
        for needle in needles:
            assert needle not in audit_rows, needle
            assert needle not in logs, needle


class TestVerifyHandoff:
    """The checker itself, at chosen moments (no clock is waited on)."""

    def test_it_returns_the_claims_and_keeps_phi_out_of_repr(self, db):
        secret = HandoffSecret.rotate()
        handoff = verify_handoff(token_for(secret, first_name="  Hana   Mari "))
        assert (handoff.pid, handoff.first_name, handoff.dob) == (
            "clinic-4711",
            "Hana Mari",
            "1979-05-06",
        )
        assert "Hana" not in repr(handoff) and "clinic-4711" not in repr(handoff)

    @pytest.mark.parametrize(
        ("iat", "exp", "at", "reason"),
        [
            (1000, 1300, 1000, None),  # exactly five minutes
            (1000, 1301, 1000, "lifetime_too_long"),
            (1000, 1100, 1130, None),  # 30 s late is still in time
            (1000, 1100, 1131, "expired"),
            (1030, 1100, 1000, None),  # 30 s ahead is still fine
            (1031, 1100, 1000, "not_yet_valid"),
            (1100, 1000, 1000, "bad_claims"),
        ],
    )
    def test_time_limits(self, db, iat, exp, at, reason):
        secret = HandoffSecret.rotate()
        token = sign_handoff(secret, claims(iat=iat, exp=exp, dob="1950-01-01"))
        if reason is None:
            assert verify_handoff(token, now=at).iat == iat
        else:
            with pytest.raises(HandoffError) as caught:
                verify_handoff(token, now=at)
            assert caught.value.reason == reason

    def test_used_nonces_are_forgotten_once_their_token_could_not_pass(self, db):
        secret = HandoffSecret.rotate()
        stale = UsedHandoffNonce.objects.create(
            digest="0" * 64, expires_at=timezone.now() - timedelta(seconds=1)
        )
        verify_handoff(token_for(secret))
        assert not UsedHandoffNonce.objects.filter(pk=stale.pk).exists()
        assert UsedHandoffNonce.objects.count() == 1

    def test_a_padded_token_is_malformed(self, db):
        secret = HandoffSecret.rotate()
        payload, signature = token_for(secret).split(".")
        with pytest.raises(HandoffError) as caught:
            verify_handoff(f"{payload}.{signature}=")
        assert caught.value.reason == "malformed"

    def test_the_doc_example_makes_exactly_this_format(self):
        token = make_handoff_token("s3cret", PATIENT)
        payload, signature = token.split(".")
        assert "=" not in token
        raw = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert raw["exp"] - raw["iat"] <= 300 and len(raw["nonce"]) >= 16
        expected = hmac.new(b"s3cret", payload.encode("ascii"), hashlib.sha256)
        assert b64url(expected.digest()) == signature


class TestTheExchangeForANewTab:
    """A frame whose browser keeps no cookies trades the token for a one-time code."""

    EXCHANGE = "/sign-in/handoff/exchange/"

    def exchange(self, client, token: str, **headers: str):
        return client.post(
            self.EXCHANGE,
            {"token": token, "next": "/rooms/demo-room/walkin/"},
            headers={"Origin": "http://testserver", **headers},
        )

    def test_the_code_signs_in_once_and_no_address_carries_the_patient(
        self, client, secret
    ):
        r = self.exchange(client, token_for(secret))
        url = r.json()["url"]
        assert url.startswith("/sign-in/handoff/continue/?code=")
        for phi in ("Hana", "Mori", "1979", PATIENT["pid"], PATIENT["email"]):
            assert phi not in url
        assert current_patient(client.session) is None  # not signed in in the frame
        # The new tab asks first: a link can reach anyone, who must see whose it is.
        r = client.get(url)
        assert r.status_code == 200 and "Continue as Hana?" in r.content.decode()
        assert current_patient(client.session) is None
        code = url.split("code=")[1].split("&")[0]
        form = {"code": code, "next": "/rooms/demo-room/walkin/"}
        r = client.post("/sign-in/handoff/continue/", form)
        assert r["Location"] == "/rooms/demo-room/walkin/"
        assert current_patient(client.session) is not None
        client.post("/sign-out/")
        refused(client.get(url), "expired")  # once only
        refused(client.post("/sign-in/handoff/continue/", form), "expired")

    def test_it_expires_after_two_minutes(self, client, secret, monkeypatch):
        url = self.exchange(client, token_for(secret)).json()["url"]
        code = url.split("code=")[1].split("&")[0]
        later = time.time() + 121
        monkeypatch.setattr("portal.patients.handoff.time.time", lambda: later)
        refused(client.get(url), "expired")
        refused(client.post("/sign-in/handoff/continue/", {"code": code}), "expired")
        assert current_patient(client.session) is None

    @pytest.mark.parametrize("code", ["", "x" * 200, "not a code!", "abc"])
    def test_an_odd_code_is_refused_plainly(self, client, secret, code):
        refused(client.get("/sign-in/handoff/continue/", {"code": code}), "expired")

    def test_it_takes_tokens_only_from_listed_sites(self, client, secret):
        r = self.exchange(client, token_for(secret), Origin="https://evil.example")
        refused(r, "bad_origin")

    def test_a_token_for_someone_else_s_pid_is_refused_there_too(self, client, secret):
        url = self.exchange(client, token_for(secret)).json()["url"]
        code = url.split("code=")[1].split("&")[0]
        client.post("/sign-in/handoff/continue/", {"code": code})
        client.post("/sign-out/")
        r = self.exchange(client, token_for(secret, dob="1979-05-07"))
        refused(r, "identity_mismatch")
