"""The patient's language: the browser's first, a switch on every page that keeps the
place and the draft, `?lang=` for links and embeds, English for staff; what reaches VSee
is the same in either language."""

from __future__ import annotations

import re

from django.conf import settings

from portal.notices.models import Notice
from portal.notices.sending import send_due
from sandbox.models import SandboxIntake
from tests.booking.test_intake import ANSWERS

ROOM = "/rooms/demo-room/"
INTAKE = "/rooms/demo-room/walkin/"
EMERGENCY_ES = "Si es una emergencia, llame al 911."
HOW_ES = "¿Cómo prefiere recibir atención?"  # the room page's question


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


class TestChoosing:
    def test_the_browser_s_language_decides_the_first_page(self, client, vsee_live):
        page = client.get(ROOM, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
        assert html_lang(page) == "es" and HOW_ES in page
        # The clinic's own words too, as the clinic wrote them in Spanish.
        assert "Demo Clinic — visitas en línea" in page
        english = client.get(ROOM, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
        assert (
            html_lang(english) == "en" and "How would you like to be seen?" in english
        )

    def test_a_link_or_an_embed_names_it_and_it_is_kept(self, client, vsee_live):
        r = client.get(f"{ROOM}?lang=es")
        assert html_lang(r.content.decode()) == "es"
        assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
        later = client.get(ROOM, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert html_lang(later) == "es"  # the choice outranks the browser
        assert html_lang(client.get(f"{ROOM}?lang=xx").content.decode()) == "es"

    def test_the_switch_keeps_the_place_and_the_draft(self, patient_client):
        patient_client.post(
            INTAKE, {**ANSWERS, "reason_for_visit": "Dolor de garganta"}
        )
        page = patient_client.get(f"{INTAKE}?lang=es").content.decode()
        # The switch offers the other language in its own words, back to this page
        # without the lang= that would switch it back.
        assert 'name="language" value="en" lang="en"' in page and ">English<" in page
        assert f'name="next" value="{INTAKE}"' in page
        r = patient_client.post(
            "/i18n/setlang/", {"language": "en", "next": INTAKE}, follow=True
        )
        assert r.redirect_chain[-1][0] == INTAKE
        page = r.content.decode()
        assert html_lang(page) == "en" and "Dolor de garganta" in page

    def test_the_switch_keeps_the_place_on_a_page_and_nothing_else(self, client, db):
        page = client.get("/sign-in/?next=/visits/&token=abc.def").content.decode()
        assert 'name="next" value="/sign-in/"' in page  # no token, no next: not a place
        picker = client.get(
            "/rooms/demo-room/appointment/time/?week=2&day=3&lang=es&x=1"
        ).content.decode()
        assert (
            'name="next" value="/rooms/demo-room/appointment/time/?week=2&amp;day=3"'
            in picker
        )

    def test_staff_pages_stay_in_english(self, admin_client):
        page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert html_lang(page).startswith("en") and "Site administration" in page


class TestWhatGoesOut:
    def test_vsee_gets_the_same_answers_in_either_language(self, patient_client):
        sent = {}
        for language in ("en", "es"):
            patient_client.post(
                "/i18n/setlang/", {"language": language, "next": INTAKE}
            )
            patient_client.post(INTAKE, ANSWERS)
            intake_id = patient_client.session["booking.draft"]["intake_id"]
            sent[language] = dict(SandboxIntake.objects.get(pk=intake_id).data)
        assert sent["es"] == sent["en"]
        assert sent["es"]["custom_seen_before"] == "false"  # the answer "No", as a key
        # A choice read as "Pago propio" goes as the clinic's English wording.
        assert sent["es"]["custom_insurance"] == "Self-pay"
        assert sent["es"]["location"] == "NY"

    def test_emails_are_in_the_language_the_patient_booked_in(
        self, patient_client, mailoutbox
    ):
        patient_client.post("/i18n/setlang/", {"language": "es", "next": INTAKE})
        patient_client.post("/rooms/demo-room/econsult/", ANSWERS)
        patient_client.post("/rooms/demo-room/econsult/review/")
        assert Notice.objects.get().language == "es"
        mailoutbox.clear()
        send_due()
        [mail] = mailoutbox
        assert mail.subject == "Se envió su pregunta a Clínica Demo"  # the Spanish name
        assert '<html lang="es">' in mail.alternatives[0][0]
        assert EMERGENCY_ES in mail.body


class TestFormats:
    def test_spanish_amounts_are_written_as_in_the_united_states(self):
        from django.template.defaultfilters import floatformat
        from django.utils import translation

        # The review's price ({{ amount|floatformat:2 }}) and any grouped number: es-US
        # writes $1,234.50, where Django's Spanish (Spain's) would write 1.234,50.
        with translation.override("es"):
            assert floatformat(25, 2) == "25.00"
            assert floatformat(1234.5, "2g") == "1,234.50"

    def test_spanish_times_and_dates_read_in_spanish(self):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from django.utils import translation

        from portal.booking.summary import format_when

        moment = datetime(2026, 12, 1, 14, 30, tzinfo=ZoneInfo("America/New_York"))
        with translation.override("es"):
            said = format_when(int(moment.timestamp()), "America/New_York")
        assert said == "martes, 1 de diciembre de 2026, 2:30 p. m. EST"
