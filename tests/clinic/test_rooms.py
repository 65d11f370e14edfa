from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.clinic.rooms import DEFAULT_ATTACHMENT_KINDS, FieldMode, Room, vsee_problems
from portal.vsee.schemas import Room as VSeeRoom


def _room(**overrides) -> Room:
    fields = {
        "code": "urgent-care",
        "display_name": "Urgent care",
        "attachment_kinds": list(DEFAULT_ATTACHMENT_KINDS),
    }
    fields.update(overrides)
    return Room(**fields)


def _vsee_room(
    *, walkin=True, appointment=True, guests=True, consultations=("c15", "c30")
) -> VSeeRoom:
    return VSeeRoom.model_validate(
        {
            "code": "urgent-care",
            "visits": {
                "walkin": {"enabled": walkin},
                "appointment": {"enabled": appointment},
            },
            "auth": {"guest": {"log_in": {"enabled": guests}}},
            "payment": {
                "consultations": [
                    {"id": c, "description": c, "duration": 15} for c in consultations
                ]
            },
        }
    )


def _errors(room: Room) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        room.full_clean()
    return caught.value.message_dict


@pytest.mark.django_db
class TestRoomValidation:
    def test_a_plain_room_is_valid(self):
        _room().full_clean()

    @pytest.mark.parametrize("code", ["urgent care", "urgent/care", "-room", ""])
    def test_it_refuses_a_code_that_is_not_a_vsee_room_code(self, code):
        assert "code" in _errors(_room(code=code))

    def test_it_needs_at_least_one_visit_option(self):
        room = _room(
            offers_walkin=False, offers_appointment=False, offers_econsult=False
        )
        assert "Offer at least one visit option." in _errors(room)["__all__"]

    def test_it_needs_a_file_kind_when_attachments_are_asked_for(self):
        room = _room(attachments_mode=FieldMode.OPTIONAL, attachment_kinds=[])
        assert "Pick at least one kind" in _errors(room)["attachment_kinds"][0]

    def test_no_file_kind_is_needed_when_attachments_are_not_asked_for(self):
        _room(attachments_mode=FieldMode.HIDDEN, attachment_kinds=[]).full_clean()

    def test_it_refuses_an_unknown_file_kind(self):
        assert (
            "exe"
            in _errors(_room(attachment_kinds=["pdf", "exe"]))["attachment_kinds"][0]
        )

    def test_it_refuses_an_unknown_time_zone(self):
        assert "time_zone" in _errors(_room(time_zone="Mars/Olympus_Mons"))

    def test_it_accepts_a_known_time_zone_or_none(self):
        _room(time_zone="America/Chicago").full_clean()
        _room(time_zone="").full_clean()


class TestVSeeProblems:
    def test_none_when_vsee_allows_everything_offered(self):
        assert vsee_problems(_room(allow_guests=True), _vsee_room()) == {}

    def test_walkins_switched_off_in_vsee(self):
        problems = vsee_problems(_room(), _vsee_room(walkin=False))
        assert set(problems) == {"offers_walkin"}
        assert "Walk-ins are switched off" in problems["offers_walkin"]

    def test_walkins_off_in_vsee_are_fine_when_not_offered(self):
        assert vsee_problems(_room(offers_walkin=False), _vsee_room(walkin=False)) == {}

    def test_appointments_switched_off_in_vsee(self):
        problems = vsee_problems(_room(), _vsee_room(appointment=False))
        assert "Appointments are switched off" in problems["offers_appointment"]

    def test_appointments_with_no_consultation_types(self):
        problems = vsee_problems(_room(), _vsee_room(consultations=()))
        assert "no consultation types" in problems["offers_appointment"]

    def test_guests_switched_off_in_vsee(self):
        problems = vsee_problems(_room(allow_guests=True), _vsee_room(guests=False))
        assert set(problems) == {"allow_guests"}

    def test_chosen_consultation_types_vsee_no_longer_lists(self):
        room = _room(consultation_ids=["c15", "gone"])
        problems = vsee_problems(room, _vsee_room())
        assert problems == {
            "consultation_ids": "VSee no longer lists these consultation types for "
            "the room: gone"
        }
