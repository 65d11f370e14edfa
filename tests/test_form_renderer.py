"""portal/form_renderer.py writes what Django's templates write for the plainest
widgets, character for character."""

from __future__ import annotations

import datetime
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from portal.form_renderer import INPUT_KINDS, INPUTS, PortalFormRenderer

WIDGETS = [
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.HiddenInput,
    forms.PasswordInput,
    forms.URLInput,
    forms.CheckboxInput,
    forms.FileInput,
    forms.Textarea,
]
VALUES = [
    None,
    "",
    'Sore throat & <fever> "3" days\'',
    "\nstarts with a newline",
    mark_safe("<b>kept</b>"),
    0,
    42,
    True,
    datetime.date(2026, 11, 29),
]
ATTRS = [
    None,
    {"class": "wide", "maxlength": 100},
    {
        "aria-required": "true",
        "aria-invalid": "true",
        "aria-describedby": "field-reason_error field-reason_hint",
        "autocomplete": "tel",
        "disabled": True,
        "readonly": False,
        "data-note": mark_safe("<i>safe</i>"),
        "placeholder": 'e.g. <none> & "quotes"',
    },
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("widget_class", WIDGETS)
def test_it_writes_what_django_s_templates_write(widget_class, value, attrs):
    widget = widget_class(attrs=attrs)
    args = ("answer", value, {"id": "id_answer"})
    ours = widget.render(*args, renderer=PortalFormRenderer())
    assert ours == widget.render(*args, renderer=DjangoTemplates())


def test_the_widgets_it_writes_are_input_html_under_another_name():
    # A later Django that gives one of them more than input.html fails here first.
    folder = Path(django.__file__).parent / "forms/templates/django/forms/widgets"
    for kind in INPUT_KINDS:
        source = (folder / f"{kind}.html").read_text().strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', kind
    assert len(INPUTS) == len(INPUT_KINDS) + 1


def test_the_project_overrides_none_of_them(settings):
    renderer = PortalFormRenderer()
    for name in INPUTS:
        origin = renderer.get_template(name).origin.name
        assert origin.startswith(str(Path(django.__file__).parent)), origin


def test_forms_use_it(settings):
    assert settings.FORM_RENDERER == "portal.form_renderer.PortalFormRenderer"
    field = forms.CharField(widget=forms.Textarea)
    form = type("F", (forms.Form,), {"reason": field})(data={"reason": "a < b"})
    assert str(form["reason"]).startswith('<textarea name="reason" cols="40"')
    assert "a &lt; b</textarea>" in str(form["reason"])
