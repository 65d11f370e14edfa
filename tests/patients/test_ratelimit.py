from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache import caches

from portal.clinic.models import AuditEvent
from portal.patients import ratelimit
from portal.patients.models import RateCounter
from sandbox.models import SandboxUser, SandboxVisit
from tests.booking.test_intake import ANSWERS
from tests.patients.test_guest import GUEST, WALKIN
from tests.patients.test_handoff import URL as HANDOFF
from tests.patients.test_handoff import token_for


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def pinned(monkeypatch) -> None:
    """Pin the clock mid-window: a test must not straddle two windows."""
    monkeypatch.setattr(ratelimit, "_now", lambda: 6030.0)


@pytest.mark.django_db
@pytest.mark.usefixtures("pinned")
class TestFixedWindow:
    def test_it_allows_the_limit_then_refuses(self):
        bucket = f"test:{uuid.uuid4()}"
        assert [ratelimit.hit(bucket, 3, 60) for _ in range(5)] == [
            True,
            True,
            True,
            False,
            False,
        ]

    @pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
    def test_with_redis_every_worker_shares_one_count(self, settings):
        # The scale-out configuration (REDIS_URL): two processes see the same counter,
        # here two separate cache connections standing in for two workers.
        settings.REDIS_URL = "redis://127.0.0.1:6379/15"
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": settings.REDIS_URL,
            }
        }
        bucket = f"test:{uuid.uuid4()}"
        assert ratelimit.hit(bucket, 2, 60)
        other_worker = caches.create_connection("default")
        assert ratelimit.hit(bucket, 2, 60)
        assert not ratelimit.hit(bucket, 2, 60)
        # The count lives in Redis, where another worker's connection reads it.
        window = int(6030.0 // 60)
        assert other_worker.get(f"ratelimit:{bucket}:{window}") == 3

    def test_a_new_window_starts_a_new_count(self, monkeypatch):
        bucket = f"test:{uuid.uuid4()}"
        assert ratelimit.hit(bucket, 1, 60) and not ratelimit.hit(bucket, 1, 60)
        monkeypatch.setattr(ratelimit, "_now", lambda: 6060.0)
        assert ratelimit.hit(bucket, 1, 60)

    def test_without_redis_the_count_is_in_the_database_under_a_keyed_hash(
        self, settings
    ):
        settings.REDIS_URL = ""
        assert ratelimit.hit("code-ip:203.0.113.9", 5, 60)
        assert ratelimit.hit("code-ip:203.0.113.9", 5, 60)
        (row,) = RateCounter.objects.all()
        assert row.count == 2 and "203.0.113.9" not in row.digest


def sign_in_failures() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="sign_in_failed")
        .order_by("pk")
        .values_list("detail", flat=True)
    )


class TestGuestSignIns:
    def test_one_address_gets_a_few_then_waits(self, client, vsee_live, settings):
        settings.GUEST_SIGN_INS_PER_IP = 2
        for _ in range(2):
            r = client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
            assert r.status_code == 302
        guests = SandboxUser.objects.filter(type=600).count()
        r = client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
        assert r.status_code == 429
        assert "Please wait a few minutes" in r.content.decode()
        assert SandboxUser.objects.filter(type=600).count() == guests  # none made
        assert sign_in_failures()[-1] == "guest:rate_limited_ip"

    def test_all_addresses_together_are_limited_too(self, client, vsee_live, settings):
        settings.GUEST_SIGN_INS_PER_WINDOW = 2
        for n in range(2):
            r = client.post(
                "/sign-in/guest/",
                {**GUEST, "next": WALKIN},
                REMOTE_ADDR=f"198.51.100.{n}",
            )
            assert r.status_code == 302
        r = client.post(
            "/sign-in/guest/", {**GUEST, "next": WALKIN}, REMOTE_ADDR="198.51.100.9"
        )
        assert r.status_code == 429
        assert sign_in_failures()[-1] == "guest:rate_limited_all"


class TestHandoffs:
    def test_one_address_gets_a_few_then_waits_and_the_token_is_kept(
        self, client, vsee_live, settings
    ):
        from portal.clinic.models import HandoffSecret

        secret = HandoffSecret.rotate()
        settings.HANDOFFS_PER_IP = 1
        own = {"Origin": "http://testserver"}
        assert (
            client.post(HANDOFF, {"token": token_for(secret)}, headers=own).status_code
            == 302
        )
        client.post("/sign-out/")
        token = token_for(secret)
        r = client.post(HANDOFF, {"token": token}, headers=own)
        assert r.status_code == 429
        assert sign_in_failures()[-1] == "handoff:rate_limited_ip"
        settings.HANDOFFS_PER_IP = 5
        assert client.post(HANDOFF, {"token": token}, headers=own).status_code == 302


class TestGuestVisits:
    def open_walkin(self, client) -> int:
        client.post("/sign-in/guest/", {**GUEST, "next": WALKIN})
        assert client.post(WALKIN, ANSWERS).status_code == 302
        return client.post("/rooms/demo-room/walkin/review/").status_code

    def test_a_guest_opens_a_few_walkins_then_waits(self, client, vsee_live, settings):
        settings.GUEST_VISITS_PER_GUEST = 1
        assert self.open_walkin(client) == 302
        visits = SandboxVisit.objects.count()
        r = self.open_walkin(client)
        assert r == 429
        assert SandboxVisit.objects.count() == visits
        failed = AuditEvent.objects.filter(action="visit_created", outcome="failure")
        assert failed.get().detail == "rate_limited"

    def test_one_address_is_limited_whoever_the_guests_are(
        self, client, vsee_live, settings
    ):
        settings.GUEST_VISITS_PER_IP = 1
        assert self.open_walkin(client) == 302
        client.post("/sign-out/")
        other = {**GUEST, "first_name": "Ada", "last_name": "Byron"}
        client.post("/sign-in/guest/", {**other, "next": WALKIN})
        assert client.post(WALKIN, ANSWERS).status_code == 302
        assert client.post("/rooms/demo-room/walkin/review/").status_code == 429

    def test_patients_who_signed_in_are_not_limited_here(
        self, patient_client, settings
    ):
        settings.GUEST_VISITS_PER_IP = 0
        assert patient_client.post(WALKIN, ANSWERS).status_code == 302
        r = patient_client.post("/rooms/demo-room/walkin/review/")
        assert r.status_code == 302
