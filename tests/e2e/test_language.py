"""Spanish in a real browser: the browser's language first, the switch by keyboard,
the place and the answers kept, axe in either language at the narrowest width."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADA
from tests.e2e.conftest import NARROW, assert_accessible, watch_policy

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish_page(chromium):
    context = chromium.new_context(
        viewport=NARROW, locale="es-MX", timezone_id="America/New_York"
    )
    page = context.new_page()
    blocked = watch_policy(page)
    yield page
    context.close()
    assert blocked == []


def test_a_spanish_browser_gets_spanish_and_the_switch_keeps_the_answers(
    spanish_page, live_server, vsee_live, mailoutbox
):
    page = spanish_page
    page.goto(live_server.url + "/rooms/demo-room/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("heading", name="¿Cómo prefiere recibir atención?").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Ver a un médico ahora").click()
    page.get_by_role("heading", name="Iniciar sesión").wait_for()
    page.get_by_label("Correo electrónico").fill(ADA["email"])
    page.get_by_role("button", name="Enviarme un código por correo").click()
    page.get_by_role("heading", name="Revise su correo electrónico").wait_for()
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    page.get_by_label("Código de 6 dígitos").fill(code)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_role("heading", name="Sobre usted", exact=True).wait_for()
    page.get_by_label("Nombre").fill(ADA["first_name"])
    page.get_by_label("Apellido").fill(ADA["last_name"])
    page.get_by_label("Fecha de nacimiento").fill(ADA["dob"])
    page.get_by_role("button", name="Continuar").click()
    page.get_by_role("heading", name="Sobre su consulta").wait_for()
    page.get_by_label("¿Cuál es el motivo de su consulta hoy?").fill(
        "Dolor de garganta"
    )
    page.get_by_role("button", name="Continuar").click()
    page.get_by_role(
        "heading", name=re.compile(r"^Hay (un problema|\d+ problemas)$")
    ).wait_for()
    assert_accessible(page)

    # The switch by keyboard: the same page in English, the answer still there.
    switch = page.get_by_role("button", name="English")
    assert switch.get_attribute("lang") == "en"
    switch.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="About your visit").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("What brings you in today?").input_value() == (
        "Dolor de garganta"
    )
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Sobre su consulta").wait_for()
    assert_accessible(page)
