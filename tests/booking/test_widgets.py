"""portal/booking/widgets.py writes what Django's own choice widgets write, option for
option, with every attribute a patient's form gives them."""

from __future__ import annotations

import re

import pytest
from django import forms

from portal.booking.us_states import US_STATES
from portal.booking.widgets import Checkboxes, ListSelect, Radios

CHOICES = [("Self-pay", "Self-pay"), ("Medicare", "Medicare"), ("<b>", "Other & <i>")]
ATTRS = [
    None,
    {"class": "choices--inline"},
    {"aria-required": "true", "aria-invalid": "true", "aria-describedby": "x_error"},
]


def same_html(html: str) -> str:
    """Django's nested templates leave newlines where ours leave a space or nothing:
    whitespace between tags, or a run of it in text, shows as the same page."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html.strip()))


def rendered(widget_class, attrs, choices, value) -> str:
    widget = widget_class(attrs=attrs, choices=choices)
    return same_html(widget.render("answer", value, attrs={"id": "id_answer"}))


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "Medicare", "<b>"])
def test_radios_write_what_django_s_write(attrs, value):
    ours = rendered(Radios, attrs, CHOICES, value)
    assert ours == rendered(forms.RadioSelect, attrs, CHOICES, value)
    assert ours.count(" checked") == (value is not None)
    assert bool(re.search(r'value="Medicare"[^>]* checked', ours)) == (
        value == "Medicare"
    )
    assert "Other &amp; &lt;i&gt;" in ours  # escaped, as Django escapes it


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, [], ["Self-pay", "<b>"]])
def test_checkboxes_write_what_django_s_write(attrs, value):
    ours = rendered(Checkboxes, attrs, CHOICES, value)
    assert ours == rendered(forms.CheckboxSelectMultiple, attrs, CHOICES, value)
    assert ours.count(" checked") == len(value or [])


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "NY"])
def test_the_state_list_writes_what_django_s_select_writes(attrs, value):
    choices = [("", "Choose a state"), *US_STATES]
    ours = rendered(ListSelect, attrs, choices, value)
    assert ours == rendered(forms.Select, attrs, choices, value)
    assert ours.count("<option") == 1 + len(US_STATES)
    assert ('<option value="NY" selected>' in ours) == (value == "NY")
