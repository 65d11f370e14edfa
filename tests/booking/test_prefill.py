"""A returning patient's stable answers, filled in from their previous visit in VSee."""

from __future__ import annotations

import html
import re

from portal.clinic.questions import IntakeQuestion
from sandbox.models import SandboxIntake
from tests.booking.test_intake import ANSWERS
from tests.conftest import spy

URL = "/rooms/demo-room/econsult/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def said_filled_in(response) -> list[str]:
    """The answers the notice says were filled in from the last visit."""
    found = re.search(r"from your last visit\..*?<ul>(.*?)</ul>", text(response), re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def field_values(response) -> dict:
    """The form's initial values, as the page shows them."""
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


class TestFilledInFromTheLastVisit:
    def test_state_phone_and_remembered_questions_are_filled_in_and_said(
        self, returning
    ):
        r = returning.get(URL)
        values = field_values(r)
        assert values["location"] == "NY"
        assert values["phone"] == "212 555 0100"
        assert values["custom_insurance"] == "Self-pay"  # remembered in the demo
        # Not remembered: what changes from visit to visit.
        assert not values["reason_for_visit"] and not values["custom_allergies"]
        assert not values["custom_seen_before"]
        assert said_filled_in(r) == [
            "Which state are you in right now?",
            "Phone number",
            "How will you pay?",
        ]

    def test_they_can_be_changed_and_what_is_sent_is_the_change(self, returning):
        returning.get(URL)
        answers = {
            **ANSWERS,
            "reason_for_visit": "A rash",
            "custom_insurance": "Insurance",
        }
        assert returning.post(URL, answers).status_code == 302
        intake = SandboxIntake.objects.get(
            pk=returning.session["booking.draft"]["intake_id"]
        )
        assert intake.data["custom_insurance"] == "Insurance"
        # Once changed, the notice no longer claims it was filled in.
        assert "How will you pay?" not in said_filled_in(returning.get(URL))

    def test_a_question_not_marked_is_not_filled_in(self, returning):
        IntakeQuestion.objects.filter(key="insurance").update(remember=False)
        assert not field_values(returning.get(URL))["custom_insurance"]

    def test_a_yes_or_no_answer_comes_back_as_it_was_given(self, returning):
        IntakeQuestion.objects.filter(key="seen_before").update(remember=True)
        assert field_values(returning.get(URL))["custom_seen_before"] == "no"

    def test_a_first_visit_has_nothing_filled_in(self, patient_client):
        r = patient_client.get(URL)
        assert "from your last visit" not in text(r)
        assert not field_values(r)["location"]

    def test_vsee_not_answering_just_leaves_them_empty(self, returning, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.list", "error_rate": 1.0, "error_status": 503}
        ]
        r = returning.get(URL)
        assert r.status_code == 200
        assert not field_values(r)["location"]

    def test_it_is_looked_for_once_per_visit_being_prepared(
        self, returning, monkeypatch
    ):
        from portal.vsee.client import VSeeClient

        calls = spy(monkeypatch, VSeeClient, "visit_list")
        returning.get(URL)
        returning.get(URL)
        assert len(calls) == 1

    def test_a_visit_for_someone_in_care_does_not_keep_the_patient_s_answers(
        self, returning
    ):
        returning.get(URL)
        r = returning.post(URL, {**ANSWERS, "who": "new"})
        r = returning.post(
            r["Location"], {"first_name": "Mia", "last_name": "L", "dob": "2018-04-02"}
        )
        r = returning.get(URL)
        values = field_values(r)
        assert not values["custom_insurance"] and not values["location"]
        assert "from your last visit" not in text(r)
