"""Staff sign-in to admin: a password, then a code from an authenticator app (TOTP).

Admin can mint hand-off secrets and read the audit log, so a password alone is not
enough where it matters: a staff member who has set up an authenticator must give its
code, and superusers must have one when STAFF_2FA_REQUIRED_FOR_SUPERUSERS is on (the
default with DEBUG off). `python manage.py add_totp_device <username>` sets one up.
Wrong passwords are throttled and locked out by django-axes (settings AXES_*).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm


def second_factor_required(user: Any) -> bool:
    """Return whether this staff member must give an authenticator code."""
    return user_has_device(user, confirmed=True) or (
        user.is_superuser and settings.STAFF_2FA_REQUIRED_FOR_SUPERUSERS
    )


def second_factor_missing(user: Any) -> bool:
    """Return whether the rules ask for a code this staff member has no way to give."""
    return second_factor_required(user) and not user_has_device(user, confirmed=True)


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username and password, plus the authenticator code for those who have one."""

    otp_token = forms.CharField(
        required=False,
        label="Code from your authenticator app",
        help_text="Leave empty if you have not set one up.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def _chosen_device(self, user: Any) -> Any:
        # Most staff have one authenticator: use it without asking which. With several,
        # the form lists them after the first try (the template shows the choice then).
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            device = devices[0] if len(devices) == 1 else None
        return device

    def clean(self) -> dict[str, Any]:
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data


class StaffAdminSite(AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"
    site_title = "Patient portal admin"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Staff see whose portal this is: the clinic's name in the header and title."""
        from portal.clinic.branding import current_branding

        context = super().each_context(request)
        name = current_branding().get("clinic_name") or ""
        context["site_header"] = (
            f"{name} \u2014 patient portal" if name else "Patient portal"
        )
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return super().has_permission(request) and (
            user.is_verified() or not second_factor_required(user)
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = request.user
        context = {
            **(extra_context or {}),
            "second_factor_missing": user.is_authenticated
            and user.is_staff
            and second_factor_missing(user),
        }
        return super().login(request, context)
