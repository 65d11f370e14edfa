"""Django's choice widgets, with their options written in one place.

Django renders every option through three or four nested templates of its own (option,
input, attributes), which made the options the intake form's costliest part: the state
list alone took about 2 ms of every look at the form, its radios as much again. These
write the same HTML, the radios and checkboxes from one template each, the long select
from Python, for flat lists (no groups), which is all a patient's form has
(tests/booking/test_widgets.py compares them with Django's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

# In the app's templates/: the form renderer looks in apps, not in the project's folder.
CHOICES_TEMPLATE = "booking/widgets/choices.html"
SELECTED = mark_safe(" selected")


class ListSelect(forms.Select):
    """A long list (the states): its options are written here, in Python, where even a
    loop in a template cost about a millisecond."""

    template_name = "booking/widgets/select.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["options"] = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option["value"],
                    SELECTED if option["selected"] else "",
                    option["label"],
                )
                for _group, options, _index in context["widget"]["optgroups"]
                for option in options
            ),
        )
        return context


class Radios(forms.RadioSelect):
    template_name = CHOICES_TEMPLATE


class Checkboxes(forms.CheckboxSelectMultiple):
    template_name = CHOICES_TEMPLATE
