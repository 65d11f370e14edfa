"""The test database waits for another connection's write, as the portal's file does."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from portal.clinic.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_a_write_that_meets_another_write_waits_for_it():
    holding = threading.Event()

    def hold_the_write_lock():
        try:
            with transaction.atomic():
                AuditEvent.objects.create(action="signed_in", outcome="success")
                holding.set()
                time.sleep(0.3)
        finally:
            connection.close()

    other = threading.Thread(target=hold_the_write_lock)
    other.start()
    assert holding.wait(5)
    AuditEvent.objects.create(action="signed_out", outcome="success")
    other.join()
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "signed_in",
        "signed_out",
    ]
