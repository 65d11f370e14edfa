from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from portal.clinic.admin.languages import LanguageTabsAdmin
from portal.clinic.branding import MAX_LOGO_BYTES, logo_content_type
from portal.clinic.models import (
    Branding,
    EmbeddingSettings,
    HandoffSecret,
    PolicyViolation,
    UnlistedEmbed,
)


class SingletonAdmin(admin.ModelAdmin):
    """Admin for a one-row settings model (with a `load()` classmethod): no list, no delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.model.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        # A list of one is noise: go straight to the settings.
        obj = self.model.load()
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )


class RotatingSecretAdmin(SingletonAdmin):
    """A settings page with a secret that is made, shown once and rotated with a grace
    period: `rotate_path` asks first (GET), saying what happens to the current one, and
    makes a new one (POST). Subclasses name the secret's model and the words."""

    secret_model: Any  # with rotate() -> str, and rows with retired_at
    rotate_path = "rotate-secret/"
    rotate_title = ""
    rotate_template = ""

    def shown_once(self, request: HttpRequest, secret: str) -> str:
        raise NotImplementedError

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra = {
            "secrets": self.secret_model.objects.all()[:5],
            "grace_hours": settings.HANDOFF_SECRET_GRACE_HOURS,
            **self.more_context(),
        }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **extra}
        )

    def more_context(self) -> dict[str, Any]:
        return {}

    def get_urls(self) -> list:
        rotate = self.admin_site.admin_view(
            require_http_methods(["GET", "POST"])(self.rotate_secret)
        )
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_rotate"
        return [path(self.rotate_path, rotate, name=name), *super().get_urls()]

    def rotate_secret(self, request: HttpRequest) -> HttpResponse:
        obj = self.model.load()
        if not self.has_change_permission(request, obj):
            return HttpResponse(status=403)
        if request.method == "GET":
            ctx = {
                **self.admin_site.each_context(request),
                "title": self.rotate_title,
                "current": self.secret_model.objects.filter(retired_at=None).first(),
                "grace_hours": settings.HANDOFF_SECRET_GRACE_HOURS,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, self.rotate_template, ctx)
        # Shown once, through server-side message storage; never stored anywhere it
        # can be read again.
        messages.warning(request, self.shown_once(request, self.secret_model.rotate()))
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )


@admin.register(EmbeddingSettings)
class EmbeddingSettingsAdmin(RotatingSecretAdmin):
    """One row: the sites that may frame the portal, and the hand-off secret."""

    fields = ["allowed_origins"]
    secret_model = HandoffSecret
    rotate_title = "Generate a new hand-off secret?"
    rotate_template = "admin/clinic/embeddingsettings/rotate_confirm.html"

    def more_context(self) -> dict[str, Any]:
        return {
            "unlisted": UnlistedEmbed.objects.all()[:10],
            "refused_frames": PolicyViolation.refused_frames(),
        }

    def shown_once(self, request: HttpRequest, secret: str) -> str:
        return (
            f"New hand-off secret: {secret} — copy it into your website's configuration "
            "now; it will not be shown again. The previous secret keeps working for "
            f"{settings.HANDOFF_SECRET_GRACE_HOURS} hours."
        )


def _https_urls(field: Any, **kwargs: Any) -> Any:
    # Links typed without a scheme become https:// (Django 6's default, chosen now).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ColourWithPreview(forms.TextInput):
    """The browser's colour picker, with a live preview of the header and a button and
    the contrast of white text on it (static/admin_colour.js); a plain field without it."""

    input_type = "color"
    template_name = "clinic/widgets/colour_preview.html"  # in the app: the form renderer looks there

    class Media:
        js = ("admin_colour.js",)
        css = {"all": ("admin_portal.css",)}


class BrandingForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG or JPEG, up to 512 KB. Shown at the top of every page.",
    )
    remove_logo = forms.BooleanField(
        required=False, help_text="Show the clinic name instead of a logo."
    )

    class Meta:
        model = Branding
        formfield_callback = _https_urls
        widgets = {"primary_colour": ColourWithPreview}
        fields = [
            "clinic_name",
            "primary_colour",
            "support_phone",
            "support_email",
            "privacy_url",
            "terms_url",
        ]

    def clean_logo_upload(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        if upload.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(
                f"The logo is {upload.size // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB."
            )
        data = upload.read()
        return data, logo_content_type(data)


@admin.register(Branding)
class BrandingAdmin(LanguageTabsAdmin, SingletonAdmin):
    """One row: how every patient page looks."""

    form = BrandingForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "clinic_name",
        "primary_colour",
        "logo_upload",
        "remove_logo",
        "support_phone",
        "support_email",
        "privacy_url",
        "terms_url",
    ]

    def save_model(
        self, request: HttpRequest, obj: Branding, form: BrandingForm, change: bool
    ) -> None:
        upload = form.cleaned_data.get("logo_upload")
        if upload:
            obj.logo, obj.logo_content_type = upload
        elif form.cleaned_data.get("remove_logo"):
            obj.logo, obj.logo_content_type = None, ""
        super().save_model(request, obj, form, change)
