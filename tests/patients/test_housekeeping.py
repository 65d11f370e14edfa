from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from portal.patients.models import UsedHandoffNonce
from portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def make_session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["booking.draft"] = {"answers": {"reason_for_visit": "Sore throat"}}
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


class TestHousekeeping:
    def test_it_deletes_ended_sessions_with_their_drafts_and_keeps_live_ones(self):
        ended = make_session(timedelta(seconds=-1))
        live = make_session(timedelta(minutes=10))
        call_command("housekeeping")
        keys = set(Session.objects.values_list("session_key", flat=True))
        assert keys == {live}
        assert ended not in keys

    def test_it_deletes_expired_handoff_nonces(self):
        now = timezone.now()
        UsedHandoffNonce.objects.create(digest="a" * 64, expires_at=now)
        UsedHandoffNonce.objects.create(
            digest="b" * 64, expires_at=now + timedelta(minutes=5)
        )
        call_command("housekeeping")
        assert list(UsedHandoffNonce.objects.values_list("digest", flat=True)) == [
            "b" * 64
        ]

    def test_it_deletes_untaken_exchanges_and_old_policy_counts(self):
        from portal.clinic.embedding import PolicyViolation
        from portal.patients.models import HandoffExchange

        now = timezone.now()
        HandoffExchange.objects.create(
            digest="a" * 64, sealed_claims="x", expires_at=now
        )
        HandoffExchange.objects.create(
            digest="b" * 64, sealed_claims="x", expires_at=now + timedelta(minutes=2)
        )
        today = timezone.localdate()
        for age in (0, 30, 31):
            PolicyViolation.objects.create(
                day=today - timedelta(days=age), directive="frame-ancestors", count=1
            )
        call_command("housekeeping")
        assert list(HandoffExchange.objects.values_list("digest", flat=True)) == [
            "b" * 64
        ]
        assert PolicyViolation.objects.count() == 2

    def test_kept_running_it_sweeps_again_after_a_database_error(self):
        ended = make_session(timedelta(seconds=-1))
        sweeps = iter([DatabaseError("locked"), None])
        real_sweep = __import__(
            "portal.patients.management.commands.housekeeping", fromlist=["sweep"]
        ).sweep

        def flaky_sweep():
            outcome = next(sweeps)
            if outcome is not None:
                raise outcome
            return real_sweep()

        sleeps = []

        def sleep(seconds):
            sleeps.append(seconds)
            if len(sleeps) == 2:
                raise KeyboardInterrupt  # stop the loop after the second sweep

        module = "portal.patients.management.commands.housekeeping"
        with (
            mock.patch(f"{module}.sweep", flaky_sweep),
            mock.patch(f"{module}.time.sleep", sleep),
            pytest.raises(KeyboardInterrupt),
        ):
            call_command("housekeeping", "--every", "300")
        assert sleeps == [300, 300]
        assert not Session.objects.filter(session_key=ended).exists()
