from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import AccessibleForm

NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
DATE_INPUTS = ["%Y-%m-%d", "%m/%d/%Y"]

# Whose details a form asks for: the patient's own ("your") or someone in their care's
# ("their"). Every message is a whole sentence for each, so that a translation can word
# it as its language needs.
YOUR, THEIR = "your", "their"

_LABELS = {
    "first": gettext_lazy("First name"),
    "last": gettext_lazy("Last name"),
}
_NAME_REQUIRED = {
    ("first", YOUR): gettext_lazy("Enter your first name."),
    ("first", THEIR): gettext_lazy("Enter their first name."),
    ("last", YOUR): gettext_lazy("Enter your last name."),
    ("last", THEIR): gettext_lazy("Enter their last name."),
}
_NAME_LETTERS = {
    ("first", YOUR): gettext_lazy(
        "Enter your first name using letters, spaces, hyphens or apostrophes."
    ),
    ("first", THEIR): gettext_lazy(
        "Enter their first name using letters, spaces, hyphens or apostrophes."
    ),
    ("last", YOUR): gettext_lazy(
        "Enter your last name using letters, spaces, hyphens or apostrophes."
    ),
    ("last", THEIR): gettext_lazy(
        "Enter their last name using letters, spaces, hyphens or apostrophes."
    ),
}
_BIRTH_DATE = {
    YOUR: {
        "required": gettext_lazy("Enter your date of birth."),
        "invalid": gettext_lazy(
            "Enter your date of birth as a real date, for example 12/31/1980."
        ),
        "future": gettext_lazy("Your date of birth must be in the past."),
        "too_old": gettext_lazy("Check the year of your date of birth."),
    },
    THEIR: {
        "required": gettext_lazy("Enter their date of birth."),
        "invalid": gettext_lazy(
            "Enter their date of birth as a real date, for example 12/31/1980."
        ),
        "future": gettext_lazy("Their date of birth must be in the past."),
        "too_old": gettext_lazy("Check the year of their date of birth."),
    },
}


def _name_field(part: str, autocomplete: str, whose: str = YOUR) -> forms.CharField:
    """The first ("first") or last ("last") name field, for `whose` name it is."""
    return forms.CharField(
        label=_LABELS[part],
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": _NAME_REQUIRED[part, whose]},
    )


def clean_name(value: str, part: str, whose: str = YOUR) -> str:
    value = " ".join(value.split())
    if not NAME.match(value):
        raise ValidationError(_NAME_LETTERS[part, whose])
    return value


class BirthDateField(forms.DateField):
    def __init__(self, whose: str = YOUR, **kwargs: Any) -> None:
        self.whose = whose
        messages = _BIRTH_DATE[whose]
        super().__init__(
            label=gettext_lazy("Date of birth"),
            input_formats=DATE_INPUTS,
            widget=forms.DateInput(
                attrs={
                    "type": "date",
                    "autocomplete": "bday" if whose == YOUR else "off",
                },
                format="%Y-%m-%d",
            ),
            error_messages={
                "required": messages["required"],
                "invalid": messages["invalid"],
            },
            **kwargs,
        )

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if value > today:
            raise ValidationError(_BIRTH_DATE[self.whose]["future"])
        if value.year < today.year - 125:
            raise ValidationError(_BIRTH_DATE[self.whose]["too_old"])


class NameAndBirthForm(AccessibleForm):
    first_name = _name_field("first", "given-name")
    last_name = _name_field("last", "family-name")
    dob = BirthDateField()

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"], "first")

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"], "last")


class PersonInCareForm(AccessibleForm):
    """Someone in the patient's care: their own name and date of birth."""

    first_name = _name_field("first", "off", THEIR)
    last_name = _name_field("last", "off", THEIR)
    dob = BirthDateField(whose=THEIR)

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"], "first", THEIR)

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"], "last", THEIR)


class BirthDateForm(AccessibleForm):
    """A returning patient confirms the birth date the clinic has for them."""

    dob = BirthDateField()


class EmailSignInForm(AccessibleForm):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("We'll email you a 6-digit code to sign in."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": gettext_lazy("Enter your email address."),
            "invalid": gettext_lazy("Enter an email address like name@example.com."),
        },
    )


class CodeForm(AccessibleForm):
    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
        error_messages={
            "required": gettext_lazy("Enter the 6-digit code from the email.")
        },
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("The code is 6 digits, for example 123456."))
        return code
