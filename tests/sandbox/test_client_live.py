"""The real client against the sandbox over HTTP: every endpoint, the production code path."""

from __future__ import annotations

import time

import pytest
import requests

from portal.vsee.client import Upload
from portal.vsee.errors import (
    VSeeAuthExpired,
    VSeeRejected,
    VSeeSlotTaken,
    VSeeUnavailable,
)
from portal.vsee.schemas import Slot
from sandbox.models import SandboxVisit
from tests.conftest import ADA

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DAY = 24 * 3600


def _intake(vsee, user, **fields):
    return vsee.intake_create(token=user.token.token, room_code="demo-room", **fields)


def _first_slot(vsee, user, intake_id: str, consultation_id: str | None = None) -> Slot:
    room = vsee.room_get(code="demo-room")
    consultation_id = consultation_id or room.consultations[0].id
    now = int(time.time())
    slots = vsee.availability_get(
        token=user.token.token,
        room_code="demo-room",
        intake_id=intake_id,
        consultation_id=consultation_id,
        start=now,
        end=now + 7 * DAY,
    )
    assert slots, "the demo has slots over the next 14 days"
    return slots[0]


class TestUserSso:
    def test_it_returns_the_same_patient_for_the_same_code(self, vsee, ada):
        again = vsee.user_sso(type=200, **ADA)
        assert again.id == ada.id
        assert again.token.token != ada.token.token
        assert again.token.expiry > time.time()

    def test_it_creates_a_new_guest_each_time(self, vsee, guest):
        other = vsee.user_sso(type=600, first_name="Grace", last_name="Guest")
        assert other.id != guest.id

    def test_it_is_refused_with_a_wrong_secret(self, vsee):
        vsee._api_secret = "wrong"
        with pytest.raises(VSeeRejected) as exc:
            vsee.user_sso(type=200, **ADA)
        assert exc.value.status == 403


class TestRoomGet:
    def test_it_reads_the_demo_room(self, vsee):
        room = vsee.room_get(code="demo-room")
        assert room.name == "Demo Clinic"
        assert room.walkin_enabled and room.appointment_enabled and room.guest_enabled
        assert sorted(c.duration for c in room.consultations) == [15, 30]
        assert room.timezone == "America/New_York"

    def test_it_says_not_found_for_an_unknown_room(self, vsee):
        with pytest.raises(VSeeRejected) as exc:
            vsee.room_get(code="nope")
        assert exc.value.status == 404


class TestIntakes:
    def test_it_creates_reads_and_updates_one_intake_with_custom_answers_and_files(
        self, vsee, ada
    ):
        token = ada.token.token
        card = vsee.file_upload(token=token, file=Upload("card.png", PNG, "image/png"))
        intake = _intake(
            vsee,
            ada,
            type=1,
            reason_for_visit="Cough",
            location="CA",
            phone="5551234567",
            attachments=[card.id],
            custom={"symptoms": ["cough", "fever"], "days": 3},
        )
        read = vsee.intake_get(token=token, id=intake.id)
        assert read.reason_for_visit == "Cough"
        assert read.custom_answers == {"symptoms": "cough, fever", "days": "3"}
        assert read.attachment_ids == [card.id]
        assert read.type == 1

        updated = vsee.intake_update(
            token=token, id=intake.id, reason_for_visit="Cough, worse", attachments=[]
        )
        assert updated.id == intake.id
        again = vsee.intake_get(token=token, id=intake.id)
        assert again.reason_for_visit == "Cough, worse"
        assert again.attachments == []  # the sandbox sends "" like VSee
        assert again.custom_answers["days"] == "3"

    def test_it_hides_one_patients_intake_from_another(self, vsee, ada, ben):
        intake = _intake(vsee, ada, reason_for_visit="Private")
        with pytest.raises(VSeeRejected) as exc:
            vsee.intake_get(token=ben.token.token, id=intake.id)
        assert exc.value.status == 404

    def test_it_asks_to_sign_in_again_for_an_unknown_token(self, vsee):
        with pytest.raises(VSeeAuthExpired):
            vsee.intake_create(token="0" * 32, room_code="demo-room")


class TestWalkinAndEconsult:
    def test_it_creates_a_walk_in_that_becomes_the_current_visit(self, vsee, ada):
        intake = _intake(vsee, ada, type=1, reason_for_visit="Rash")
        visit = vsee.visit_add_walkin(
            token=ada.token.token, intake_id=intake.id, room_code="demo-room"
        )
        assert visit.type == 1 and visit.status == 10
        current = vsee.visit_current(token=ada.token.token)
        assert current is not None and current.id == visit.id

    def test_it_has_no_current_visit_for_a_new_patient(self, vsee, ben):
        assert vsee.visit_current(token=ben.token.token) is None

    def test_it_creates_an_e_consult(self, vsee, ada):
        intake = _intake(vsee, ada, type=3, reason_for_visit="Question")
        visit = vsee.visit_add_econsult(
            token=ada.token.token, intake_id=intake.id, room_code="demo-room"
        )
        assert visit.type == 3 and visit.status == 20
        assert visit.provider_id == "0"


class TestAppointments:
    def test_it_books_a_free_slot_and_then_that_slot_is_gone(self, vsee, ada, ben):
        intake = _intake(vsee, ada, type=2)
        slot = _first_slot(vsee, ada, intake.id)
        visit = vsee.visit_create(
            token=ada.token.token,
            room_code="demo-room",
            intake_id=intake.id,
            slot_start=slot.start,
            slot_end=slot.end,
            provider_id=slot.provider_ids[0],
        )
        assert visit.type == 2 and visit.status == 20 and visit.start == slot.start
        assert visit.provider_id == slot.provider_ids[0]

        ben_intake = _intake(vsee, ben, type=2)
        with pytest.raises(VSeeRejected) as exc:
            vsee.visit_create(
                token=ben.token.token,
                room_code="demo-room",
                intake_id=ben_intake.id,
                slot_start=slot.start,
                slot_end=slot.end,
                provider_id=slot.provider_ids[0],
            )
        assert exc.value.status == 400
        assert "no longer available" in exc.value.message
        # A refusal that means "slot gone" has its own class, so views can recover.
        assert isinstance(exc.value, VSeeSlotTaken)

    def test_it_reads_availability_without_a_token_using_the_key_and_secret(self, vsee):
        room = vsee.room_get(code="demo-room")
        now = int(time.time())
        slots = vsee.availability_get(
            room_code="demo-room",
            consultation_id=room.consultations[0].id,
            start=now,
            end=now + 2 * DAY,
        )
        assert slots and all(s.start >= now for s in slots)

    def test_it_lists_gets_reschedules_and_cancels(self, vsee, ada):
        token = ada.token.token
        intake = _intake(vsee, ada, type=2, reason_for_visit="Follow-up")
        slot = _first_slot(vsee, ada, intake.id)
        visit = vsee.visit_create(
            token=token,
            room_code="demo-room",
            intake_id=intake.id,
            slot_start=slot.start,
            slot_end=slot.end,
        )

        listed = vsee.visit_list(token=token)
        assert visit.id in [v.id for v in listed]
        assert any(v.status == 30 for v in listed), "Ada's past visit from the demo"

        later = [s for s in _later_slots(vsee, ada, intake.id) if s.start > slot.start]
        vsee.visit_update(
            token=token, id=visit.id, slot_start=later[0].start, slot_end=later[0].end
        )
        assert vsee.visit_get(token=token, id=visit.id).start == later[0].start

        assert (
            vsee.visit_close(
                token=token, id=visit.id, reason="patient_cancel_appointment"
            )
            == visit.id
        )
        assert vsee.visit_get(token=token, id=visit.id).status == 40

    def test_it_force_cancels_with_delete(self, vsee, ada):
        intake = _intake(vsee, ada, type=1)
        visit = vsee.visit_add_walkin(
            token=ada.token.token, intake_id=intake.id, room_code="demo-room"
        )
        assert vsee.visit_delete(token=ada.token.token, id=visit.id) is True
        assert SandboxVisit.objects.get(pk=visit.id).status == 40


def _later_slots(vsee, user, intake_id):
    room = vsee.room_get(code="demo-room")
    now = int(time.time())
    return vsee.availability_get(
        token=user.token.token,
        room_code="demo-room",
        intake_id=intake_id,
        consultation_id=room.consultations[0].id,
        start=now + DAY,
        end=now + 5 * DAY,
    )


class TestVisitDetailAndSummary:
    def test_it_reads_ada_s_past_visit_with_notes_and_its_summary_url(
        self, vsee, ada, client
    ):
        token = ada.token.token
        past = next(v for v in vsee.visit_list(token=token) if v.status == 30)
        detail = vsee.visit_get(token=token, id=past.id)
        assert detail.postvisit is not None and detail.postvisit.diagnosis
        assert detail.provider is not None and detail.provider.display_name
        assert detail.prescriptions

        url = vsee.visit_summary_export(token=token, id=past.id)
        pdf = requests.get(
            url, timeout=5
        )  # VSee hosts the PDF; the portal only redirects to it
        assert pdf.status_code == 200
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")

    def test_it_has_no_summary_for_an_upcoming_visit(self, vsee, ada):
        intake = _intake(vsee, ada, type=1)
        visit = vsee.visit_add_walkin(
            token=ada.token.token, intake_id=intake.id, room_code="demo-room"
        )
        with pytest.raises(VSeeRejected) as exc:
            vsee.visit_summary_export(token=ada.token.token, id=visit.id)
        assert exc.value.status == 404

    def test_it_hides_one_patients_visit_from_another(self, vsee, ada, ben):
        past = next(v for v in vsee.visit_list(token=ada.token.token) if v.status == 30)
        with pytest.raises(VSeeRejected) as exc:
            vsee.visit_get(token=ben.token.token, id=past.id)
        assert exc.value.status == 404


class TestFaultsThroughTheClient:
    def test_it_turns_an_injected_503_into_unavailable_after_retrying_the_get(
        self, vsee, settings, monkeypatch
    ):
        waits: list[float] = []
        monkeypatch.setattr("portal.vsee.client.transport._sleep", waits.append)
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}
        ]
        with pytest.raises(VSeeUnavailable):
            vsee.room_get(code="demo-room")
        assert len(waits) == 2  # three attempts

    def test_it_never_retries_a_failing_post(self, vsee, ada, settings, monkeypatch):
        waits: list[float] = []
        monkeypatch.setattr("portal.vsee.client.transport._sleep", waits.append)
        intake = _intake(vsee, ada, type=1)
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.add_walkin", "error_rate": 1.0, "error_status": 503}
        ]
        with pytest.raises(VSeeUnavailable):
            vsee.visit_add_walkin(
                token=ada.token.token, intake_id=intake.id, room_code="demo-room"
            )
        assert waits == []
        assert not SandboxVisit.objects.filter(intake_id=intake.id).exists()
