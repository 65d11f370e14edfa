"""portal/vsee/schemas.py: the models are lax exactly where VSee is (beyond-the-seed.md §11)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from portal.vsee.schemas import (
    Consultation,
    Intake,
    Person,
    PostVisit,
    Room,
    Slot,
    Visit,
    parse_slots,
)
from tests.fixtures import load_fixture


class TestIds:
    @pytest.mark.parametrize(("raw", "expected"), [("1525", "1525"), (1525, "1525")])
    def test_it_reads_a_visit_id_as_a_string(self, raw, expected):
        assert Visit.model_validate({"id": raw}).id == expected

    def test_it_reads_int_member_and_provider_ids_as_strings(self):
        # add_econsult sends member_id 14396847 and provider_id 0 (seed).
        visit = Visit.model_validate(
            {"id": "1", "member_id": 14396847, "provider_id": 0}
        )

        assert visit.member_id == "14396847"
        assert visit.provider_id == "0"

    def test_it_takes_the_visit_id_from_underscore_id(self):
        assert Visit.model_validate({"_id": 7727}).id == "7727"

    def test_it_refuses_a_visit_without_any_id(self):
        with pytest.raises(ValidationError):
            Visit.model_validate({"member_id": "575"})

    def test_it_keeps_a_uuid_intake_id_as_is(self):
        intake = Intake.model_validate({"id": "56e8c536-566c-44b6-bbca-66f0ac1f0144"})

        assert intake.id == "56e8c536-566c-44b6-bbca-66f0ac1f0144"


class TestTimestamps:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("1458095488", 1458095488),  # GET /visits, add_walkin
            (1631628616, 1631628616),  # GET /visits/:id
            (None, None),  # actual_start: null
            ("", None),
            ("not a time", None),
        ],
    )
    def test_it_reads_a_start_time(self, raw, expected):
        assert Visit.model_validate({"id": "1", "start": raw}).start == expected

    def test_it_gives_start_at_as_an_aware_utc_datetime(self):
        visit = Visit.model_validate({"id": "1", "start": "1470669300"})

        assert visit.start_at == datetime(2016, 8, 8, 15, 15, tzinfo=UTC)

    def test_it_gives_no_start_at_without_a_start(self):
        assert Visit.model_validate({"id": "1", "start": ""}).start_at is None

    @pytest.mark.parametrize(("raw", "expected"), [("20", 20), (30, 30), ("", None)])
    def test_it_reads_a_status_as_an_int(self, raw, expected):
        assert Visit.model_validate({"id": "1", "status": raw}).status == expected


class TestAttachments:
    @pytest.mark.parametrize("empty", ["", None, []])
    def test_it_reads_no_attachments_as_an_empty_list(self, empty):
        # `attachments: ""` in GET /visits/:id's intake (seed).
        intake = Intake.model_validate({"id": "i", "attachments": empty})

        assert intake.attachments == []
        assert intake.attachment_ids == []

    @pytest.mark.parametrize(
        "attachments",
        [
            [{"_id": "f-1", "name": "a.png"}, {"_id": "f-2"}],  # GET /intakes/:id
            [{"id": "f-1"}, {"id": "f-2"}],  # POST /intakes format 1
            ["f-1", "f-2"],  # format 2
            "f-1,f-2",  # format 3
            " f-1 , f-2 ,",
        ],
    )
    def test_it_reads_every_attachment_format_as_ids(self, attachments):
        intake = Intake.model_validate({"id": "i", "attachments": attachments})

        assert intake.attachment_ids == ["f-1", "f-2"]

    def test_it_keeps_the_file_details(self):
        data = load_fixture("intakes_get__ok")["data"]

        [ref] = Intake.model_validate(data).attachments

        assert ref.id == "57b4c65d-7ef8-461f-8951-43b1ac1f0144"
        assert ref.name == "575004c7-b350-421d-8542-4dcdac1f0144.png"
        assert ref.size == 12859
        assert ref.model_extra["path"].startswith("files/2016/08/17/")

    @pytest.mark.parametrize("empty", ["", None, False])
    def test_it_reads_no_prescriptions_as_an_empty_list(self, empty):
        assert (
            Visit.model_validate({"id": "1", "prescriptions": empty}).prescriptions
            == []
        )


class TestBooleans:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("true", True),
            ("1", True),
            ("TRUE", True),
            (1, True),
            (True, True),
            ("false", False),
            ("0", False),
            ("", False),
            (0, False),
            (None, False),
        ],
    )
    def test_it_reads_lax_booleans(self, raw, expected):
        assert PostVisit.model_validate({"draft": raw}).draft is expected

    def test_it_hides_a_consultation_marked_false_as_a_string(self):
        consultation = Consultation.model_validate(
            {"id": "c", "visible_to_patient": "false"}
        )

        assert consultation.visible_to_patient is False

    def test_it_reads_a_string_price(self):
        # Old visit payments say "00.00"; consultations say 0 or 25.
        assert Consultation.model_validate({"amount": "00.00"}).amount == 0.0
        assert Consultation.model_validate({"amount": "25.00"}).amount == 25.0


class TestExtraFields:
    def test_it_keeps_unknown_visit_fields(self):
        data = load_fixture("visits_add_econsult__ok")["data"]

        visit = Visit.model_validate(data)

        assert visit.model_extra["incharge"] is False
        assert visit.model_extra["invoice_id"] == "6050d2e5-f680-4695-b284-2c8664457b11"
        assert visit.model_extra["creator"]["type"] == 200

    def test_it_gives_the_custom_answers_without_their_prefix(self):
        data = load_fixture("intakes_create__custom")["data"]

        intake = Intake.model_validate(data)

        assert intake.custom_answers == {
            "is_allergic": "Yes",
            "symptoms": "Rash, Red Eyes",
            "symptoms_duration": "2 weeks",
        }

    def test_it_keeps_non_custom_extras_out_of_the_custom_answers(self):
        intake = Intake.model_validate(
            {"id": "i", "question_1": "Answer 1", "consent": "true"}
        )

        assert intake.custom_answers == {}
        assert intake.model_extra == {"question_1": "Answer 1", "consent": "true"}


class TestSubtype:
    @pytest.mark.parametrize("key", ["subtype", "subType"])
    def test_it_reads_either_spelling(self, key):
        # beyond-the-seed §8: `subtype` and `subType` in the same payload family.
        assert Visit.model_validate({"id": "1", key: "3"}).subtype == 3

    def test_it_reads_the_sample_that_has_both(self):
        data = load_fixture("visits_create__ok")["data"]

        assert Visit.model_validate(data).subtype == 3


class TestPersonDisplayName:
    def test_it_prefers_the_full_name(self):
        person = Person(full_name="Anton Provider", first_name="A", last_name="P")

        assert person.display_name == "Anton Provider"

    def test_it_joins_first_and_last_names(self):
        assert (
            Person(first_name="Ada", last_name="Lovelace").display_name
            == "Ada Lovelace"
        )

    def test_it_adds_title_and_suffix(self):
        person = Person(title="Dr.", first_name="Mina", last_name="Lee", suffix="MD")

        assert person.display_name == "Dr. Mina Lee MD"

    def test_it_skips_blank_parts(self):
        # Providers in the seed have `title: ""`; creators have `first_name: null`.
        assert Person(title="", first_name="Ben", last_name=None).display_name == "Ben"

    def test_it_is_empty_for_a_nameless_person(self):
        assert Person(id="15729940").display_name == ""


class TestRoom:
    def test_it_reads_the_sample_room(self):
        room = Room.model_validate(load_fixture("rooms_get__ok")["data"])

        assert room.walkin_enabled is True
        assert room.appointment_enabled is False
        assert room.guest_enabled is True
        assert room.is_closed is False
        assert room.timezone == "America/Los_Angeles"
        assert [c.id for c in room.consultations] == [
            "3d2c1b0a-1111-4222-8333-944455556666"
        ]

    def test_it_hides_consultations_not_visible_to_patients_or_without_an_id(self):
        room = Room.model_validate(
            {
                "code": "k7p2q",
                "payment": {
                    "consultations": [
                        {"id": "c-video", "description": "Video"},
                        {"id": "c-staff", "visible_to_patient": False},
                        {"id": "c-hidden", "visible_to_patient": "false"},
                        {"description": "Very old, no id"},
                        {"id": "c-chat", "visible_to_patient": True},
                    ]
                },
            }
        )

        assert [c.id for c in room.consultations] == ["c-video", "c-chat"]

    def test_it_reads_a_closed_room_with_its_message(self):
        room = Room.model_validate(
            {
                "code": "k7p2q",
                "operation_settings": {"is_closed": "true", "close_msg": "Back at 9."},
            }
        )

        assert room.is_closed is True
        assert room.operation_settings.close_msg == "Back at 9."

    def test_it_defaults_missing_sections_to_closed_doors(self):
        room = Room.model_validate({"code": "k7p2q", "payment": {"consultations": ""}})

        assert room.walkin_enabled is False
        assert room.appointment_enabled is False
        assert room.guest_enabled is False
        assert room.is_closed is False
        assert room.timezone is None
        assert room.consultations == []

    def test_it_refuses_a_room_without_a_code(self):
        with pytest.raises(ValidationError):
            Room.model_validate({"id": "1042"})


class TestParseSlots:
    def test_it_reads_the_slots_shape_with_providers_from_slot_data(self):
        data = load_fixture("availability__slots_shape")["data"]

        assert parse_slots(data) == [
            Slot(
                start=1669239900,
                end=1669240800,
                provider_ids=["12456470"],
                slot_id="10996909",
            ),
            Slot(
                start=1669240800,
                end=1669241700,
                provider_ids=["12456470"],
                slot_id="10996909",
            ),
        ]

    def test_it_reads_the_list_shape(self):
        data = load_fixture("availability__list_shape")["data"]

        slots = parse_slots(data)

        # The sample repeats one slot; duplicates are merged.
        assert [(s.start, s.end, s.provider_ids, s.slot_id) for s in slots] == [
            (1470186000, 1470186900, ["123", "345"], None),
        ]

    def test_it_reads_string_times_and_int_provider_ids(self):
        slots = parse_slots(
            [{"start": "1470186900", "end": "1470187800", "providers": [123]}]
        )

        assert slots == [Slot(start=1470186900, end=1470187800, provider_ids=["123"])]

    def test_it_sorts_the_slots_soonest_first(self):
        slots = parse_slots(
            [
                {"start": 300, "end": 400, "providers": ["2"]},
                {"start": 100, "end": 200, "providers": ["1"]},
            ]
        )

        assert [s.start for s in slots] == [100, 300]

    @pytest.mark.parametrize(
        "change",
        [
            {"slot_booked": 1},
            {"slot_booked": "1"},
            {"slot_available": 0},
            {"slot_available": "0"},
        ],
    )
    def test_it_drops_booked_and_unavailable_slots(self, change):
        data = load_fixture("availability__slots_shape")["data"]
        data["slots"][1].update(change)

        assert [s.start for s in parse_slots(data)] == [1669239900]

    def test_it_reads_slot_available_1_as_a_string_as_available(self):
        data = load_fixture("availability__slot_available_string")["data"]

        assert [s.slot_id for s in parse_slots(data)] == ["4"]

    def test_it_treats_a_slot_without_slot_available_as_available(self):
        data = {"slots": [{"slot_id": "9", "slot_start": 100, "slot_end": 200}]}

        assert [s.start for s in parse_slots(data)] == [100]

    def test_it_skips_entries_without_times(self):
        data = load_fixture("availability__slots_shape")["data"]
        data["slots"][0]["slot_start"] = None
        data["slots"].append({"slot_id": "10996909", "slot_end": 1669242600})

        assert [s.start for s in parse_slots(data)] == [1669240800]

    def test_it_skips_list_entries_without_times(self):
        slots = parse_slots(
            [{"start": "", "end": 200, "providers": []}, {"start": 300, "end": 400}]
        )

        assert [(s.start, s.provider_ids) for s in slots] == [(300, [])]

    def test_it_leaves_the_provider_out_when_slot_data_has_no_block(self):
        data = load_fixture("availability__slots_shape")["data"]
        data["slot_data"] = {}

        assert [s.provider_ids for s in parse_slots(data)] == [[], []]

    @pytest.mark.parametrize(
        "empty", [None, "", [], {}, {"slots": ""}, {"slots": None}]
    )
    def test_it_reads_nothing_as_no_slots(self, empty):
        assert parse_slots(empty) == []

    def test_it_gives_aware_datetimes(self):
        slot = Slot(start=1669239900, end=1669240800)

        assert slot.start_at == datetime(2022, 11, 23, 21, 45, tzinfo=UTC)
        assert slot.end_at == datetime(2022, 11, 23, 22, 0, tzinfo=UTC)
