"""The patient's intake form, built from the room's configuration.

Built-in VSee fields (reason for visit, state, phone) come first, as the room asks for
them; the clinic's own questions follow in their configured order, as custom_<key> fields.
A form class is made once per room, visit option and language in each generation of
the clinic's configuration (portal/clinic/changes.py): a change in admin makes it again.
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.booking.us_states import US_STATES
from portal.booking.widgets import Checkboxes, ListSelect, Radios
from portal.clinic.changes import current_generation
from portal.clinic.questions import CHOICE_KINDS, IntakeQuestion, QuestionKind
from portal.clinic.rooms import FieldMode, Room
from portal.forms import AccessibleForm

PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-]{7,25}$")
# The keys go to VSee (as true/false) and stay as they are; the labels are the patient's.
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
DATE_INPUTS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARS.match(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number with its area code, for example 212 555 0100.")
        )


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 25)
        super().__init__(validators=[validate_phone], **kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update(autocomplete="tel", inputmode="tel")


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs: Any) -> None:
        messages = {
            "invalid": gettext_lazy("Enter a date, for example 2026-03-31."),
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(input_formats=DATE_INPUTS, error_messages=messages, **kwargs)


def _question_field(question: IntakeQuestion) -> forms.Field:
    chooses = question.kind in (QuestionKind.YES_NO, *CHOICE_KINDS)
    # Said on the field and in the summary at the top, so it names the question.
    named = {"question": question.label}
    required = (
        _("Choose one of the answers to “%(question)s”") % named
        if chooses
        else _("Answer “%(question)s”") % named
    )
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
        "error_messages": {"required": required}
        if not chooses
        else {
            "required": required,
            "invalid_choice": _("Choose one of the listed answers to “%(question)s”")
            % named,
        },
    }
    kind = question.kind
    if kind == QuestionKind.LONG_TEXT:
        return forms.CharField(
            max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            max_digits=12,
            decimal_places=3,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            **{
                **common,
                "error_messages": {
                    **common["error_messages"],
                    "invalid": _("Enter a number, for example 72 or 98.6."),
                },
            },
        )
    if kind == QuestionKind.DATE:
        return DateField(**common)
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=radios(YES_NO), **common)
    if kind == QuestionKind.SINGLE_CHOICE:
        # Valued by the English choice (what VSee gets), labelled in the patient's language.
        choices = question.choice_pairs()
        return forms.ChoiceField(choices=choices, widget=radios(choices), **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        choices = question.choice_pairs()
        return forms.MultipleChoiceField(choices=choices, widget=Checkboxes, **common)
    if kind == QuestionKind.PHONE:
        return PhoneField(**common)
    if kind == QuestionKind.EMAIL:
        field = forms.EmailField(max_length=254, **common)
        field.widget.attrs.update(autocomplete="email")
        return field
    return forms.CharField(max_length=200, **common)


# Up to this many short answers sit side by side: Yes/No takes one line on a phone, not
# two, and a clinic's form of several such questions stays a screen shorter.
SIDE_BY_SIDE = 3
SHORT_ANSWER = 12  # characters: three of them fit across 320 px


def radios(choices: list[tuple[str, str]]) -> Radios:
    short = len(choices) <= SIDE_BY_SIDE and all(
        len(str(label)) <= SHORT_ANSWER for _key, label in choices
    )
    return Radios(attrs={"class": "choices--inline"} if short else None)


WHO = "who"  # the "Who is this visit for?" field, first when the patient may choose


class IntakeForm(AccessibleForm):
    """Base class; `build_intake_form` adds the fields a room asks for."""

    questions: list[IntakeQuestion] = []

    def offer_people(self, choices: list[tuple[str, str]]) -> None:
        """Ask first whom the visit is for: the patient, or someone in their care."""
        who = forms.ChoiceField(
            label=_("Who is this visit for?"),
            choices=choices,
            widget=Radios,
            # One is always checked; a form posted without it keeps the draft's choice.
            required=False,
            error_messages={
                "invalid_choice": _("Choose who this visit is for from the list."),
            },
        )
        self.fields = {WHO: who, **self.fields}

    def vsee_fields(self) -> dict[str, Any]:
        """Return the cleaned answers as the service's intake fields."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            name: data[name] or ""
            for name in ("reason_for_visit", "location", "phone")
            if name in self.fields
        }
        fields["custom"] = {
            q.key: _answer_for_vsee(q, data.get(f"custom_{q.key}"))
            for q in self.questions
        }
        return fields

    def draft_answers(self) -> dict[str, Any]:
        """Return what the patient typed, as posted, for the session draft."""
        answers: dict[str, Any] = {}
        for name, field in self.fields.items():
            if name == WHO:
                continue  # kept as the draft's person, not as an answer
            if isinstance(field, forms.MultipleChoiceField):
                answers[name] = self.data.getlist(name)
            else:
                answers[name] = self.data.get(name, "")
        return answers


def _answer_for_vsee(question: IntakeQuestion, value: Any) -> Any:
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.YES_NO:
        return value == "yes"
    if question.kind == QuestionKind.DATE:
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def location_field(room: Room) -> forms.ChoiceField | None:
    """The state question, when the room asks it: in the intake, and before the times."""
    if room.location_mode == FieldMode.HIDDEN:
        return None
    return forms.ChoiceField(
        label=_("Which state are you in right now?"),
        help_text=_("Providers can only see you where they are licensed."),
        choices=[("", _("Choose a state")), *US_STATES],
        widget=ListSelect,
        required=room.location_mode == FieldMode.REQUIRED,
        error_messages={"required": _("Choose the state you are in right now.")},
    )


def _builtin_fields(room: Room) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    if room.reason_mode != FieldMode.HIDDEN:
        fields["reason_for_visit"] = forms.CharField(
            label=_("What brings you in today?"),
            help_text=_("A few words about your symptoms or question."),
            max_length=1000,
            required=room.reason_mode == FieldMode.REQUIRED,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("Tell us what brings you in.")},
        )
    if (location := location_field(room)) is not None:
        fields["location"] = location
    if room.phone_mode != FieldMode.HIDDEN:
        fields["phone"] = PhoneField(
            label=_("Phone number"),
            help_text=_("In case the video call drops."),
            required=room.phone_mode == FieldMode.REQUIRED,
            error_messages={
                "required": _("Enter a phone number we can call if the video drops.")
            },
        )
    return fields


# This generation's form classes, by (generation, language, room, option). Django copies
# a form class's fields into each form, so one class serves every request.
_made: dict[tuple[int, str, int, str], type[IntakeForm]] = {}
_made_lock = threading.Lock()


def build_intake_form(room: Room, option: str) -> type[IntakeForm]:
    """Return a form class for this room and visit option, as configured right now."""
    key = (current_generation(), get_language(), room.pk, option)
    form_class = _made.get(key)
    if form_class is None:
        form_class = _make_intake_form(room, option)
        with _made_lock:
            if any(made[0] != key[0] for made in _made):
                _made.clear()  # an earlier generation's: never asked for again
            _made[key] = form_class
    return form_class


def _make_intake_form(room: Room, option: str) -> type[IntakeForm]:
    questions = list(IntakeQuestion.objects.for_patient(room, option))
    fields: dict[str, Any] = _builtin_fields(room)
    for question in questions:
        fields[f"custom_{question.key}"] = _question_field(question)
    return type("RoomIntakeForm", (IntakeForm,), {**fields, "questions": questions})
