"""The clinic's own texts in English and Spanish: edited side by side in admin (language
tabs), shown in the patient's language, English where the Spanish is blank, and what
reaches VSee the same whichever language the patient read."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from portal.clinic.branding import Branding, current_branding
from portal.clinic.questions import IntakeQuestion, QuestionKind
from portal.clinic.rooms import Room
from tests.booking.test_intake import ANSWERS
from tests.clinic.test_rooms_admin import ROOMS, _form, get_room_calls  # noqa: F401

ROOM = "/rooms/demo-room/"
INTAKE = "/rooms/demo-room/walkin/"


class TestPatientsReadTheirLanguage:
    def test_the_room_page_is_in_spanish_where_the_clinic_wrote_it(
        self, client, vsee_live
    ):
        page = client.get(f"{ROOM}?lang=es").content.decode()
        assert "Demo Clinic — visitas en línea" in page
        assert "Bienvenido. Cuéntenos qué le pasa" in page
        assert "Clínica Demo" in page  # the clinic's name, from branding
        assert "online visits" not in page and "Welcome." not in page
        english = client.get(f"{ROOM}?lang=en").content.decode()
        assert "Demo Clinic — online visits" in english and "Clínica" not in english

    def test_a_blank_spanish_text_shows_the_english_one_never_nothing(
        self, client, vsee_live
    ):
        Room.objects.filter(code="demo-room").update(
            display_name_es="", welcome_text_es=None
        )
        page = client.get(f"{ROOM}?lang=es").content.decode()
        assert "Demo Clinic — online visits" in page
        assert "Welcome. Tell us what" in page

    def test_questions_and_choices_read_in_spanish(self, patient_client):
        page = patient_client.get(f"{INTAKE}?lang=es").content.decode()
        assert "¿Cómo va a pagar?" in page and "¿Le hemos atendido antes?" in page
        # The choice reads in Spanish; its value stays the English one VSee receives.
        assert 'value="Self-pay"' in page and "Pago propio" in page
        assert ">Self-pay<" not in page

    def test_a_spanish_label_is_refused_as_an_answer(self, patient_client):
        patient_client.post("/i18n/setlang/", {"language": "es", "next": INTAKE})
        r = patient_client.post(
            INTAKE, {**ANSWERS, "custom_insurance": "Pago propio"}, follow=True
        )
        assert r.redirect_chain[-1][0] == INTAKE  # the form again, not the next step
        assert "Elija una de las respuestas de la lista" in r.content.decode()

    def test_the_clinic_name_follows_the_language_through_the_cache(self, db):
        Branding.objects.update_or_create(
            pk=1, defaults={"clinic_name_en": "Sunrise", "clinic_name_es": "Amanecer"}
        )
        cache.clear()
        with translation.override("es"):
            assert current_branding()["clinic_name"] == "Amanecer"
        with translation.override("en"):
            assert current_branding()["clinic_name"] == "Sunrise"


class TestChoicesPerLanguage:
    def _question(self, **texts) -> IntakeQuestion:
        return IntakeQuestion(key="pay", kind=QuestionKind.SINGLE_CHOICE, **texts)

    def test_each_english_choice_is_labelled_by_the_spanish_line_in_its_place(self):
        q = self._question(
            choices_en="Insurance\nSelf-pay", choices_es="Seguro\nPropio"
        )
        with translation.override("es"):
            assert q.choice_pairs() == [("Insurance", "Seguro"), ("Self-pay", "Propio")]
        with translation.override("en"):
            assert q.choice_pairs() == [
                ("Insurance", "Insurance"),
                ("Self-pay", "Self-pay"),
            ]

    def test_a_spanish_list_that_does_not_match_is_refused_and_not_used(self, db):
        q = self._question(
            label_en="How will you pay?",
            choices_en="Insurance\nSelf-pay",
            choices_es="Seguro",
        )
        with pytest.raises(Exception) as refused:
            q.full_clean()
        assert "2 in English, 1 here" in str(refused.value.message_dict["choices_es"])
        with translation.override("es"):
            assert q.choice_pairs()[1] == ("Self-pay", "Self-pay")


class TestAdmin:
    def test_the_room_page_has_language_tabs_served_by_us(
        self, admin_client, vsee_live
    ):
        room = Room.objects.get(code="demo-room")
        page = admin_client.get(f"{ROOMS}{room.pk}/change/").content.decode()
        for name in ("display_name", "welcome_text", "emergency_notice"):
            assert f'name="{name}_en"' in page and f'name="{name}_es"' in page
        # Questions and consent documents (inlines) too.
        assert 'name="questions-0-label_es"' in page
        assert "/static/vendor/jquery-ui/jquery-ui-tabs.js" in page
        assert "tabbed_translation_fields.js" in page
        assert "googleapis" not in page  # no script from elsewhere

    def test_staff_save_both_languages(
        self,
        admin_client,
        no_rooms,  # noqa: F811
        get_room_calls,  # noqa: F811
    ):
        r = admin_client.post(
            f"{ROOMS}add/",
            _form(display_name_es="Clínica de prueba", welcome_text_es="Hola."),
        )
        assert r.status_code == 302
        room = Room.objects.get(code="demo-room")
        assert (room.display_name_en, room.display_name_es) == (
            "Demo Clinic",
            "Clínica de prueba",
        )
        with translation.override("es"):
            assert room.welcome_text == "Hola."

    def test_a_new_room_starts_with_the_shipped_texts_in_spanish(self, db):
        room = Room(code="new", display_name_en="New")
        assert room.emergency_notice_es == "Si es una emergencia, llame al 911."
        assert room.attachment_prompt_es.startswith("Foto de su tarjeta")
        assert room.emergency_notice_en == "If this is an emergency, call 911."


@pytest.mark.django_db(transaction=True)
class TestDataMigration:
    def test_today_s_texts_become_the_english_ones(self):
        executor = MigrationExecutor(connection)
        before = [("clinic", "0015_emails")]
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        old.get_model("clinic", "Room").objects.create(
            code="old",
            display_name="Urgent care",
            emergency_notice="If this is an emergency, call 911.",
            closed_message="Closed on Sundays.",
            attachment_prompt="",
            attachment_kinds=[],
        )
        old.get_model("clinic", "Branding").objects.create(pk=1, clinic_name="Sunrise")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        room = Room.objects.get(code="old")
        assert room.display_name_en == "Urgent care" and room.display_name_es is None
        # A shipped default kept by the clinic gets its Spanish; the clinic's own words
        # wait for a translation, and the patient reads English meanwhile.
        assert room.emergency_notice_es == "Si es una emergencia, llame al 911."
        assert room.closed_message_es is None
        with translation.override("es"):
            assert room.closed_message == "Closed on Sundays."
        assert Branding.objects.get().clinic_name_en == "Sunrise"


def test_branding_kept_by_the_last_release_is_not_read(db):
    # Before per-language names, the kept branding had no "clinic_names": a shared cache
    # may still hold it after a deploy, and pages must not fail on it.
    cache.clear()
    cache.set("clinic:branding", {"clinic_name": "Old", "primary_colour": "#0b5cad"})
    Branding.objects.update_or_create(pk=1, defaults={"clinic_name_en": "Sunrise"})
    assert current_branding()["clinic_name"] == "Sunrise"
