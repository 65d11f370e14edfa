from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.clinic.questions import IntakeQuestion, QuestionKind
from portal.clinic.rooms import DEFAULT_ATTACHMENT_KINDS, Room

pytestmark = pytest.mark.django_db


def _room(code: str = "urgent-care") -> Room:
    return Room.objects.create(
        code=code, display_name=code, attachment_kinds=DEFAULT_ATTACHMENT_KINDS
    )


def _question(**fields) -> IntakeQuestion:
    fields.setdefault("label", "A question")
    fields.setdefault("key", "a_question")
    return IntakeQuestion(**fields)


def _errors(question: IntakeQuestion) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    return caught.value.message_dict


class TestKey:
    @pytest.mark.parametrize(
        "key",
        ["Insurance", "1st_visit", "member-id", "custom key", "k" * 41],
    )
    def test_it_refuses_a_key_vsee_cannot_take_as_custom_key(self, key):
        assert "key" in _errors(_question(key=key))

    def test_a_blank_key_is_made_from_the_question(self):
        question = _question(key="", label="Which pharmacy do you use?")
        question.full_clean()
        assert question.key == "which_pharmacy_do_you_use"

    @pytest.mark.parametrize(
        ("label", "key"),
        [
            ("Médicaments actuels ?", "medicaments_actuels"),
            ("2nd opinion?", "q_2nd_opinion"),
            ("???", "question"),
        ],
    )
    def test_any_question_gives_a_key_vsee_takes(self, label, key):
        question = _question(key="", label=label)
        question.full_clean()
        assert question.key == key

    def test_a_made_key_already_used_gets_a_number(self):
        room = _room()
        first = _question(room=room, key="", label="Your pharmacy?")
        first.full_clean()
        first.save()
        second = _question(room=room, key="", label="Your pharmacy?")
        second.full_clean()
        assert second.key == "your_pharmacy_2"

    def test_it_accepts_a_plain_key(self):
        _question(key="insurance_member_id").full_clean()

    def test_a_key_is_used_once_in_a_room(self):
        room = _room()
        _question(room=room, key="insurance").save()
        errors = _errors(_question(room=room, key="insurance"))
        assert "Room and Key already exists" in errors["__all__"][0]

    def test_two_rooms_may_use_the_same_key(self):
        _question(room=_room("one"), key="insurance").save()
        _question(room=_room("two"), key="insurance").full_clean()

    def test_a_shared_key_is_used_once(self):
        _question(key="allergies").save()
        assert _errors(_question(key="allergies"))

    def test_a_room_question_cannot_take_a_shared_key(self):
        _question(key="allergies").save()
        assert "key" in _errors(_question(room=_room(), key="allergies"))

    def test_a_shared_question_cannot_take_a_room_key(self):
        _question(room=_room(), key="allergies").save()
        assert "key" in _errors(_question(key="allergies"))

    def test_a_question_for_a_room_being_created_is_checked_against_shared_keys(self):
        _question(key="allergies").save()
        _question(room=_room("other"), key="insurance").save()
        unsaved = Room(code="new-room", display_name="New")
        assert "key" in _errors(_question(room=unsaved, key="allergies"))
        # Another room's key is no clash for it.
        assert _question(room=unsaved, key="insurance")._key_clashes() is False


class TestChoices:
    @pytest.mark.parametrize(
        "kind", [QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE]
    )
    def test_choice_questions_need_two_choices(self, kind):
        assert "choices_en" in _errors(_question(kind=kind, choices="Only one\n\n"))
        assert "choices_en" in _errors(_question(kind=kind, choices="Same\nSame"))
        _question(kind=kind, choices="Insurance\nSelf-pay").full_clean()

    @pytest.mark.parametrize("kind", [QuestionKind.SHORT_TEXT, QuestionKind.YES_NO])
    def test_other_kinds_take_no_choices(self, kind):
        assert "choices_en" in _errors(_question(kind=kind, choices="A\nB"))

    def test_a_question_is_asked_for_at_least_one_option(self):
        question = _question(
            for_walkin=False, for_appointment=False, for_econsult=False
        )
        assert "for_walkin" in _errors(question)


class TestForPatient:
    def test_it_returns_shared_and_room_questions_in_order(self):
        room, other = _room(), _room("other")
        q = IntakeQuestion.objects.create
        q(room=room, key="late", label="Late", position=30)
        q(key="shared", label="Shared", position=20)
        q(room=room, key="early", label="Early", position=10)
        q(room=room, key="retired", label="Retired", position=5, active=False)
        q(room=room, key="not_walkin", label="Not walk-in", for_walkin=False)
        q(room=other, key="elsewhere", label="Elsewhere", position=1)
        keys = [x.key for x in IntakeQuestion.objects.for_patient(room, "walkin")]
        assert keys == ["early", "shared", "late"]
        econsult = IntakeQuestion.objects.for_patient(room, "econsult")
        assert "not_walkin" in [x.key for x in econsult]
