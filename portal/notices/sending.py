"""The worker's side of the outbox: claim what is due, send it, retry or give up.

Claiming is a conditional UPDATE of each row (free or its lease run out → leased to this
worker), which one worker at a time can win on PostgreSQL and SQLite alike; on
PostgreSQL the candidates are first read with SELECT … FOR UPDATE SKIP LOCKED, so that
workers spread over different rows instead of queueing on the same ones. A send whose
worker dies mid-way is sent again when its lease runs out.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.booking.calendar import ics_for_visit
from portal.booking.summary import format_when
from portal.booking.timezones import clinic_time_zone
from portal.clinic import audit
from portal.clinic.branding import current_branding
from portal.clinic.rooms import Room
from portal.notices.events import process_events
from portal.notices.models import Kind, Notice
from portal.notices.outbox import sweep_done
from portal.patients.identity import IdentityUnreadable, unseal_data
from portal.vsee.schemas import Visit

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# After the first failed try, the next ones wait this long: about a day in all, then
# the email is given up (and audited).
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 30, 120, 480, 960)]
BATCH = 20

# Each said with `% {"clinic": <the clinic's name>}`.
SUBJECTS = {
    Kind.BOOKED: gettext_lazy("Your appointment with %(clinic)s is booked"),
    Kind.WALKIN: gettext_lazy("You're checked in with %(clinic)s"),
    Kind.ECONSULT: gettext_lazy("Your question to %(clinic)s is sent"),
    Kind.RESCHEDULED: gettext_lazy("Your appointment with %(clinic)s has moved"),
    Kind.CANCELLED: gettext_lazy("Your appointment with %(clinic)s is cancelled"),
    Kind.REMINDER: gettext_lazy("Reminder: your appointment with %(clinic)s"),
    Kind.CLINIC_CANCELLED: gettext_lazy("%(clinic)s has cancelled your appointment"),
    Kind.REPLY: gettext_lazy("%(clinic)s has replied to your question"),
}
CANCELLING = {Kind.CANCELLED, Kind.CLINIC_CANCELLED}
WITH_CALENDAR = {Kind.BOOKED, Kind.RESCHEDULED, *CANCELLING}


def _free(now) -> Q:
    return Q(claimed_until=None) | Q(claimed_until__lt=now)


def claim(batch: int = BATCH) -> list[Notice]:
    """Lease up to `batch` due emails to this worker and return them."""
    now = timezone.now()
    due = Notice.objects.filter(
        _free(now), sent_at=None, gave_up_at=None, due_at__lte=now
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        candidates = list(due.order_by("due_at").values_list("pk", flat=True)[:batch])
    claimed = []
    for pk in candidates:
        won = Notice.objects.filter(_free(now), pk=pk, sent_at=None).update(
            claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
        if won:
            claimed.append(pk)
    return list(Notice.objects.filter(pk__in=claimed).order_by("due_at"))


def send_due(batch: int = BATCH) -> int:
    """Act on VSee's events, then send what is due now (one batch); return how many
    emails went."""
    process_events()
    sent = 0
    for notice in claim(batch):
        sent += deliver(notice)
    sweep_done()
    return sent


def deliver(notice: Notice) -> bool:
    if notice.kind == Kind.REMINDER and (notice.starts_at or 0) < time.time():
        # The worker was down past the visit's start: a reminder now would only confuse.
        log.warning("notice %s: reminder too late, not sent", notice.pk)
        Notice.objects.filter(pk=notice.pk).update(
            gave_up_at=timezone.now(), claimed_until=None, sealed_to=""
        )
        return False
    try:
        to = unseal_data(notice.sealed_to)["to"]
    except (IdentityUnreadable, KeyError):
        log.error("notice %s: the address can't be decrypted", notice.pk)
        _give_up(notice, "address_unreadable")
        return False
    try:
        message(notice, to).send()
    except smtplib.SMTPRecipientsRefused:
        _give_up(notice, "address_refused")  # trying again would not change it
        return False
    except (smtplib.SMTPException, OSError) as exc:
        _failed(notice, exc)
        return False
    Notice.objects.filter(pk=notice.pk).update(
        sent_at=timezone.now(), claimed_until=None
    )
    log.info("notice %s sent: %s", notice.pk, notice.kind)
    return True


def _failed(notice: Notice, exc: Exception) -> None:
    if notice.attempts > len(BACKOFF):
        _give_up(notice, type(exc).__name__)
        return
    wait = BACKOFF[notice.attempts - 1]
    log.warning(
        "notice %s not sent (%s): try %d again in %s",
        notice.pk,
        type(exc).__name__,
        notice.attempts + 1,
        wait,
    )
    Notice.objects.filter(pk=notice.pk).update(
        due_at=timezone.now() + wait, claimed_until=None
    )


def _give_up(notice: Notice, why: str) -> None:
    log.error("notice %s given up: %s", notice.pk, why)
    Notice.objects.filter(pk=notice.pk).update(
        gave_up_at=timezone.now(), claimed_until=None, sealed_to=""
    )
    audit.record(
        audit.Action.EMAIL_GIVEN_UP,
        outcome=audit.Outcome.FAILURE,
        room_code=notice.room_code,
        visit_id=notice.visit_id,
        detail=f"kind={notice.kind} tries={notice.attempts} why={why}",
    )


def message(notice: Notice, to: str) -> EmailMultiAlternatives:
    """The email for a notice, in the language the patient booked in."""
    with translation.override(notice.language or settings.LANGUAGE_CODE):
        return _message(notice, to)


def _message(notice: Notice, to: str) -> EmailMultiAlternatives:
    """Plain text and HTML, and a calendar file where it helps."""
    branding = current_branding()
    clinic = branding.get("clinic_name") or _("your clinic")
    link = f"{notice.portal_url.rstrip('/')}/visits/{notice.visit_id}/"
    room = Room.objects.filter(code=notice.room_code).first()
    clinic_zone = clinic_time_zone(room) if room else ""
    patient_zone = notice.time_zone or clinic_zone or "UTC"
    when = format_when(notice.starts_at, patient_zone)
    at_clinic = format_when(notice.starts_at, clinic_zone) if clinic_zone else ""
    context = {
        "lang": translation.get_language(),
        "kind": notice.kind,
        "clinic": clinic,
        "colour": branding.get("primary_colour") or "#0b5cad",
        "when": when,
        "at_clinic": at_clinic if at_clinic != when else "",
        "link": link,
        "portal": notice.portal_url,
        "support_phone": branding.get("support_phone") or "",
        "support_email": branding.get("support_email") or "",
    }
    email = EmailMultiAlternatives(
        subject=SUBJECTS[Kind(notice.kind)] % {"clinic": clinic},
        body=render_to_string("emails/notice.txt", context),
        to=[to],
    )
    email.attach_alternative(
        render_to_string("emails/notice.html", context), "text/html"
    )
    if notice.kind in WITH_CALENDAR and notice.starts_at and notice.ends_at:
        cancelled = notice.kind in CANCELLING
        email.attach(
            "cancelled.ics" if cancelled else "visit.ics",
            _calendar(notice, clinic, link, cancelled),
            f"text/calendar; charset=utf-8; method={'CANCEL' if cancelled else 'PUBLISH'}",
        )
    return email


def _calendar(notice: Notice, clinic: str, link: str, cancelled: bool) -> str:
    visit = Visit.model_construct(
        id=notice.visit_id,
        start=notice.starts_at,
        end=notice.ends_at,
        created=notice.made_at,
        modified=notice.changed_at,
    )
    host = urlsplit(notice.portal_url).netloc
    return ics_for_visit(
        visit, clinic_name=clinic, host=host, link=link, cancelled=cancelled
    )
