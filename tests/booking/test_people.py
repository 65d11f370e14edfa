"""Visits for someone in the patient's care: their own VSee record, on the patient's list
from then on, their visits labelled in the history, the patient's own record untouched."""

from __future__ import annotations

import html

import pytest

from portal.clinic.rooms import Room
from portal.patients.identity import patient_code
from portal.patients.models import CareLink, KnownPatient
from sandbox.models import (
    SandboxConsultation,
    SandboxIntake,
    SandboxUser,
    SandboxVisit,
)
from tests.booking.test_intake import ANSWERS
from tests.conftest import ADA, BEN, made_visit_id, sign_in_by_email

MIA = {"first_name": "Mia", "last_name": "Lovelace", "dob": "2018-04-02"}


def intake_url(option: str) -> str:
    return f"/rooms/demo-room/{option}/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def ada_in_vsee() -> SandboxUser:
    return SandboxUser.objects.get(code=patient_code(ADA["email"]))


def add_mia(client, option: str = "walkin") -> str:
    """From the intake form: "Someone else in my care", then Mia's details; return her key."""
    r = client.post(intake_url(option), {**ANSWERS, "who": "new"})
    assert r["Location"] == f"{intake_url(option)}someone/"
    r = client.post(r["Location"], MIA)
    assert r["Location"] == intake_url(option)
    return client.session["booking.draft"]["person"]


def book_for(client, option: str, key: str) -> SandboxVisit:
    before = set(SandboxVisit.objects.values_list("pk", flat=True))
    r = client.post(intake_url(option), {**ANSWERS, "who": key})
    assert r.status_code == 302, text(r)[:400]
    if option == "appointment":  # the first free time, through the picker
        time_url = "/rooms/demo-room/appointment/time/"
        quick = str(SandboxConsultation.objects.get(duration=15).id)
        r = client.get(time_url, {"consultation": quick})
        slot = next(s for d in r.context["picker"].days for s in d.slots)
        r = client.post(time_url, {"consultation": quick, "slot": slot.value})
        assert r["Location"].endswith("/review/")
    r = client.post(f"{intake_url(option)}review/")
    assert r.status_code == 302 and made_visit_id(r["Location"]), text(r)[:400]
    [visit] = SandboxVisit.objects.exclude(pk__in=before)
    return visit


class TestWhoIsThisVisitFor:
    def test_the_form_asks_first_me_or_someone_in_my_care(self, patient_client):
        page = text(patient_client.get(intake_url("walkin")))
        assert "Who is this visit for?" in page
        assert "Me (Ada)" in page and "Someone else in my care" in page
        assert 'name="who" value="me"' in page and "checked" in page

    def test_a_guest_is_not_asked(self, client, vsee_live):
        client.post(
            "/sign-in/guest/?next=/rooms/demo-room/walkin/",
            {
                **{k: ADA[k] for k in ("first_name", "last_name", "dob")},
                "next": "/rooms/demo-room/walkin/",
            },
        )
        assert "Who is this visit for?" not in text(client.get(intake_url("walkin")))

    def test_a_room_that_does_not_book_for_others_does_not_ask(self, patient_client):
        Room.objects.filter(code="demo-room").update(allow_family=False)
        assert "Who is this visit for?" not in text(
            patient_client.get(intake_url("walkin"))
        )
        assert patient_client.get(f"{intake_url('walkin')}someone/")[
            "Location"
        ] == intake_url("walkin")

    def test_someone_new_is_added_with_the_answers_kept(self, patient_client):
        key = add_mia(patient_client)
        page = text(patient_client.get(intake_url("walkin")))
        assert "Mia is on your list now. This visit is for Mia." in page
        assert f'name="who" value="{key}"' in page
        assert "Sore throat for three days" in page  # the answers were kept
        assert CareLink.objects.count() == 1

    def test_adding_the_same_person_again_finds_the_same_record(self, patient_client):
        first = add_mia(patient_client)
        again = patient_client.post(
            f"{intake_url('walkin')}someone/",
            {"first_name": " mia ", "last_name": "LOVELACE", "dob": MIA["dob"]},
        )
        assert again.status_code == 302
        assert patient_client.session["booking.draft"]["person"] == first
        assert CareLink.objects.count() == 1
        assert KnownPatient.objects.count() == 2  # Ada and Mia

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("first_name", "", "Enter their first name."),
            ("last_name", "R2D2", "Enter their last name using letters"),
            ("dob", "2099-01-01", "Their date of birth must be in the past."),
        ],
    )
    def test_bad_details_are_explained(self, patient_client, field, value, message):
        someone = f"{intake_url('walkin')}someone/"
        r = patient_client.post(someone, {**MIA, field: value}, follow=True)
        assert r.redirect_chain == [(someone, 302)] and message in text(r)
        assert not CareLink.objects.exists()
        assert message not in text(patient_client.get(someone))  # said once

    def test_the_patient_s_own_details_are_not_someone_else(self, patient_client):
        mine = {k: ADA[k] for k in ("first_name", "last_name", "dob")}
        r = patient_client.post(f"{intake_url('walkin')}someone/", mine, follow=True)
        assert "Those are your own details" in text(r)
        assert not CareLink.objects.exists()

    def test_a_key_not_on_the_list_is_refused(self, patient_client):
        r = patient_client.post(
            intake_url("walkin"), {**ANSWERS, "who": "999"}, follow=True
        )
        assert r.status_code == 200
        assert "Choose who this visit is for from the list." in text(r)


class TestBookingForMia:
    @pytest.mark.parametrize("option", ["walkin", "econsult", "appointment"])
    def test_each_option_makes_her_visit_and_leaves_ada_s_record_alone(
        self, patient_client, option
    ):
        ada = ada_in_vsee()
        before = (ada.first_name, ada.last_name, ada.dob, ada.email)
        ada_intakes = SandboxIntake.objects.filter(member=ada).count()
        key = add_mia(patient_client, option)
        visit = book_for(patient_client, option, key)
        mia = visit.member
        assert (mia.first_name, mia.last_name, mia.dob.isoformat()) == (
            "Mia",
            "Lovelace",
            "2018-04-02",
        )
        assert mia.pk != ada.pk and mia.code.startswith("fm-")
        assert visit.intake.member_id == mia.pk
        ada = ada_in_vsee()
        assert (ada.first_name, ada.last_name, ada.dob, ada.email) == before
        assert SandboxIntake.objects.filter(member=ada).count() == ada_intakes
        assert not SandboxVisit.objects.filter(member=ada).exists()
        page = text(patient_client.get(f"/booked/{visit.pk}/"))
        assert "For" in page and "Mia" in page

    def test_switching_back_to_me_starts_a_new_intake_of_ada_s(self, patient_client):
        key = add_mia(patient_client)
        patient_client.post(intake_url("walkin"), {**ANSWERS, "who": key})
        mias = patient_client.session["booking.draft"]["intake_id"]
        patient_client.post(intake_url("walkin"), {**ANSWERS, "who": "me"})
        draft = patient_client.session["booking.draft"]
        assert draft["person"] == "" and draft["intake_id"] != mias
        assert SandboxIntake.objects.get(pk=draft["intake_id"]).member == ada_in_vsee()

    def test_the_review_says_whom_it_is_for(self, patient_client):
        key = add_mia(patient_client)
        patient_client.post(intake_url("walkin"), {**ANSWERS, "who": key})
        page = text(patient_client.get(f"{intake_url('walkin')}review/"))
        assert "<dt>For</dt><dd>Mia</dd>" in page


class TestTheHistory:
    @pytest.fixture
    def booked(self, patient_client) -> tuple[str, SandboxVisit, SandboxVisit]:
        key = add_mia(patient_client, "appointment")
        mias = book_for(patient_client, "appointment", key)
        mine = book_for(patient_client, "econsult", "me")
        return key, mias, mine

    def test_her_visits_are_labelled_and_can_be_shown_alone(
        self, patient_client, booked
    ):
        key, mias, mine = booked
        page = text(patient_client.get("/visits/"))
        assert (
            f'href="/visits/{mias.pk}/"' in page
            and f'href="/visits/{mine.pk}/"' in page
        )
        assert "For Mia" in page
        only_mia = text(patient_client.get("/visits/", {"person": key}))
        assert (
            f"/visits/{mias.pk}/" in only_mia and f"/visits/{mine.pk}/" not in only_mia
        )
        only_me = text(patient_client.get("/visits/", {"person": "me"}))
        assert f"/visits/{mine.pk}/" in only_me and f"/visits/{mias.pk}/" not in only_me

    @pytest.mark.parametrize("odd", ["999", "x' or 1=1", "-1"])
    def test_someone_not_on_the_list_shows_everyone_and_says_so(
        self, patient_client, booked, odd
    ):
        r = patient_client.get("/visits/", {"person": odd})
        assert r.status_code == 200
        assert "isn't on your list" in text(r)
        assert f"/visits/{booked[1].pk}/" in text(r)

    def test_her_visit_opens_and_can_be_cancelled(self, patient_client, booked):
        _, mias, _ = booked
        page = text(patient_client.get(f"/visits/{mias.pk}/"))
        assert "Appointment for Mia" in page
        r = patient_client.post(f"/visits/{mias.pk}/cancel/")
        assert r.status_code in (200, 302)
        mias.refresh_from_db()
        assert mias.status == SandboxVisit.CANCELLED

    def test_a_link_to_her_visit_works_in_a_new_session(
        self, patient_client, booked, client, mailoutbox
    ):
        _, mias, _ = booked
        patient_client.post("/sign-out/")
        sign_in_by_email(client, mailoutbox, ADA, f"/visits/{mias.pk}/")
        assert "Appointment for Mia" in text(client.get(f"/visits/{mias.pk}/"))

    def test_another_patient_cannot_open_it(self, patient_client, booked, mailoutbox):
        _, mias, _ = booked
        patient_client.post("/sign-out/")
        sign_in_by_email(patient_client, mailoutbox, BEN)
        assert patient_client.get(f"/visits/{mias.pk}/").status_code == 404


def test_the_demo_s_ada_finds_leo_s_visit_labelled(linked_client):
    page = text(linked_client.get("/visits/"))
    assert "For Leo" in page
    leo = SandboxVisit.objects.get(member__first_name="Leo")
    assert (
        "Appointment"
        not in text(linked_client.get(f"/visits/{leo.pk}/")).split("<h1>")[1][:40]
    )
    assert "Video visit for Leo" in text(linked_client.get(f"/visits/{leo.pk}/"))


@pytest.fixture
def linked_client(vsee_live, client, mailoutbox):
    from sandbox.demo import link_demo_patients

    link_demo_patients()
    sign_in_by_email(client, mailoutbox, ADA)
    return client


def test_someone_new_is_asked_for_before_the_rest_of_the_form_is_checked(
    patient_client,
):
    r = patient_client.post(
        intake_url("walkin"), {"who": "new", "reason_for_visit": "Earache"}
    )
    assert r["Location"] == f"{intake_url('walkin')}someone/"
    assert patient_client.session["booking.draft"]["answers"]["reason_for_visit"] == (
        "Earache"
    )
