from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.clinic.models import AuditEvent
from portal.clinic.questions import IntakeQuestion, QuestionKind
from portal.clinic.rooms import FieldMode, Room
from sandbox.models import SandboxIntake, SandboxRoom

URL = "/rooms/demo-room/walkin/"
ANSWERS = {
    "reason_for_visit": "Sore throat for three days",
    "location": "NY",
    "phone": "212 555 0100",
    "custom_allergies": "Penicillin",
    "custom_symptoms_since": "2026-11-20",
    "custom_insurance": "Self-pay",
    "custom_seen_before": "no",
}


@pytest.fixture
def new_intakes(vsee_live):
    """The intakes made during the test (the demo already has one)."""
    before = set(SandboxIntake.objects.values_list("pk", flat=True))
    return lambda: list(SandboxIntake.objects.exclude(pk__in=before))


def labels(page: str) -> list[str]:
    """The questions on the page, in order, by their field ids."""
    return re.findall(r'id="field-([a-z_]+)"', page)


class TestTheFormIsBuiltFromTheRoomsConfiguration:
    def test_it_asks_the_built_in_fields_then_the_clinic_s_questions_in_order(
        self, patient_client
    ):
        page = patient_client.get(URL).content.decode()
        assert labels(page) == [
            "who",  # whom the visit is for, first (tests/booking/test_people.py)
            "reason_for_visit",
            "location",
            "phone",
            "custom_allergies",
            "custom_symptoms_since",
            "custom_insurance",
            "custom_seen_before",
        ]
        assert "Step 2 of 4" in page

    def test_a_new_question_appears_for_the_next_patient(self, patient_client):
        patient_client.get(URL)  # the form as it was, made and kept
        room = Room.objects.get(code="demo-room")
        IntakeQuestion.objects.create(
            room=room,
            key="pharmacy",
            label="Which pharmacy do you use?",
            position=15,
            kind=QuestionKind.SHORT_TEXT,
        )
        page = patient_client.get(URL).content.decode()
        assert "Which pharmacy do you use?" in page
        asked = labels(page)
        assert asked.index("custom_allergies") < asked.index("custom_pharmacy")
        assert asked.index("custom_pharmacy") + 1 == asked.index(
            "custom_symptoms_since"
        )

    def test_the_form_is_made_once_until_the_configuration_changes(
        self, patient_client
    ):
        def questions_asked() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert patient_client.get(URL).status_code == 200
            return sum("clinic_intakequestion" in q["sql"] for q in queries)

        assert questions_asked() == 1
        assert questions_asked() == 0  # the same form class, kept
        room = Room.objects.get(code="demo-room")
        room.save()  # any change to the configuration
        assert questions_asked() == 1

    def test_reordering_changes_the_order(self, patient_client):
        patient_client.get(URL)
        question = IntakeQuestion.objects.get(key="seen_before")
        question.position = 1
        question.save()
        page = patient_client.get(URL).content.decode()
        asked = labels(page)
        assert asked[asked.index("phone") + 1] == "custom_seen_before"

    def test_a_retired_question_is_no_longer_asked(self, patient_client):
        patient_client.get(URL)
        question = IntakeQuestion.objects.get(key="insurance")
        question.active = False
        question.save()
        page = patient_client.get(URL).content.decode()
        assert "custom_insurance" not in labels(page)
        assert IntakeQuestion.objects.filter(key="insurance").exists()

    def test_a_question_only_for_appointments_is_not_asked_for_walk_ins(
        self, patient_client
    ):
        IntakeQuestion.objects.filter(key="insurance").update(for_walkin=False)
        assert "custom_insurance" not in labels(
            patient_client.get(URL).content.decode()
        )
        from tests.booking.test_times_first import hold_a_time

        hold_a_time(
            patient_client
        )  # times first: the form comes after a time is chosen
        page = patient_client.get("/rooms/demo-room/appointment/").content.decode()
        assert "custom_insurance" in labels(page)

    def test_built_in_fields_follow_the_room(self, patient_client):
        Room.objects.filter(code="demo-room").update(
            phone_mode=FieldMode.HIDDEN, location_mode=FieldMode.OPTIONAL
        )
        page = patient_client.get(URL).content.decode()
        assert "phone" not in labels(page)
        assert "Which state are you in right now?</label>" in page  # no "(required)"

    def test_another_room_s_questions_are_not_asked(self, patient_client):
        demo = SandboxRoom.objects.get(code="demo-room")
        demo.pk, demo.code = None, "derm-room"
        demo.save()
        derm = Room.objects.create(code="derm-room", display_name="Dermatology")
        IntakeQuestion.objects.create(room=derm, key="rash_photo_ok", label="Rash?")
        assert "rash_photo_ok" not in patient_client.get(URL).content.decode()
        page = patient_client.get("/rooms/derm-room/walkin/").content.decode()
        # Shared questions are asked in every room; the demo room's own are not.
        assert "custom_allergies" in page and "custom_insurance" not in page
        assert "custom_rash_photo_ok" in page


class TestValidation:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("reason_for_visit", "", "Tell us what brings you in."),
            (
                "custom_insurance",
                "",
                "Choose one of the answers to “How will you pay?”",
            ),
            (
                "custom_insurance",
                "Bitcoin",
                "Choose one of the listed answers to “How will you pay?”",
            ),
            ("custom_symptoms_since", "yesterday", "Enter a date, for example"),
            ("phone", "12", "Enter a phone number with its area code"),
        ],
    )
    def test_each_problem_is_explained_on_its_field_and_nothing_is_lost(
        self, patient_client, new_intakes, field, value, message
    ):
        r = patient_client.post(URL, {**ANSWERS, field: value})
        assert r.status_code == 302 and r["Location"] == URL  # Post/Redirect/Get
        r = patient_client.get(URL)
        page = r.content.decode()
        assert message in page
        assert f'id="id_{field}_error"' in page
        assert "There is a problem" in page
        assert "This field is required" not in page  # words for people, not Django's
        assert f'href="#field-{field}"' in page
        assert "Penicillin" in page or field == "custom_allergies"
        assert new_intakes() == []
        # A refresh shows the draft as typed.
        assert "Sore throat" in patient_client.get(URL).content.decode() or (
            field == "reason_for_visit"
        )

    def test_a_multiple_choice_keeps_every_ticked_answer(self, patient_client):
        IntakeQuestion.objects.create(
            key="symptoms",
            label="Any of these?",
            kind=QuestionKind.MULTIPLE_CHOICE,
            choices="Fever\nCough\nRash",
            position=99,
        )
        patient_client.post(
            URL, {**ANSWERS, "custom_symptoms": ["Fever", "Rash"], "phone": "1"}
        )
        page = patient_client.get(URL).content.decode()
        ticked = re.findall(r'name="custom_symptoms" value="(\w+)"[^>]*checked', page)
        assert ticked == ["Fever", "Rash"]


class TestSavingTheIntakeInVSee:
    def test_it_creates_the_intake_with_the_custom_answers(
        self, patient_client, new_intakes
    ):
        r = patient_client.post(URL, ANSWERS)
        assert r.status_code == 302
        [intake] = new_intakes()
        assert intake.room.code == "demo-room"
        data = intake.data
        assert data["reason_for_visit"] == "Sore throat for three days"
        assert data["location"] == "NY"
        assert data["phone"] == "212 555 0100"
        assert data["custom_allergies"] == "Penicillin"
        assert data["custom_symptoms_since"] == "2026-11-20"
        assert data["custom_insurance"] == "Self-pay"
        assert data["custom_seen_before"] == "false"
        assert str(data["type"]) == "1"
        assert AuditEvent.objects.filter(action="intake_created").count() == 1

    def test_changing_answers_updates_the_same_intake(
        self, patient_client, new_intakes
    ):
        patient_client.post(URL, ANSWERS)
        patient_client.post(URL, {**ANSWERS, "custom_allergies": "None"})
        [intake] = new_intakes()
        assert intake.data["custom_allergies"] == "None"
        assert AuditEvent.objects.filter(action="intake_updated").count() == 1

    def test_vsee_down_keeps_the_answers_and_a_retry_works(
        self, patient_client, settings, new_intakes
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "intakes.create", "error_rate": 1.0, "error_status": 503}
        ]
        r = patient_client.post(URL, ANSWERS)
        assert r.status_code == 503
        page = r.content.decode()
        assert "couldn't reach the clinic" in page or "reach the clinic" in page
        assert "Sore throat for three days" in page
        assert AuditEvent.objects.filter(action="vsee_error").count() == 1
        # A refresh of the page still has them (the 503 did not drop the session).
        refreshed = patient_client.get(URL).content.decode()
        assert "Sore throat for three days" in refreshed
        settings.SANDBOX_FAULTS = []
        assert patient_client.post(URL, ANSWERS).status_code == 302
        assert len(new_intakes()) == 1


class TestAccess:
    def test_it_asks_for_sign_in_and_comes_back(self, client, vsee_live):
        r = client.get(URL)
        assert r.status_code == 302
        assert r["Location"] == "/sign-in/?next=%2Frooms%2Fdemo-room%2Fwalkin%2F"

    def test_an_option_the_room_does_not_offer_goes_back_to_the_room(
        self, patient_client
    ):
        Room.objects.filter(code="demo-room").update(offers_walkin=False)
        r = patient_client.get(URL)
        assert r.status_code == 302 and r["Location"] == "/rooms/demo-room/"

    def test_an_unknown_option_is_not_found(self, patient_client):
        assert patient_client.get("/rooms/demo-room/surgery/").status_code == 404


def test_after_a_problem_back_or_a_refresh_shows_no_old_problems(patient_client):
    """Post/Redirect/Get: the problems are said once, on the page the POST led to."""
    r = patient_client.post(URL, {**ANSWERS, "reason_for_visit": ""}, follow=True)
    assert "Tell us what brings you in." in r.content.decode()
    again = patient_client.get(URL).content.decode()  # what Back or a refresh loads
    assert "There is a problem" not in again
    assert "Penicillin" in again  # the answers stay
