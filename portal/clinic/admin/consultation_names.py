"""Admin: a room's VSee consultation types named in the portal's other languages.

VSee gives each type one name ("Follow-up visit"). Patients reading Spanish see the
clinic's Spanish name for it here, or VSee's when it is left blank
(Room.consultation_name). One text box per type and language, on the room's page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info

Names = dict[str, dict[str, str]]  # {consultation id: {language code: name}}


def other_languages() -> list[tuple[str, str]]:
    """The patient languages besides the one VSee's names are in, as (code, name)."""
    return [
        (code, get_language_info(code)["name"])
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]


class ConsultationNamesWidget(forms.Widget):
    """A labelled text box per (type, language), named `<name>-<language>-<type id>`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.types: list[tuple[str, str]] = []  # (id, label), set by the room's form

    def value_from_datadict(
        self, data: Mapping[str, Any], files: Any, name: str
    ) -> Names:
        return {
            type_id: {
                code: str(data.get(f"{name}-{code}-{type_id}", "")).strip()
                for code, _language in other_languages()
            }
            for type_id, _label in self.types
        }

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: Any, name: str
    ) -> bool:
        return False  # an empty box is a name taken away

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if not self.types:
            return format_html(
                "<p>{}</p>",
                "Once VSee lists the room's consultation types, name them here.",
            )
        names: Names = value if isinstance(value, dict) else {}
        rows = (
            (
                f"id_{name}-{code}-{type_id}",
                f"{label}, in {language}",
                f"{name}-{code}-{type_id}",
                names.get(type_id, {}).get(code, ""),
            )
            for type_id, label in self.types
            for code, language in other_languages()
        )
        return format_html(
            '<div class="consultation-names">{}</div>',
            format_html_join(
                "",
                '<p><label for="{}">{}</label><br>'
                '<input type="text" id="{}" name="{}" value="{}" maxlength="120" '
                'class="vTextField"></p>',
                (
                    (box_id, label, box_id, box_name, value)
                    for box_id, label, box_name, value in rows
                ),
            ),
        )

    def id_for_label(self, id_: str) -> str:
        return ""  # each box has its own label


class ConsultationNamesField(forms.Field):
    widget = ConsultationNamesWidget

    def set_types(self, types: Sequence[tuple[str, str]]) -> None:
        self.widget.types = list(types)

    def to_python(self, value: Any) -> Names:
        """Keep the names given; a type with none is left out (VSee's name shows)."""
        if not isinstance(value, dict):
            return {}
        kept: Names = {}
        for type_id, by_language in value.items():
            given = {
                code: name.strip()[:120]
                for code, name in (by_language or {}).items()
                if isinstance(name, str) and name.strip()
            }
            if given:
                kept[str(type_id)] = given
        return kept
