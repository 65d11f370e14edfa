from __future__ import annotations

import threading
import time

import pytest
from django.test import Client

from portal.clinic.models import AuditEvent
from portal.vsee.client import VSeeClient
from portal.vsee.errors import VSeeSlotTaken
from portal.vsee.service import PatientVSee
from sandbox.models import SandboxVisit
from tests.booking.test_intake import ANSWERS
from tests.conftest import book_every_provider


@pytest.fixture
def new_visits(vsee_live):
    """The visits made during the test (the demo already has some)."""
    before = set(SandboxVisit.objects.values_list("pk", flat=True))
    return lambda: list(SandboxVisit.objects.exclude(pk__in=before))


def made(option: str, pk) -> str:
    """Where the review's button leads once the visit is made: a walk-in goes straight
    into VSee's waiting room (through our join), anything else to its confirmation."""
    return f"/visits/{pk}/join/" if option == "walkin" else f"/booked/{pk}/"


def start(client: Client, option: str) -> None:
    r = client.post(f"/rooms/demo-room/{option}/", ANSWERS)
    assert r.status_code == 302, r.content.decode()[:300]


def choose_a_slot(client: Client, offset: int = 0) -> tuple[int, int]:
    """Put a free slot in the draft, as the picker does after the patient taps one."""
    session = client.session
    vsee = PatientVSee(session)
    room = vsee.client.room_get(code="demo-room")
    consultation = room.consultations[0]
    now = int(time.time())
    slots = vsee.availability(
        room_code="demo-room",
        intake_id=session["booking.draft"]["intake_id"],
        consultation_id=consultation.id,
        start=now,
        end=now + 7 * 86400,
    )
    slot = slots[offset]
    draft = session["booking.draft"]
    draft.update(
        consultation_id=consultation.id, slot_start=slot.start, slot_end=slot.end
    )
    session["booking.draft"] = draft
    session.save()
    return slot.start, slot.end


class TestWalkIn:
    def test_the_patient_reviews_then_lands_in_the_waiting_room_flow(
        self, patient_client, new_visits
    ):
        start(patient_client, "walkin")
        page = patient_client.get("/rooms/demo-room/walkin/review/").content.decode()
        assert "Sore throat for three days" in page
        assert "Go to the waiting room" in page

        r = patient_client.post("/rooms/demo-room/walkin/review/")
        [visit] = new_visits()
        assert visit.type == SandboxVisit.WALKIN
        # One tap: the visit is made and the patient is on their way into VSee's room.
        assert r["Location"] == f"/visits/{visit.pk}/join/"
        into_vsee = patient_client.get(r["Location"])
        assert "sso_token=" in into_vsee["Location"]
        # Back from VSee: the review shows the confirmation, with the way back in.
        r = patient_client.get("/rooms/demo-room/walkin/review/")
        assert r["Location"] == f"/booked/{visit.pk}/"
        page = patient_client.get(r["Location"]).content.decode()
        assert "You&#x27;re checked in" in page or "You're checked in" in page
        assert f'href="/visits/{visit.pk}/join/"' in page
        assert "data-opens-video" in page
        event = AuditEvent.objects.get(action="visit_created")
        assert (event.visit_id, event.visit_kind) == (str(visit.pk), "walkin")

    def test_join_takes_the_patient_into_vsee_s_video_page(
        self, patient_client, new_visits, settings
    ):
        start(patient_client, "walkin")
        patient_client.post("/rooms/demo-room/walkin/review/")
        [visit] = new_visits()
        r = patient_client.get(f"/visits/{visit.pk}/join/")
        assert r.status_code == 302
        location = r["Location"]
        assert location.startswith(settings.VSEE_CLINIC_URL.rstrip("/") + "/auth?")
        assert f"next=%2Fvisits%2Fstart%2F{visit.pk}" in location
        assert "sso_token=" in location
        assert "no-store" in r["Cache-Control"]

    def test_asked_from_a_frame_join_answers_with_vsee_s_page(
        self, patient_client, new_visits, settings
    ):
        start(patient_client, "walkin")
        patient_client.post("/rooms/demo-room/walkin/review/", {"framed": "1"})
        [visit] = new_visits()
        r = patient_client.get(
            f"/visits/{visit.pk}/join/", HTTP_ACCEPT="application/json"
        )
        assert r.status_code == 200
        assert r.json()["url"].startswith(
            settings.VSEE_CLINIC_URL.rstrip("/") + "/auth?"
        )
        assert "no-store" in r["Cache-Control"]

    @pytest.mark.parametrize(
        "framed", [{"HTTP_SEC_FETCH_DEST": "iframe"}, {"data": {"framed": "1"}}]
    )
    def test_in_a_frame_the_confirmation_opens_the_waiting_room_in_a_new_tab(
        self, patient_client, new_visits, framed
    ):
        start(patient_client, "walkin")
        r = patient_client.post("/rooms/demo-room/walkin/review/", **framed)
        [visit] = new_visits()
        assert r["Location"] == f"/booked/{visit.pk}/"
        page = patient_client.get(r["Location"]).content.decode()
        assert "What happens next" in page
        assert f'href="/visits/{visit.pk}/join/" data-opens-video' in page
        assert "Leave the waiting room" in page
        assert "<dt>When</dt>" not in page  # a walk-in's start time means nothing

    def test_the_draft_is_cleared_once_the_patient_is_on_their_way_in(
        self, patient_client, new_visits
    ):
        start(patient_client, "walkin")
        r = patient_client.post("/rooms/demo-room/walkin/review/")
        assert patient_client.session["booking.draft"]["visit_id"]
        patient_client.get(r["Location"])
        assert "booking.draft" not in patient_client.session
        # Back to the last step shows the visit made, not an empty form.
        r = patient_client.get("/rooms/demo-room/walkin/review/")
        assert r["Location"] == f"/booked/{new_visits()[0].pk}/"
        # Back to the intake: a fresh form, not the last patient's answers.
        page = patient_client.get("/rooms/demo-room/walkin/").content.decode()
        assert "Sore throat for three days" not in page


class TestEConsult:
    def test_a_question_is_sent_once(self, patient_client, new_visits):
        start(patient_client, "econsult")
        r = patient_client.post("/rooms/demo-room/econsult/review/")
        [visit] = new_visits()
        assert visit.type == SandboxVisit.ECONSULT
        page = patient_client.get(r["Location"]).content.decode()
        assert "Your question is sent" in page


class TestAppointment:
    @pytest.mark.parametrize("shape", ["slots", "list"])
    def test_it_books_the_chosen_slot(
        self, patient_client, new_visits, settings, shape
    ):
        settings.SANDBOX_AVAILABILITY_SHAPE = shape  # either of the reference's shapes
        start(patient_client, "appointment")
        slot_start, slot_end = choose_a_slot(patient_client)
        page = patient_client.get(
            "/rooms/demo-room/appointment/review/"
        ).content.decode()
        assert "Book this time" in page
        r = patient_client.post("/rooms/demo-room/appointment/review/")
        [visit] = new_visits()
        assert visit.type == SandboxVisit.APPOINTMENT
        assert int(visit.start.timestamp()) == slot_start
        assert int(visit.end.timestamp()) == slot_end
        # The intake carries the chosen type of visit, which VSee reads for fees.
        consultation = visit.intake.data["consultation"]
        assert consultation["description"] == "Quick video visit"
        page = patient_client.get(r["Location"]).content.decode()
        assert "Your visit is booked" in page
        assert "Add to calendar" in page
        # The embed hears "booked" once: not again when the page is reloaded.
        assert 'data-portal-event="booked" data-option="appointment"' in page
        again = patient_client.get(r["Location"]).content.decode()
        assert 'data-portal-event="booked"' not in again

    def test_without_a_slot_the_review_sends_the_patient_to_the_picker(
        self, patient_client
    ):
        start(patient_client, "appointment")
        r = patient_client.get("/rooms/demo-room/appointment/review/")
        assert r["Location"] == "/rooms/demo-room/appointment/time/"

    def test_a_slot_taken_meanwhile_goes_back_to_the_picker_with_the_draft(
        self, patient_client, new_visits, vsee, ben
    ):
        start(patient_client, "appointment")
        slot_start, slot_end = choose_a_slot(patient_client)
        # Ben books the same time first.
        book_every_provider(vsee, ben, slot_start, slot_end)
        before = len(new_visits())
        r = patient_client.post("/rooms/demo-room/appointment/review/")
        assert r["Location"] == "/rooms/demo-room/appointment/time/?taken=1"
        assert len(new_visits()) == before
        draft = patient_client.session["booking.draft"]
        assert draft["intake_id"] and draft["answers"]["reason_for_visit"]
        assert AuditEvent.objects.filter(detail="slot_taken").count() == 1

    def test_a_refusal_in_any_words_is_just_taken_when_the_time_is_gone(
        self, patient_client, new_visits, vsee, ben, settings
    ):
        start(patient_client, "appointment")
        slot_start, slot_end = choose_a_slot(patient_client)
        book_every_provider(vsee, ben, slot_start, slot_end)
        # VSee refuses with words that say nothing of slots.
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.create", "error_rate": 1.0, "status": 409}
        ]
        r = patient_client.post("/rooms/demo-room/appointment/review/")
        assert r["Location"] == "/rooms/demo-room/appointment/time/?taken=1"

    def test_words_about_a_taken_slot_do_not_decide_while_the_time_is_free(
        self, patient_client, new_visits, monkeypatch
    ):
        start(patient_client, "appointment")
        choose_a_slot(patient_client)

        def refuse(self, **fields):
            raise VSeeSlotTaken("This slot is no longer available", status=400)

        monkeypatch.setattr(VSeeClient, "visit_create", refuse)
        r = patient_client.post("/rooms/demo-room/appointment/review/")
        assert r.status_code == 503  # the refusal is shown, the draft kept
        assert "Location" not in r
        assert patient_client.session["booking.draft"]["slot_start"]

    def test_the_calendar_file_has_utc_times_a_stable_uid_and_no_phi(
        self, patient_client, new_visits
    ):
        start(patient_client, "appointment")
        slot_start, _ = choose_a_slot(patient_client)
        r = patient_client.post("/rooms/demo-room/appointment/review/")
        visit_id = r["Location"].strip("/").split("/")[-1]
        first = patient_client.get(f"/booked/{visit_id}/calendar.ics")
        second = patient_client.get(f"/booked/{visit_id}/calendar.ics")
        assert first["Content-Type"].startswith("text/calendar")
        body = first.content.decode()
        assert body == second.content.decode()
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(slot_start))
        assert f"DTSTART:{stamp}\r\n" in body
        assert f"UID:visit-{visit_id}@testserver\r\n" in body
        assert "SUMMARY:Video visit with Demo Clinic\r\n" in body
        assert (
            "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
        )
        for phi in ("Ada", "Lovelace", "Sore throat", "1985"):
            assert phi not in body


class TestExactlyOneVisit:
    def test_a_resubmitted_form_makes_no_second_visit(self, patient_client, new_visits):
        start(patient_client, "econsult")
        first = patient_client.post("/rooms/demo-room/econsult/review/")
        again = patient_client.post("/rooms/demo-room/econsult/review/")
        assert len(new_visits()) == 1
        assert again["Location"] == first["Location"]

    def test_two_submits_at_once_make_one_visit(
        self, patient_client, new_visits, settings
    ):
        start(patient_client, "walkin")
        # Slow VSee down so the second submit arrives while the first is in flight.
        settings.SANDBOX_FAULTS = [{"endpoint": "visits.add_walkin", "latency_ms": 600}]
        cookies = patient_client.cookies
        results = []

        def submit():
            c = Client()
            c.cookies = cookies
            results.append(c.post("/rooms/demo-room/walkin/review/"))

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(new_visits()) == 1
        assert {r["Location"] for r in results} == {made("walkin", new_visits()[0].pk)}

    def test_vsee_down_keeps_everything_and_a_retry_books(
        self, patient_client, new_visits, settings
    ):
        start(patient_client, "econsult")
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.add_econsult", "error_rate": 1.0, "error_status": 503}
        ]
        r = patient_client.post("/rooms/demo-room/econsult/review/")
        assert r.status_code == 503
        assert "Nothing was booked" in r.content.decode()
        assert new_visits() == []
        settings.SANDBOX_FAULTS = []
        patient_client.post("/rooms/demo-room/econsult/review/")
        assert len(new_visits()) == 1


class TestALostAnswer:
    """VSee made the visit but its answer never arrived: one visit, and the patient lands
    on its confirmation (portal/booking/reconcile.py)."""

    ENDPOINTS = {
        "walkin": "visits.add_walkin",
        "econsult": "visits.add_econsult",
        "appointment": "visits.create",
    }

    def begin(self, client: Client, option: str) -> None:
        start(client, option)
        if option == "appointment":
            choose_a_slot(client)

    @pytest.mark.parametrize("option", ["walkin", "econsult", "appointment"])
    def test_a_5xx_after_the_visit_was_made(
        self, patient_client, new_visits, settings, option
    ):
        self.begin(patient_client, option)
        settings.SANDBOX_FAULTS = [
            {"endpoint": self.ENDPOINTS[option], "drop_answer": True, "status": 503}
        ]
        r = patient_client.post(f"/rooms/demo-room/{option}/review/")
        [visit] = new_visits()
        assert r.status_code == 302 and r["Location"] == made(option, visit.pk)
        again = patient_client.post(f"/rooms/demo-room/{option}/review/")
        assert again["Location"] == r["Location"] and len(new_visits()) == 1

    @pytest.mark.parametrize("option", ["walkin", "appointment"])
    def test_a_timeout_after_the_visit_was_made(
        self, patient_client, new_visits, settings, option
    ):
        self.begin(patient_client, option)
        settings.SANDBOX_HANG_SECONDS = 1.5
        settings.VSEE_DEADLINE = 0.7
        settings.SANDBOX_FAULTS = [
            {
                "endpoint": self.ENDPOINTS[option],
                "drop_answer": True,
                "force_timeout": True,
            }
        ]
        r = patient_client.post(f"/rooms/demo-room/{option}/review/")
        [visit] = new_visits()
        assert r["Location"] == made(option, visit.pk)
        time.sleep(1.0)  # let the sandbox's hung thread finish before the database goes

    def test_when_vsee_cannot_say_the_retry_asks_first_and_books_nothing_twice(
        self, patient_client, new_visits, settings
    ):
        self.begin(patient_client, "walkin")
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.add_walkin", "drop_answer": True, "status": 502},
            {"endpoint": "visits.list", "error_rate": 1.0, "status": 503},
        ]
        r = patient_client.post("/rooms/demo-room/walkin/review/")
        page = r.content.decode().replace("&#x27;", "'")
        assert r.status_code == 503
        assert "may or may not have been made" in page
        assert "Nothing was booked" not in page
        [visit] = new_visits()  # VSee did make it

        settings.SANDBOX_FAULTS = []
        r = patient_client.post("/rooms/demo-room/walkin/review/")
        assert r["Location"] == made("walkin", visit.pk)
        assert len(new_visits()) == 1

    def test_a_refusal_is_not_a_lost_answer(self, patient_client, new_visits, settings):
        self.begin(patient_client, "econsult")
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.add_econsult", "error_rate": 1.0, "status": 400}
        ]
        r = patient_client.post("/rooms/demo-room/econsult/review/")
        assert r.status_code == 503 and new_visits() == []
        assert "Nothing was booked" in r.content.decode()


class TestAccess:
    def test_another_patient_s_visit_is_not_found_and_audited(
        self, patient_client, vsee_live
    ):
        other = SandboxVisit.objects.exclude(member__code="demo-ada").first() or (
            SandboxVisit.objects.first()
        )
        for path in (f"/booked/{other.pk}/", f"/visits/{other.pk}/join/"):
            assert patient_client.get(path).status_code == 404
        assert AuditEvent.objects.filter(action="access_denied").count() == 2
