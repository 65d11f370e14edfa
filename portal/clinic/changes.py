"""A generation of the clinic's configuration: any save or delete of it (a room, the
branding, embedding, a question…) starts a new one, so pages kept from the last one
(portal/booking/page_cache.py) are made again, on every instance."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from portal.generations import Generation

CLINIC = Generation("clinic:generation")


def clinic_changed(**_signal: Any) -> None:
    # Once the change is committed: started before, a page made from the rows as they
    # were would be kept under the new generation.
    transaction.on_commit(CLINIC.advance)


def watch_for_changes() -> None:
    """Start a new generation on any save or delete of the configuration (bulk updates
    send no signal: code that makes them calls clinic_changed itself). What patients'
    requests write here (the audit log, embeds seen, policy reports) is not configuration."""
    from portal.clinic.models import (
        Branding,
        ConsentDocument,
        EmbeddingSettings,
        IntakeQuestion,
        Room,
    )

    for model in (Branding, Room, ConsentDocument, EmbeddingSettings, IntakeQuestion):
        for signal in (post_save, post_delete):
            signal.connect(
                clinic_changed,
                sender=model,
                dispatch_uid=f"clinic-changed:{id(signal)}:{model._meta.label}",
            )
