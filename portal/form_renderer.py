"""Django's form renderer, with its plainest widgets written in Python.

Through Django's templates a text box is three nested templates (its type's, input.html,
attrs.html). The intake form has a dozen fields, and under the Procfile's server their
widgets took about a quarter of the page's CPU (py-spy, bench/README.md). These write
the same HTML, for the templates that are only input.html under another name, and for
the textarea (tests/test_form_renderer.py compares them with Django's own, attribute for
attribute); every other template is rendered by Django as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# Each of these is `{% include "django/forms/widgets/input.html" %}` and nothing else.
INPUT_KINDS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
INPUTS = frozenset(
    [f"{WIDGETS}input.html"] + [f"{WIDGETS}{k}.html" for k in INPUT_KINDS]
)
TEXTAREA = f"{WIDGETS}textarea.html"


class PortalFormRenderer(DjangoTemplates):
    def render(
        self,
        template_name: str,
        context: dict[str, Any],
        request: HttpRequest | None = None,
    ) -> str:
        if template_name in INPUTS:
            return input_html(context["widget"])
        if template_name == TEXTAREA:
            return textarea_html(context["widget"])
        return super().render(template_name, context, request)


def input_html(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_as_text(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def textarea_html(widget: dict[str, Any]) -> str:
    # The newline after the opening tag is Django's too: a browser drops it, so text
    # that starts with a newline keeps it.
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"'
        f"{_attrs(widget['attrs'])}>\n{value}</textarea>"
    )


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _as_text(value: Any) -> str:
    # The templates' `|stringformat:"s"`: str() of it, escaped unless already safe.
    return conditional_escape(value if isinstance(value, SafeData) else str(value))
