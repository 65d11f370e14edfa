"""A room's VSee consultation types named in Spanish by the clinic: patients reading
Spanish see the clinic's name, in English (or where none is given) VSee's; VSee still
receives its own."""

from __future__ import annotations

import html

import pytest

from portal.clinic.rooms import Room
from sandbox.models import SandboxConsultation, SandboxIntake
from tests.booking.test_intake import ANSWERS
from tests.booking.test_review import choose_a_slot
from tests.clinic.test_rooms_admin import _form

ROOMS = "/admin/clinic/room/"
ROOM = "/rooms/demo-room/"
TIME = "/rooms/demo-room/appointment/time/"
REVIEW = "/rooms/demo-room/appointment/review/"


@pytest.fixture
def quick(vsee_live) -> str:
    return str(SandboxConsultation.objects.get(description="Quick video visit").id)


@pytest.fixture
def standard(vsee_live) -> str:
    return str(SandboxConsultation.objects.get(description="Standard video visit").id)


def name_in_spanish(names: dict[str, str]) -> None:
    room = Room.objects.get(code="demo-room")
    room.consultation_names = {i: {"es": name} for i, name in names.items()}
    room.save()


def read(response) -> str:
    return html.unescape(response.content.decode())


class TestAdmin:
    def test_each_type_vsee_lists_has_a_labelled_box_per_language(
        self, admin_client, room, quick
    ):
        page = read(admin_client.get(f"{ROOMS}{room.pk}/change/"))
        box = f"id_consultation_names-es-{quick}"
        assert f'<label for="{box}">Quick video visit — 15 min, in Spanish</label>' in (
            page
        )
        assert f'id="{box}" name="consultation_names-es-{quick}" value=""' in page

    def test_names_given_are_saved_and_blank_ones_left_out(
        self, admin_client, room, quick, standard
    ):
        data = _form(
            **{
                f"consultation_names-es-{quick}": "  Visita rápida ",
                f"consultation_names-es-{standard}": " ",
            }
        )
        r = admin_client.post(f"{ROOMS}{room.pk}/change/", data)
        assert r.status_code == 302, r.content.decode()[:500]
        room.refresh_from_db()
        assert room.consultation_names == {quick: {"es": "Visita rápida"}}
        # Shown again in its box, and emptied by an empty box.
        page = read(admin_client.get(f"{ROOMS}{room.pk}/change/"))
        assert f'name="consultation_names-es-{quick}" value="Visita rápida"' in page
        admin_client.post(f"{ROOMS}{room.pk}/change/", _form())
        room.refresh_from_db()
        assert room.consultation_names == {}

    def test_a_name_survives_a_save_while_vsee_is_down(
        self, admin_client, room, quick, settings
    ):
        room.consultation_names = {quick: {"es": "Visita rápida"}}
        room.save()
        settings.SANDBOX_FAULTS = [
            {"endpoint": "rooms.get", "error_rate": 1.0, "error_status": 503}
        ]
        page = read(admin_client.get(f"{ROOMS}{room.pk}/change/"))
        assert f'name="consultation_names-es-{quick}" value="Visita rápida"' in page


class TestPatients:
    def test_the_room_page_names_the_types_in_the_patient_s_language(
        self, client, quick
    ):
        name_in_spanish({quick: "Visita rápida"})
        spanish = read(client.get(ROOM + "?lang=es"))
        assert "Visita rápida" in spanish
        # Not named: VSee's own.
        assert "Standard video visit" in spanish
        english = read(client.get(ROOM + "?lang=en"))
        assert "Quick video visit" in english and "Visita rápida" not in english

    def test_a_kept_room_page_shows_a_new_name_at_once(self, client, quick):
        name_in_spanish({})
        assert "Quick video visit" in read(client.get(ROOM + "?lang=es"))
        name_in_spanish({quick: "Visita rápida"})
        assert "Visita rápida" in read(client.get(ROOM + "?lang=es"))

    def test_picker_and_review_name_it_and_vsee_receives_its_own(
        self, patient_client, quick
    ):
        name_in_spanish({quick: "Visita rápida"})
        patient_client.get(ROOM + "?lang=es")
        r = patient_client.post("/rooms/demo-room/appointment/", ANSWERS)
        assert r.status_code == 302
        choice = read(patient_client.get(TIME))
        assert "Visita rápida" in choice and "Quick video visit" not in choice
        picker = read(patient_client.get(TIME, {"consultation": quick}))
        assert "<strong>Visita rápida</strong>" in picker
        choose_a_slot(patient_client)
        review = read(patient_client.get(REVIEW))
        assert "Visita rápida" in review and "Quick video visit" not in review
        r = patient_client.post(REVIEW)
        assert r.status_code == 302
        intake = SandboxIntake.objects.get(
            pk=patient_client.session["booking.draft"]["intake_id"]
        )
        assert intake.data["consultation"]["description"] == "Quick video visit"
