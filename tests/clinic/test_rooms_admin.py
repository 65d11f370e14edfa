from __future__ import annotations

import pytest

import portal.clinic.admin.rooms as room_admin
from portal.clinic.questions import IntakeQuestion
from portal.clinic.rooms import DEFAULT_ATTACHMENT_KINDS, Room
from sandbox.models import SandboxConsultation, SandboxRoom

ROOMS = "/admin/clinic/room/"
QUESTIONS = "/admin/clinic/intakequestion/"
DOWN = [{"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}]


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    # VSee-down tests retry 503s; the waits between tries are not what is under test.
    monkeypatch.setattr("portal.vsee.client.transport._sleep", lambda seconds: None)


@pytest.fixture
def get_room_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = room_admin.get_room

    def counting(code, **kwargs):
        calls.append(code)
        return real(code, **kwargs)

    monkeypatch.setattr(room_admin, "get_room", counting)
    return calls


def _form(questions=(), initial_questions=0, **overrides) -> dict:
    data = {
        "code": "demo-room",
        "display_name_en": "Demo Clinic",
        "active": "on",
        "position": "0",
        "offers_walkin": "on",
        "offers_appointment": "on",
        "offers_econsult": "on",
        "consultation_ids": [],
        "welcome_text_en": "Welcome.",
        "emergency_notice_en": "If this is an emergency, call 911.",
        "closed_message_en": "We're closed.",
        "time_zone": "",
        "reason_mode": "required",
        "location_mode": "required",
        "phone_mode": "optional",
        "attachments_mode": "optional",
        "attachment_kinds": ["pdf", "jpeg"],
        "attachment_max_mb": "10",
        "attachment_max_files": "3",
        "attachment_prompt_en": "Your insurance card",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(initial_questions),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "consents-TOTAL_FORMS": "0",
        "consents-INITIAL_FORMS": "0",
        "consents-MIN_NUM_FORMS": "0",
        "consents-MAX_NUM_FORMS": "1000",
    }
    for i, question in enumerate(questions):
        row = {
            "position": "10",
            "label_en": "A question",
            "kind": "short_text",
            "choices_en": "",
            "for_walkin": "on",
            "for_appointment": "on",
            "for_econsult": "on",
            "active": "on",
            **question,
        }
        data.update({f"questions-{i}-{name}": value for name, value in row.items()})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


class TestPagesRender:
    def test_room_pages(self, admin_client, room):
        assert admin_client.get(ROOMS).status_code == 200
        assert admin_client.get(f"{ROOMS}add/").status_code == 200
        page = admin_client.get(f"{ROOMS}{room.pk}/change/")
        assert page.status_code == 200
        assert "Check VSee connection" in page.content.decode()
        # Staff can copy the link that opens this room directly.
        link = f'href="/rooms/{room.code}/"'
        assert link in page.content.decode()
        assert link in admin_client.get(ROOMS).content.decode()

    def test_question_pages(self, admin_client, room):
        IntakeQuestion.objects.create(key="allergies", label="Any allergies?")
        question = IntakeQuestion.objects.create(
            room=room, key="insurance", label="Pay?"
        )
        listing = admin_client.get(QUESTIONS)
        assert listing.status_code == 200
        assert "All rooms" in listing.content.decode()
        assert admin_client.get(f"{QUESTIONS}add/").status_code == 200
        assert admin_client.get(f"{QUESTIONS}{question.pk}/change/").status_code == 200
        shared = admin_client.get(QUESTIONS, {"room__isnull": "True"})
        assert "Any allergies?" in shared.content.decode()
        assert "Pay?" not in shared.content.decode()


class TestAddRoom:
    def test_the_add_page_offers_all_file_kinds(self, admin_client, no_rooms):
        form = admin_client.get(f"{ROOMS}add/").context["adminform"].form
        assert form["attachment_kinds"].value() == DEFAULT_ATTACHMENT_KINDS

    def test_it_saves_a_room_vsee_knows(self, admin_client, no_rooms, get_room_calls):
        r = admin_client.post(f"{ROOMS}add/", _form())
        assert r.status_code == 302
        room = Room.objects.get(code="demo-room")
        assert room.attachment_kinds == ["pdf", "jpeg"]
        assert room.consultation_ids == []
        assert get_room_calls == ["demo-room"]

    def test_it_lists_vsee_consultation_types_to_pick_from(self, admin_client, room):
        page = admin_client.get(f"{ROOMS}{room.pk}/change/").content.decode()
        assert "Quick video visit — 15 min" in page
        assert "Standard video visit — 30 min — $25.00" in page

    def test_it_saves_the_chosen_consultation_types(self, admin_client, room):
        standard = SandboxConsultation.objects.get(description="Standard video visit")
        r = admin_client.post(
            f"{ROOMS}{room.pk}/change/", _form(consultation_ids=[str(standard.id)])
        )
        assert r.status_code == 302
        room.refresh_from_db()
        assert room.consultation_ids == [str(standard.id)]

    def test_it_refuses_a_code_vsee_does_not_know(self, admin_client, no_rooms):
        r = admin_client.post(f"{ROOMS}add/", _form(code="no-such-room"))
        assert r.status_code == 200
        errors = r.context["adminform"].form.errors
        assert "VSee has no room with the code “no-such-room”" in errors["code"][0]
        assert not Room.objects.exists()

    def test_it_refuses_an_option_vsee_has_switched_off(
        self, admin_client, no_rooms, get_room_calls
    ):
        SandboxRoom.objects.filter(code="demo-room").update(walkin_enabled=False)
        r = admin_client.post(f"{ROOMS}add/", _form())
        assert r.status_code == 200
        errors = r.context["adminform"].form.errors
        assert "Walk-ins are switched off" in errors["offers_walkin"][0]
        assert not Room.objects.exists()
        assert get_room_calls == ["demo-room"]  # one VSee read, even when re-shown
        # Unticking walk-ins is the way through.
        r = admin_client.post(f"{ROOMS}add/", _form(offers_walkin=None))
        assert r.status_code == 302

    def test_it_explains_vsee_refusing_the_portal(
        self, admin_client, no_rooms, settings
    ):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 403}
        ]
        r = admin_client.post(f"{ROOMS}add/", _form())
        assert r.status_code == 200
        errors = r.context["adminform"].form.non_field_errors()
        assert "Sandbox fault injected" in errors[0]
        assert "credentials" in errors[0]
        assert not Room.objects.exists()

    def test_it_saves_with_a_warning_when_vsee_is_down(
        self, admin_client, no_rooms, settings
    ):
        settings.SANDBOX_FAULTS = DOWN
        r = admin_client.post(f"{ROOMS}add/", _form(), follow=True)
        assert r.status_code == 200
        assert Room.objects.filter(code="demo-room").exists()
        assert any(
            m.startswith("Saved, but VSee could not be reached to check this room:")
            and "Check VSee connection" in m
            for m in _messages(r)
        )

    def test_saved_types_stay_ticked_when_vsee_is_down(
        self, admin_client, room, settings
    ):
        room.consultation_ids = ["abc"]
        room.save()
        settings.SANDBOX_FAULTS = DOWN
        form = admin_client.get(f"{ROOMS}{room.pk}/change/").context["adminform"].form
        assert form.fields["consultation_ids"].choices == [("abc", "Consultation abc")]
        r = admin_client.post(
            f"{ROOMS}{room.pk}/change/", _form(consultation_ids=["abc"])
        )
        assert r.status_code == 302
        room.refresh_from_db()
        assert room.consultation_ids == ["abc"]


class TestConsentDocumentsInline:
    ROW = {
        "consents-TOTAL_FORMS": "1",
        "consents-0-title_en": "Consent to telehealth",
        "consents-0-text_en": "Video visits have limits.",
        "consents-0-version": "2026-11",
        "consents-0-position": "0",
        "consents-0-required": "on",
        "consents-0-signature": "on",
        "consents-0-for_walkin": "on",
        "consents-0-active": "on",
    }

    def test_it_saves_a_room_s_consent_document(self, admin_client, room):
        r = admin_client.post(f"{ROOMS}{room.pk}/change/", _form(**self.ROW))
        assert r.status_code == 302
        doc = room.consents.get()
        assert (doc.title, doc.version, doc.signature) == (
            "Consent to telehealth",
            "2026-11",
            True,
        )
        assert (doc.for_walkin, doc.for_appointment, doc.for_econsult) == (
            True,
            False,
            False,
        )

    def test_one_for_no_visit_option_is_refused(self, admin_client, room):
        row = {**self.ROW, "consents-0-for_walkin": None}
        r = admin_client.post(f"{ROOMS}{room.pk}/change/", _form(**row))
        assert r.status_code == 200
        assert "Ask for it for at least one visit option." in r.content.decode()
        assert not room.consents.exists()


class TestRoomQuestionsInline:
    def test_it_saves_the_room_questions(self, admin_client, room):
        r = admin_client.post(
            f"{ROOMS}{room.pk}/change/",
            _form(questions=[{"key": "insurance", "label_en": "How will you pay?"}]),
        )
        assert r.status_code == 302
        assert room.questions.get().label == "How will you pay?"

    def test_two_new_rows_with_one_key_are_refused(self, admin_client, room):
        rows = [{"key": "insurance"}, {"key": "insurance", "label_en": "Another"}]
        r = admin_client.post(f"{ROOMS}{room.pk}/change/", _form(questions=rows))
        assert r.status_code == 200
        page = r.content.decode()
        assert page.count("already uses the key “insurance”") == 1
        assert "Please correct the duplicate data" not in page
        assert not IntakeQuestion.objects.exists()

    def test_a_shared_key_is_refused(self, admin_client, room):
        IntakeQuestion.objects.create(key="allergies", label="Any allergies?")
        r = admin_client.post(
            f"{ROOMS}{room.pk}/change/", _form(questions=[{"key": "allergies"}])
        )
        assert r.status_code == 200
        assert "already used by a shared question" in r.content.decode()
        assert not room.questions.exists()

    def test_a_shared_key_is_refused_for_a_new_room_too(self, admin_client, no_rooms):
        IntakeQuestion.objects.create(key="allergies", label="Any allergies?")
        r = admin_client.post(f"{ROOMS}add/", _form(questions=[{"key": "allergies"}]))
        assert r.status_code == 200
        assert "already used by a shared question" in r.content.decode()
        assert not Room.objects.exists()


def _question_form(**overrides) -> dict:
    data = {
        "room": "",
        "label_en": "Do you have allergies?",
        "help_text_en": "",
        "key": "allergies",
        "kind": "short_text",
        "choices_en": "",
        "position": "0",
        "active": "on",
        "for_walkin": "on",
        "for_appointment": "on",
        "for_econsult": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestQuestionAdmin:
    def test_it_adds_a_shared_question(self, admin_client, no_rooms):
        assert (
            admin_client.post(f"{QUESTIONS}add/", _question_form()).status_code == 302
        )
        assert IntakeQuestion.objects.get().room is None

    @pytest.mark.parametrize("shared", [True, False])
    def test_a_duplicate_key_is_a_form_error(self, admin_client, room, shared):
        where = None if shared else room
        IntakeQuestion.objects.create(room=where, key="allergies", label="First")
        r = admin_client.post(
            f"{QUESTIONS}add/", _question_form(room="" if shared else str(room.pk))
        )
        assert r.status_code == 200
        assert "already uses this key" in r.context["adminform"].form.errors["key"][0]
        assert IntakeQuestion.objects.count() == 1

    def test_a_shared_key_clashing_with_a_room_key_is_a_form_error(
        self, admin_client, room
    ):
        IntakeQuestion.objects.create(room=room, key="allergies", label="First")
        r = admin_client.post(f"{QUESTIONS}add/", _question_form())
        assert r.status_code == 200
        assert "key" in r.context["adminform"].form.errors
        assert IntakeQuestion.objects.count() == 1

    def test_retire_and_ask_again(self, admin_client, room):
        question = IntakeQuestion.objects.create(key="allergies", label="Allergies?")
        selected = {"_selected_action": [question.pk]}
        admin_client.post(QUESTIONS, {"action": "retire", **selected})
        question.refresh_from_db()
        assert question.active is False
        admin_client.post(QUESTIONS, {"action": "ask_again", **selected})
        question.refresh_from_db()
        assert question.active is True


class TestCheckVSeeConnection:
    def _check(self, client, *rooms):
        return client.post(
            ROOMS,
            {"action": "check_vsee", "_selected_action": [r.pk for r in rooms]},
            follow=True,
        )

    def test_it_reports_a_working_room(self, admin_client, room):
        [message] = _messages(self._check(admin_client, room))
        assert message.startswith(
            "Demo Clinic: VSee room found; 3 of its options are on"
        )
        assert "availability answered (" in message
        assert "free times in the next 7 days" in message

    def test_it_reports_vsee_errors_per_room(self, admin_client, room):
        unknown = Room.objects.create(
            code="no-such-room", display_name="Nowhere", attachment_kinds=["pdf"]
        )
        messages = _messages(self._check(admin_client, room, unknown))
        assert len(messages) == 2
        assert any(
            m.startswith("Nowhere: VSee said: Room not found (status 404, request id")
            for m in messages
        )
        assert any(m.startswith("Demo Clinic: VSee room found") for m in messages)

    def test_it_reports_vsee_being_down(self, admin_client, room, settings):
        settings.SANDBOX_FAULTS = DOWN
        [message] = _messages(self._check(admin_client, room))
        assert message.startswith(
            "Demo Clinic: VSee said: Sandbox fault injected (status 503"
        )

    def test_it_reports_availability_failing(self, admin_client, room, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "availability.get", "error_rate": 1.0, "error_status": 403}
        ]
        [message] = _messages(self._check(admin_client, room))
        assert (
            "availability failed. VSee said: Sandbox fault injected (status 403"
            in message
        )

    def test_it_skips_availability_without_appointments(self, admin_client, room):
        room.offers_appointment = False
        room.save()
        [message] = _messages(self._check(admin_client, room))
        assert "availability not checked (no appointments offered)" in message

    def test_the_button_on_the_room_page(self, admin_client, room):
        r = admin_client.post(f"{ROOMS}{room.pk}/check-vsee/", follow=True)
        assert r.redirect_chain[-1][0] == f"{ROOMS}{room.pk}/change/"
        assert any("VSee room found" in m for m in _messages(r))
        assert admin_client.get(f"{ROOMS}{room.pk}/check-vsee/").status_code == 405


class TestHelpTextsRenderAsWritten:
    def test_no_help_text_loses_words_to_html(self, admin_client, room):
        # Admin renders help texts as HTML: "<code>" would vanish from the page.
        for url in (f"{ROOMS}{room.pk}/change/", "/admin/clinic/intakequestion/add/"):
            page = admin_client.get(url).content.decode()
            assert "/rooms//" not in page
            assert "custom_." not in page and "custom_<" not in page


class TestKeysMadeFromQuestions:
    def test_questions_added_without_keys_get_them_from_their_words(
        self, admin_client, no_rooms
    ):
        questions = [
            {"key": "", "label_en": "Which pharmacy do you use?"},
            {"key": "", "label_en": "Your employer?"},
        ]
        r = admin_client.post(f"{ROOMS}add/", _form(questions))
        assert r.status_code == 302
        keys = set(IntakeQuestion.objects.values_list("key", flat=True))
        assert keys == {"which_pharmacy_do_you_use", "your_employer"}

    def test_two_new_questions_that_would_get_one_key_are_refused_plainly(
        self, admin_client, no_rooms
    ):
        same = {"key": "", "label_en": "Your pharmacy?"}
        r = admin_client.post(f"{ROOMS}add/", _form([same, same]))
        assert r.status_code == 200
        assert "already uses the key “your_pharmacy”" in r.content.decode()
        assert not IntakeQuestion.objects.exists()


def test_the_admin_header_names_the_clinic(admin_client, db):
    from portal.clinic.branding import Branding

    Branding.objects.update_or_create(pk=1, defaults={"clinic_name": "Sunrise Clinic"})
    page = admin_client.get("/admin/").content.decode()
    assert "Sunrise Clinic — patient portal" in page
