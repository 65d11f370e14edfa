"""Emails to patients: queued by what they do in the portal, sent by the worker, once,
with nothing in them beyond the clinic's name, the kind of visit and its time."""

from __future__ import annotations

import re
import time

import pytest
from django.utils import timezone

from portal.booking.summary import format_when
from portal.clinic.models import AuditEvent
from portal.notices.models import EmailSettings, Kind, Notice
from portal.notices.sending import send_due
from portal.vsee.service import PatientVSee
from tests.booking.test_review import start
from tests.conftest import ADA

REVIEW = "/rooms/demo-room/{}/review/"
ZONE = "America/New_York"  # the demo clinic's, and no browser said otherwise


def book_appointment(client, hours_ahead: int = 30) -> int:
    """Book through the portal a free time at least `hours_ahead` away; return its id."""
    start(client, "appointment")
    session = client.session
    vsee = PatientVSee(session)
    consultation = vsee.client.room_get(code="demo-room").consultations[0]
    now = int(time.time())
    slots = vsee.availability(
        room_code="demo-room",
        intake_id=session["booking.draft"]["intake_id"],
        consultation_id=consultation.id,
        start=now,
        end=now + 7 * 86400,
    )
    slot = next(s for s in slots if s.start >= now + hours_ahead * 3600)
    draft = session["booking.draft"]
    draft.update(
        consultation_id=consultation.id, slot_start=slot.start, slot_end=slot.end
    )
    session["booking.draft"] = draft
    session.save()
    r = client.post(REVIEW.format("appointment"))
    return int(re.search(r"/booked/(\d+)/", r["Location"]).group(1))


def due_now(kind: str) -> None:
    Notice.objects.filter(kind=kind).update(due_at=timezone.now())


def text_of(mail) -> str:
    return mail.body


def html_of(mail) -> str:
    [(html, kind)] = mail.alternatives
    assert kind == "text/html"
    return html


def calendar_of(mail) -> str:
    [(name, content, kind)] = mail.attachments
    assert name.endswith(".ics") and kind.startswith("text/calendar")
    return content


class TestConfirmations:
    def test_an_appointment_s_confirmation_with_its_calendar_file(
        self, ada, mailoutbox
    ):
        visit_id = book_appointment(ada)
        assert send_due() == 1  # the confirmation; the reminders wait
        [mail] = mailoutbox
        assert mail.to == [ADA["email"]]
        assert mail.subject == "Your appointment with Demo Clinic is booked"
        starts = Notice.objects.get(kind=Kind.BOOKED).starts_at
        for body in (text_of(mail), html_of(mail)):
            assert format_when(starts, ZONE) in body
            assert f"http://testserver/visits/{visit_id}/" in body  # sign-in needed
        ics = calendar_of(mail)
        assert "METHOD:PUBLISH" in ics and f"UID:visit-{visit_id}@testserver" in ics

    def test_times_are_in_the_patient_s_zone_with_the_clinic_s_beside(
        self, ada, mailoutbox
    ):
        ada.post("/time-zone/", {"tz": "America/Chicago"})
        book_appointment(ada)
        send_due()
        starts = Notice.objects.get(kind=Kind.BOOKED).starts_at
        mine, theirs = format_when(starts, "America/Chicago"), format_when(starts, ZONE)
        assert f"When: {mine} ({theirs} at the clinic)" in mailoutbox[0].body

    @pytest.mark.parametrize(
        ("option", "subject"),
        [
            ("walkin", "You're checked in with Demo Clinic"),
            ("econsult", "Your question to Demo Clinic is sent"),
        ],
    )
    def test_a_walk_in_and_a_question_are_confirmed_too(
        self, ada, mailoutbox, option, subject
    ):
        start(ada, option)
        ada.post(REVIEW.format(option))
        assert send_due() == 1
        [mail] = mailoutbox
        assert mail.subject == subject and not mail.attachments
        assert "When:" not in mail.body  # a walk-in's "start" is just now

    def test_a_double_submit_queues_one_email(self, ada, mailoutbox):
        start(ada, "econsult")
        ada.post(REVIEW.format("econsult"))
        ada.post(REVIEW.format("econsult"))
        assert send_due() == 1 and send_due() == 0

    def test_nothing_of_the_visit_s_content_is_in_any_email(self, ada, mailoutbox):
        visit_id = book_appointment(ada)
        due_now(Kind.REMINDER)
        send_due()
        ada.post(f"/visits/{visit_id}/cancel/")
        send_due()
        assert len(mailoutbox) == 4  # booked, two reminders, cancelled
        for mail in mailoutbox:
            everything = " ".join(
                [mail.subject, text_of(mail), html_of(mail)]
                + [str(a[1]) for a in mail.attachments]
            )
            for secret in ("Sore throat", "Ada", "Lovelace", "1985", "Mina Lee"):
                assert secret not in everything, (mail.subject, secret)


class TestReminders:
    def test_sent_when_due_and_once(self, ada, mailoutbox):
        book_appointment(ada)
        reminders = Notice.objects.filter(kind=Kind.REMINDER)
        starts = reminders.first().starts_at
        assert sorted(int(n.due_at.timestamp()) for n in reminders) == [
            starts - 24 * 3600,
            starts - 3600,
        ]
        send_due()
        mailoutbox.clear()
        due_now(Kind.REMINDER)
        assert send_due() == 2 and send_due() == 0
        assert {m.subject for m in mailoutbox} == {
            "Reminder: your appointment with Demo Clinic"
        }
        assert "Open your visit to join" in html_of(mailoutbox[0])

    def test_admin_chooses_the_hours_and_the_kinds(self, ada, mailoutbox):
        EmailSettings.objects.create(
            pk=1, booked=False, walkin=False, cancelled=False, reminder_hours="2"
        )
        visit_id = book_appointment(ada)
        assert list(Notice.objects.values_list("kind", flat=True)) == [Kind.REMINDER]
        ada.post(f"/visits/{visit_id}/cancel/")
        start(ada, "walkin")
        ada.post(REVIEW.format("walkin"))
        start(ada, "econsult")
        ada.post(REVIEW.format("econsult"))
        # No cancel email and no walk-in email; the reminder went with the visit.
        assert list(Notice.objects.values_list("kind", flat=True)) == [Kind.ECONSULT]

    def test_a_reminder_not_sent_before_the_visit_is_not_sent_after(
        self, ada, mailoutbox
    ):
        book_appointment(ada)
        send_due()
        mailoutbox.clear()
        Notice.objects.filter(kind=Kind.REMINDER).update(
            due_at=timezone.now(), starts_at=int(time.time()) - 60
        )
        assert send_due() == 0 and mailoutbox == []

    def test_a_reminder_already_past_is_not_queued(self, ada):
        book_appointment(ada, hours_ahead=3)
        hours = [
            round((n.starts_at - n.due_at.timestamp()) / 3600)
            for n in Notice.objects.filter(kind=Kind.REMINDER)
        ]
        assert hours == [1]


class TestChanges:
    def test_moving_updates_the_calendar_and_moves_the_reminders(self, ada, mailoutbox):
        visit_id = book_appointment(ada)
        send_due()
        first_ics = calendar_of(mailoutbox[-1])
        old_start = Notice.objects.get(kind=Kind.BOOKED).starts_at
        page = ada.get(f"/visits/{visit_id}/reschedule/").content.decode()
        new = next(
            s
            for s in re.findall(r'name="slot" value="(\d+-\d+)"', page)
            if int(s.split("-")[0]) > old_start + 3600
        )
        ada.post(f"/visits/{visit_id}/reschedule/", {"slot": new, "confirm": "1"})
        new_start = int(new.split("-")[0])
        assert send_due() == 1
        mail = mailoutbox[-1]
        assert mail.subject == "Your appointment with Demo Clinic has moved"
        assert format_when(new_start, ZONE) in mail.body
        ics = calendar_of(mail)
        uid = re.search(r"UID:(\S+)", first_ics).group(1)
        assert f"UID:{uid}" in ics  # the same event, a later revision
        sequence = lambda text: int(re.search(r"SEQUENCE:(\d+)", text).group(1))  # noqa: E731
        assert sequence(ics) > sequence(first_ics)
        reminders = Notice.objects.filter(kind=Kind.REMINDER, sent_at=None)
        assert {n.starts_at for n in reminders} == {new_start}

    def test_cancelling_removes_the_event_and_the_reminders(self, ada, mailoutbox):
        visit_id = book_appointment(ada)
        ada.post(f"/visits/{visit_id}/cancel/")
        assert not Notice.objects.filter(kind=Kind.REMINDER).exists()
        send_due()
        mail = mailoutbox[-1]
        assert mail.subject == "Your appointment with Demo Clinic is cancelled"
        ics = calendar_of(mail)
        assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics


class TestWhoGetsThem:
    def test_a_guest_gets_none(self, client, vsee_live, settings):
        client.post(
            "/sign-in/guest/",
            {
                "first_name": "Gus",
                "last_name": "Guest",
                "dob": "1990-01-01",
                "next": "/rooms/demo-room/walkin/",
            },
        )
        start(client, "walkin")
        client.post(REVIEW.format("walkin"))
        assert not Notice.objects.exists()

    def test_with_portal_emails_off_nothing_is_queued_and_vsee_emails_stay_on(
        self, client, vsee_live, mailoutbox, settings, monkeypatch
    ):
        from portal.vsee.client import VSeeClient
        from tests.conftest import sign_in_by_email, spy

        sso = spy(monkeypatch, VSeeClient, "user_sso")
        settings.PORTAL_SENDS_EMAILS = False
        sign_in_by_email(client, mailoutbox, ADA)
        start(client, "econsult")
        client.post(REVIEW.format("econsult"))
        assert not Notice.objects.exists()
        assert sso and not any(c.get("disable_emails") for c in sso)


class TestFailures:
    def test_a_refused_connection_is_retried_then_given_up_and_audited(
        self, ada, mailoutbox, settings
    ):
        start(ada, "econsult")
        ada.post(REVIEW.format("econsult"))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
        settings.EMAIL_USE_TLS = False
        pk = Notice.objects.get().pk
        waits = []
        for _ in range(7):
            before = timezone.now()
            assert send_due() == 0  # no exception reaches the worker's loop
            notice = Notice.objects.get(pk=pk)
            if notice.gave_up_at:
                break
            waits.append(round((notice.due_at - before).total_seconds() / 60))
            Notice.objects.filter(pk=pk).update(due_at=timezone.now())
        assert waits == [1, 5, 30, 120, 480, 960]
        assert notice.sealed_to == ""  # given up: the address is gone
        [event] = AuditEvent.objects.filter(action="email_given_up")
        assert event.detail.startswith("kind=econsult tries=7")
        assert ADA["email"] not in event.detail

    def test_a_walk_in_s_row_goes_once_sent_a_question_s_waits_for_its_reply(
        self, ada, mailoutbox
    ):
        for option in ("walkin", "econsult"):
            start(ada, option)
            ada.post(REVIEW.format(option))
        assert send_due() == 2
        # The walk-in's row and address are gone; the question's wait for the reply.
        assert list(Notice.objects.values_list("kind", flat=True)) == [Kind.ECONSULT]
