from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.forms import AccessibleForm

NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
DATE_INPUTS = ["%Y-%m-%d", "%m/%d/%Y"]


def _name_field(label: str, autocomplete: str, whose: str = "your") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": f"Enter {whose} {label.lower()}."},
    )


def clean_name(value: str, label: str, whose: str = "your") -> str:
    value = " ".join(value.split())
    if not NAME.match(value):
        raise ValidationError(
            f"Enter {whose} {label} using letters, spaces, hyphens or apostrophes."
        )
    return value


class BirthDateField(forms.DateField):
    def __init__(self, whose: str = "your", **kwargs: Any) -> None:
        self.whose = whose
        super().__init__(
            label="Date of birth",
            input_formats=DATE_INPUTS,
            widget=forms.DateInput(
                attrs={
                    "type": "date",
                    "autocomplete": "bday" if whose == "your" else "off",
                },
                format="%Y-%m-%d",
            ),
            error_messages={
                "required": f"Enter {whose} date of birth.",
                "invalid": f"Enter {whose} date of birth as a real date, for example 12/31/1980.",
            },
            **kwargs,
        )

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if value > today:
            raise ValidationError(
                f"{self.whose.capitalize()} date of birth must be in the past."
            )
        if value.year < today.year - 125:
            raise ValidationError(f"Check the year of {self.whose} date of birth.")


class NameAndBirthForm(AccessibleForm):
    first_name = _name_field("First name", "given-name")
    last_name = _name_field("Last name", "family-name")
    dob = BirthDateField()

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"], "first name")

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"], "last name")


class PersonInCareForm(AccessibleForm):
    """Someone in the patient's care: their own name and date of birth."""

    first_name = _name_field("First name", "off", "their")
    last_name = _name_field("Last name", "off", "their")
    dob = BirthDateField(whose="their")

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"], "first name", "their")

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"], "last name", "their")


class BirthDateForm(AccessibleForm):
    """A returning patient confirms the birth date the clinic has for them."""

    dob = BirthDateField()


class EmailSignInForm(AccessibleForm):
    email = forms.EmailField(
        label="Email address",
        help_text="We'll email you a 6-digit code to sign in.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )


class CodeForm(AccessibleForm):
    code = forms.CharField(
        label="6-digit code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from the email."},
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("The code is 6 digits, for example 123456.")
        return code
