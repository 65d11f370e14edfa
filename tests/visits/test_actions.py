from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.booking.summary import format_when
from portal.clinic.models import AuditEvent
from portal.vsee.errors import VSeeRejected, VSeeSlotTaken
from portal.vsee.service import PatientVSee
from sandbox.models import SandboxVisit
from tests.conftest import book_every_provider, made_visit_id


class TestCancel:
    def test_it_asks_first_then_closes_the_visit_with_vsee(self, ada_client, book):
        visit = book(2)
        page = ada_client.get(f"/visits/{visit.id}/cancel/").content.decode()
        assert "Cancel your appointment?" in page
        assert SandboxVisit.objects.get(pk=visit.id).status == SandboxVisit.CONFIRMED

        r = ada_client.post(f"/visits/{visit.id}/cancel/")
        assert r["Location"] == "/visits/"
        row = SandboxVisit.objects.get(pk=visit.id)
        assert row.status == SandboxVisit.CANCELLED
        assert AuditEvent.objects.filter(
            action="visit_cancelled", visit_id=visit.id
        ).exists()
        page = ada_client.get("/visits/").content.decode()
        assert "Your appointment is cancelled." in page

    def test_with_htmx_the_row_is_swapped_in_place(self, ada_client, book):
        visit = book(2)
        headers = {"HX-Request": "true", "HX-Target": f"visit-{visit.id}"}
        confirm = ada_client.get(f"/visits/{visit.id}/cancel/", headers=headers)
        fragment = confirm.content.decode()
        assert fragment.lstrip().startswith(
            f'<li class="visit visit--confirm" id="visit-{visit.id}"'
        )
        assert "Yes, cancel it" in fragment

        r = ada_client.post(f"/visits/{visit.id}/cancel/", headers=headers)
        row = r.content.decode()
        assert row.lstrip().startswith(f'<li class="visit" id="visit-{visit.id}"')
        assert "Cancelled" in row
        assert "Appointment cancelled." in row  # announced to screen readers
        assert "<html" not in row

    def test_a_past_visit_cannot_be_cancelled(self, ada_client, past_visit):
        r = ada_client.post(f"/visits/{past_visit.pk}/cancel/")
        assert r["Location"] == f"/visits/{past_visit.pk}/"
        assert (
            SandboxVisit.objects.get(pk=past_visit.pk).status == SandboxVisit.COMPLETED
        )

    def test_vsee_down_leaves_it_booked_and_says_so(self, ada_client, book, settings):
        visit = book(2)
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.close", "error_rate": 1.0, "error_status": 503}
        ]
        r = ada_client.post(f"/visits/{visit.id}/cancel/")
        assert r.status_code == 503
        assert "not cancelled yet" in r.content.decode()


class TestReschedule:
    def test_it_moves_the_appointment_to_the_chosen_slot(self, ada_client, book):
        visit = book(0)
        page = ada_client.get(f"/visits/{visit.id}/reschedule/").content.decode()
        assert "Choose a new time" in page
        slots = re.findall(r'name="slot" value="(\d+-\d+)"', page)
        new = next(s for s in slots if not s.startswith(str(visit.start)))
        # Booked a while ago (VSee's times are whole seconds).
        earlier = timezone.now() - timedelta(minutes=5)
        SandboxVisit.objects.filter(pk=visit.id).update(
            created=earlier, modified=earlier
        )
        before = ada_client.get(f"/booked/{visit.id}/calendar.ics").content.decode()

        # Choosing a time only asks: old time, new time, one button.
        r = ada_client.post(f"/visits/{visit.id}/reschedule/", {"slot": new})
        page = html.unescape(r.content.decode())
        assert r.status_code == 200 and "Move your appointment?" in page
        assert format_when(visit.start, "America/New_York") in page
        assert format_when(int(new.split("-")[0]), "America/New_York") in page
        assert f'name="slot" value="{new}"' in page and 'name="confirm"' in page
        assert SandboxVisit.objects.get(pk=visit.id).start.timestamp() == visit.start

        r = ada_client.post(
            f"/visits/{visit.id}/reschedule/", {"slot": new, "confirm": "1"}
        )
        assert r["Location"] == f"/visits/{visit.id}/moved/"
        row = SandboxVisit.objects.get(pk=visit.id)
        assert int(row.start.timestamp()) == int(new.split("-")[0])
        assert AuditEvent.objects.filter(
            action="visit_rescheduled", outcome="success"
        ).exists()
        page = ada_client.get(r["Location"]).content.decode()
        assert "Your appointment is moved" in page
        assert f'href="/booked/{visit.id}/calendar.ics"' in page

        # The new calendar file is a later revision of the same event.
        after = ada_client.get(f"/booked/{visit.id}/calendar.ics").content.decode()

        def field(ics: str, name: str) -> str:
            return re.search(rf"^{name}:(.*)\r$", ics, re.M).group(1)

        assert field(after, "UID") == field(before, "UID")
        assert int(field(after, "SEQUENCE")) > int(field(before, "SEQUENCE"))
        assert field(after, "DTSTART") != field(before, "DTSTART")

    def test_a_slot_taken_meanwhile_offers_the_nearest_times(
        self, ada_client, book, vsee, ben, monkeypatch
    ):
        visit = book(0)
        page = ada_client.get(f"/visits/{visit.id}/reschedule/").content.decode()
        slots = re.findall(r'name="slot" value="(\d+-\d+)"', page)
        wanted = next(s for s in slots if not s.startswith(str(visit.start)))
        start, end = (int(x) for x in wanted.split("-"))
        real_update = PatientVSee.visit_update

        def ben_gets_there_first(self, visit_id, **fields):
            # Between the picker's last look and the update, Ben takes every provider.
            book_every_provider(vsee, ben, start, end)
            return real_update(self, visit_id, **fields)

        monkeypatch.setattr(PatientVSee, "visit_update", ben_gets_there_first)
        r = ada_client.post(
            f"/visits/{visit.id}/reschedule/", {"slot": wanted, "confirm": "1"}
        )
        assert r["Location"] == f"/visits/{visit.id}/reschedule/?taken=1"
        page = ada_client.get(r["Location"]).content.decode()
        assert "That time was just taken" in page
        assert int(SandboxVisit.objects.get(pk=visit.id).start.timestamp()) == (
            visit.start
        )
        assert AuditEvent.objects.filter(
            action="visit_rescheduled", outcome="failure", detail="slot_taken"
        ).exists()

    def test_words_about_a_taken_slot_do_not_decide_while_the_time_is_free(
        self, ada_client, book, monkeypatch
    ):
        visit = book(0)
        page = ada_client.get(f"/visits/{visit.id}/reschedule/").content.decode()
        slots = re.findall(r'name="slot" value="(\d+-\d+)"', page)
        wanted = next(s for s in slots if not s.startswith(str(visit.start)))

        def refuse(self, visit_id, **fields):
            raise VSeeSlotTaken("This slot is no longer available", status=400)

        monkeypatch.setattr(PatientVSee, "visit_update", refuse)
        r = ada_client.post(
            f"/visits/{visit.id}/reschedule/", {"slot": wanted, "confirm": "1"}
        )
        assert r.status_code == 503 and "Location" not in r  # the refusal is shown
        assert not AuditEvent.objects.filter(detail="slot_taken").exists()

    def test_a_refusal_in_other_words_is_just_taken_when_the_time_is_gone(
        self, ada_client, book, vsee, ben, monkeypatch
    ):
        visit = book(0)
        page = ada_client.get(f"/visits/{visit.id}/reschedule/").content.decode()
        slots = re.findall(r'name="slot" value="(\d+-\d+)"', page)
        wanted = next(s for s in slots if not s.startswith(str(visit.start)))
        start, end = (int(x) for x in wanted.split("-"))

        def ben_first_then_a_wordless_refusal(self, visit_id, **fields):
            book_every_provider(vsee, ben, start, end)
            raise VSeeRejected("Conflict", status=409)

        monkeypatch.setattr(
            PatientVSee, "visit_update", ben_first_then_a_wordless_refusal
        )
        r = ada_client.post(
            f"/visits/{visit.id}/reschedule/", {"slot": wanted, "confirm": "1"}
        )
        assert r["Location"] == f"/visits/{visit.id}/reschedule/?taken=1"


class TestSummary:
    def test_it_redirects_to_the_pdf_vsee_made(self, ada_client, past_visit):
        r = ada_client.get(f"/visits/{past_visit.pk}/summary/")
        assert r.status_code == 302
        assert "/sandbox/exports/" in r["Location"]
        assert "no-store" in r["Cache-Control"]
        assert AuditEvent.objects.filter(action="summary_downloaded").exists()

    def test_a_visit_without_a_summary_says_so(self, ada_client, book):
        visit = book(0)
        page = ada_client.get(f"/visits/{visit.id}/summary/").content.decode()
        assert "No summary yet" in page


class TestJoin:
    def test_an_appointment_days_away_cannot_be_joined_yet(self, ada_client, book):
        visit = book(20)
        r = ada_client.get(f"/visits/{visit.id}/join/")
        assert r["Location"] == f"/visits/{visit.id}/"
        page = ada_client.get(r["Location"]).content.decode()
        assert "You can join from 15 minutes before the start" in page

    def test_asked_from_a_frame_too_early_it_says_where_to_go(self, ada_client, book):
        visit = book(20)
        r = ada_client.get(f"/visits/{visit.id}/join/", HTTP_ACCEPT="application/json")
        assert r.status_code == 409
        assert r.json() == {"go": f"/visits/{visit.id}/"}


def test_a_visit_s_page_is_never_stored(ada_client, past_visit):
    r = ada_client.get(f"/visits/{past_visit.pk}/")
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"]
    assert "Cookie" in r["Vary"]


class TestLeavingTheWaitingRoom:
    @pytest.fixture
    def walkin(self, ada_client) -> str:
        from tests.booking.test_intake import ANSWERS

        assert ada_client.post("/rooms/demo-room/walkin/", ANSWERS).status_code == 302
        r = ada_client.post("/rooms/demo-room/walkin/review/")
        return made_visit_id(r["Location"])

    def test_from_the_confirmation_the_patient_leaves_the_queue(
        self, ada_client, walkin
    ):
        booked = ada_client.get(f"/booked/{walkin}/").content.decode()
        assert f'href="/visits/{walkin}/leave/"' in booked
        ask = ada_client.get(f"/visits/{walkin}/leave/").content.decode()
        assert "Leave the waiting room?" in ask
        r = ada_client.post(f"/visits/{walkin}/leave/")
        assert (r.status_code, r["Location"]) == (302, "/visits/")
        visit = SandboxVisit.objects.get(pk=walkin)
        assert visit.status == SandboxVisit.CANCELLED
        assert visit.close_reason == "patient_exit_room"
        history = ada_client.get("/visits/").content.decode().replace("&#x27;", "'")
        assert "You've left the waiting room." in history
        row = history[history.index(f'id="visit-{walkin}"') :]
        assert "Left the waiting room" in row[: row.index("</li>")]
        event = AuditEvent.objects.get(action="visit_cancelled")
        assert (event.visit_id, event.detail) == (walkin, "left_waiting_room")

    def test_the_history_row_offers_it_while_waiting(self, ada_client, walkin):
        page = ada_client.get("/visits/").content.decode()
        assert f'href="/visits/{walkin}/leave/"' in page

    def test_an_appointment_is_not_a_queue_to_leave(self, ada_client, book):
        visit = book()
        r = ada_client.post(f"/visits/{visit.id}/leave/")
        assert r["Location"] == f"/visits/{visit.id}/"
        assert SandboxVisit.objects.get(pk=visit.id).status == SandboxVisit.CONFIRMED

    def test_with_vsee_down_the_patient_is_told_they_are_still_waiting(
        self, ada_client, walkin, settings
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.close", "error_rate": 1.0, "status": 503}
        ]
        r = ada_client.post(f"/visits/{walkin}/leave/")
        assert r.status_code == 503
        assert "You are still in the waiting room" in r.content.decode()
        assert SandboxVisit.objects.get(pk=walkin).status == SandboxVisit.PENDING
