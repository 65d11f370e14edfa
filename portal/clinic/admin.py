from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from portal.clinic.branding import MAX_LOGO_BYTES, logo_content_type
from portal.clinic.models import AuditEvent, Branding, EmbeddingSettings, HandoffSecret
from portal.clinic.questions import IntakeQuestion
from portal.clinic.room_check import check_room
from portal.clinic.rooms import (
    DEFAULT_ATTACHMENT_KINDS,
    AttachmentKind,
    Room,
    room_code_validator,
    time_zone_choices,
    vsee_problems,
)
from portal.vsee.errors import VSeeAuthExpired, VSeeError, VSeeRejected, VSeeUnavailable
from portal.vsee.schemas import Consultation
from portal.vsee.schemas import Room as VSeeRoom
from portal.vsee.service import forget_room, get_room

CSV_FIELDS = [
    "at",
    "action",
    "outcome",
    "room_code",
    "visit_id",
    "visit_kind",
    "patient_ref",
    "detail",
]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: an audit trail nobody can rewrite."""

    list_display = [
        "at",
        "action",
        "outcome",
        "room_code",
        "visit_id",
        "visit_kind",
        "patient_ref",
    ]
    list_filter = ["action", "outcome", "room_code", ("at", admin.DateFieldListFilter)]
    search_fields = ["visit_id", "patient_ref", "detail"]
    date_hierarchy = "at"
    actions = ["export_csv"]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Export selected events as CSV")
    def export_csv(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        for event in queryset.order_by("at"):
            writer.writerow(
                [
                    event.at.isoformat() if f == "at" else getattr(event, f)
                    for f in CSV_FIELDS
                ]
            )
        return response


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


@admin.register(EmbeddingSettings)
class EmbeddingSettingsAdmin(SingletonAdmin):
    """One row: the sites that may frame the portal, and the hand-off secret."""

    fields = ["allowed_origins"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra = {
            "secrets": HandoffSecret.objects.all()[:5],
            "grace_hours": settings.HANDOFF_SECRET_GRACE_HOURS,
        }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **extra}
        )

    def get_urls(self) -> list:
        rotate = self.admin_site.admin_view(require_POST(self.rotate_secret))
        return [
            path("rotate-secret/", rotate, name="clinic_embeddingsettings_rotate"),
            *super().get_urls(),
        ]

    def rotate_secret(self, request: HttpRequest) -> HttpResponse:
        obj = EmbeddingSettings.load()
        if not self.has_change_permission(request, obj):
            return HttpResponse(status=403)
        raw = HandoffSecret.rotate()
        # Shown once, through server-side message storage; never stored anywhere it can be re-read.
        messages.warning(
            request,
            f"New hand-off secret: {raw} — copy it into your website's configuration now; it will not be shown again. "
            f"The previous secret keeps working for {settings.HANDOFF_SECRET_GRACE_HOURS} hours.",
        )
        return HttpResponseRedirect(
            reverse("admin:clinic_embeddingsettings_change", args=[obj.pk])
        )


def _https_urls(field: Any, **kwargs: Any) -> Any:
    # Links typed without a scheme become https:// (Django 6's default, chosen now).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


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
class BrandingAdmin(SingletonAdmin):
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


# --- rooms and intake questions ----------------------------------------------------------------


def _as_in_model(name: str) -> dict[str, Any]:
    """Label and help text of a Room field, for form fields declared by hand."""
    field = Room._meta.get_field(name)
    return {
        "label": capfirst(field.verbose_name),
        "help_text": field.help_text,
        "required": False,
    }


def _consultation_label(c: Consultation) -> str:
    parts = [c.description or f"Consultation {c.id}"]
    if c.duration:
        parts.append(f"{c.duration} min")
    if c.amount:
        money = f"{c.amount:.2f}"
        parts.append(
            f"${money}" if (c.currency or "USD") == "USD" else f"{money} {c.currency}"
        )
    return " — ".join(parts)


class RoomForm(forms.ModelForm):
    """The room, checked against VSee: one fresh read of the VSee room per request."""

    consultation_ids = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, **_as_in_model("consultation_ids")
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, **_as_in_model("time_zone")
    )
    attachment_kinds = forms.MultipleChoiceField(
        choices=AttachmentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        **_as_in_model("attachment_kinds"),
    )

    class Meta:
        model = Room
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "attachment_kinds" not in (
            kwargs.get("initial") or {}
        ):
            self.initial["attachment_kinds"] = list(DEFAULT_ATTACHMENT_KINDS)
        self.vsee_room: VSeeRoom | None = None
        self.vsee_error: VSeeError | None = None
        code = self._code()
        if code:
            forget_room(code)  # staff expect VSee's answer now, not a cached one
            try:
                self.vsee_room = get_room(code)
            except ImproperlyConfigured as exc:
                self.vsee_error = VSeeUnavailable(str(exc))
            except VSeeError as exc:
                self.vsee_error = exc
        self._set_consultation_choices()

    def _code(self) -> str:
        code = (
            str(self.data.get(self.add_prefix("code"), "")).strip()
            if self.is_bound
            else self.instance.code
        )
        try:
            room_code_validator(code)
        except ValidationError:
            return ""  # the field's own validation explains it; VSee would only 404
        return code

    def _set_consultation_choices(self) -> None:
        saved = [str(i) for i in self.instance.consultation_ids or []]
        self.initial["consultation_ids"] = saved
        if self.vsee_room is None:
            # VSee could not tell us the types: keep what is saved so nothing is lost.
            choices = [(i, f"Consultation {i}") for i in saved]
        else:
            choices = [
                (c.id, _consultation_label(c)) for c in self.vsee_room.consultations
            ]
            listed = {c.id for c in self.vsee_room.consultations}
            # Still ticked, so the save explains they are gone instead of dropping them.
            choices += [
                (i, f"Consultation {i} (no longer listed in VSee)")
                for i in saved
                if i not in listed
            ]
        self.fields["consultation_ids"].choices = choices

    @property
    def vsee_unreachable(self) -> VSeeError | None:
        """The error when VSee could not be asked (the save goes ahead with a warning)."""
        if self.vsee_error is None or self._vsee_refused(self.vsee_error):
            return None
        return self.vsee_error

    @staticmethod
    def _vsee_refused(exc: VSeeError) -> bool:
        return isinstance(exc, VSeeRejected | VSeeAuthExpired)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        exc = self.vsee_error
        if exc is not None and self._vsee_refused(exc):
            if exc.status == 404:
                self.add_error(
                    "code",
                    f"VSee has no room with the code “{self._code()}”. Copy the code from "
                    "the room's link in VSee Clinic.",
                )
            else:
                raise ValidationError(
                    f"VSee refused to show this room: “{exc.message}” (status {exc.status}). "
                    "The portal's VSee credentials (account code, API key and secret) were "
                    "not accepted; ask whoever set up the portal to check them."
                )
        elif self.vsee_room is not None:
            names = {f.name for f in Room._meta.fields}
            candidate = Room(**{k: v for k, v in cleaned.items() if k in names})
            for field, message in vsee_problems(candidate, self.vsee_room).items():
                if field in self.fields:
                    self.add_error(field, message)
                else:
                    self.add_error(None, message)
        return cleaned


def _small_choices_box(
    db_field: models.Field, kwargs: dict[str, Any], rows: int
) -> dict[str, Any]:
    if db_field.name == "choices":
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows, "cols": 30})
    return kwargs


class QuestionFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        # Two rows with one key would both be sent to VSee as custom_<key>. Marking the
        # later row invalid also keeps Django's generic duplicate message from appearing.
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            key = data.get("key")
            if not key or data.get("DELETE"):
                continue
            if key in seen:
                form.add_error(
                    "key",
                    f"Another question in this room already uses the key “{key}”.",
                )
            seen.add(key)
        super().clean()


class IntakeQuestionInline(admin.TabularInline):
    model = IntakeQuestion
    formset = QuestionFormSet
    fields = [
        "position",
        "key",
        "label",
        "kind",
        "choices",
        "required",
        "for_walkin",
        "for_appointment",
        "for_econsult",
        "active",
    ]
    extra = 0
    ordering = ["position", "pk"]
    verbose_name = "question for this room"
    verbose_name_plural = (
        "Questions for this room (asked with the questions shared by all rooms)"
    )

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> Any:
        return super().formfield_for_dbfield(
            db_field, request, **_small_choices_box(db_field, kwargs, rows=2)
        )


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    form = RoomForm
    inlines = [IntakeQuestionInline]
    list_display = [
        "display_name",
        "code",
        "active",
        "position",
        "offers_walkin",
        "offers_appointment",
        "offers_econsult",
        "allow_guests",
    ]
    list_display_links = ["display_name"]
    list_editable = ["position", "active"]
    list_filter = ["active", "offers_walkin", "offers_appointment", "offers_econsult"]
    search_fields = ["code", "display_name"]
    actions = ["check_vsee"]
    fieldsets = [
        (
            "Room",
            {
                "fields": ["code", "display_name", "active", "position"],
                "description": "A room here is a room you already have in VSee Clinic. "
                "Saving checks the code with VSee.",
            },
        ),
        (
            "What patients can do",
            {
                "fields": [
                    "offers_walkin",
                    "offers_appointment",
                    "offers_econsult",
                    "consultation_ids",
                    "allow_guests",
                ],
                "description": "Patients choose between the options ticked here. Each must "
                "also be switched on for the room in VSee.",
            },
        ),
        (
            "Patient page",
            {
                "fields": [
                    "welcome_text",
                    "emergency_notice",
                    "closed_message",
                    "time_zone",
                ],
                "description": "The words on the room's page.",
            },
        ),
        (
            "Built-in questions",
            {
                "fields": ["reason_mode", "location_mode", "phone_mode"],
                "description": "The questions every VSee intake has. Your own questions "
                "are listed below the settings.",
            },
        ),
        (
            "Attachments",
            {
                "fields": [
                    "attachments_mode",
                    "attachment_kinds",
                    "attachment_max_mb",
                    "attachment_max_files",
                    "attachment_prompt",
                ],
                "description": "Files patients add to their intake; the provider sees "
                "them in VSee.",
            },
        ),
    ]

    def save_model(
        self, request: HttpRequest, obj: Room, form: RoomForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        exc = form.vsee_unreachable
        if exc is not None:
            messages.warning(
                request,
                f"Saved, but VSee could not be reached to check this room: "
                f"{exc.message or exc}. Use 'Check VSee connection' later.",
            )

    @admin.action(description="Check VSee connection")
    def check_vsee(self, request: HttpRequest, queryset: QuerySet[Room]) -> None:
        for room in queryset:
            self._report(request, room)

    def _report(self, request: HttpRequest, room: Room) -> None:
        result = check_room(room)
        (messages.success if result.ok else messages.error)(request, result.message)

    def get_urls(self) -> list:
        check = self.admin_site.admin_view(require_POST(self.check_vsee_view))
        return [
            path("<int:pk>/check-vsee/", check, name="clinic_room_check_vsee"),
            *super().get_urls(),
        ]

    def check_vsee_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        room = get_object_or_404(Room, pk=pk)
        if not self.has_view_or_change_permission(request, room):
            return HttpResponse(status=403)
        self._report(request, room)
        return HttpResponseRedirect(reverse("admin:clinic_room_change", args=[pk]))


class IntakeQuestionForm(forms.ModelForm):
    class Meta:
        model = IntakeQuestion
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        key, room = cleaned.get("key"), cleaned.get("room")
        taken = (
            IntakeQuestion.objects.filter(key=key, room=room)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if key and taken:
            where = "this room" if room else "the shared questions"
            self.add_error("key", f"Another question in {where} already uses this key.")
        return cleaned


@admin.register(IntakeQuestion)
class IntakeQuestionAdmin(admin.ModelAdmin):
    """All questions: shared ones (no room) are asked in every room."""

    form = IntakeQuestionForm
    list_display = ["label", "key", "room", "kind", "required", "active", "position"]
    list_editable = ["position", "required", "active"]
    list_filter = ["room", "kind", "active", "required"]
    search_fields = ["label", "key"]
    empty_value_display = "All rooms"
    actions = ["retire", "ask_again"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "room",
                    "label",
                    "help_text",
                    "key",
                    "kind",
                    "choices",
                    "required",
                    "position",
                    "active",
                ],
                "description": "Questions patients answer before their visit. Answers go "
                "to VSee with the intake, as custom_<key>.",
            },
        ),
        (
            "Asked for",
            {
                "fields": ["for_walkin", "for_appointment", "for_econsult"],
                "description": "Which visit options ask this question.",
            },
        ),
    ]

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> Any:
        return super().formfield_for_dbfield(
            db_field, request, **_small_choices_box(db_field, kwargs, rows=4)
        )

    @admin.action(description="Retire selected questions")
    def retire(self, request: HttpRequest, queryset: QuerySet[IntakeQuestion]) -> None:
        count = queryset.update(active=False)
        messages.success(
            request, f"{count} question(s) retired: patients no longer see them."
        )

    @admin.action(description="Ask selected questions again")
    def ask_again(
        self, request: HttpRequest, queryset: QuerySet[IntakeQuestion]
    ) -> None:
        count = queryset.update(active=True)
        messages.success(request, f"{count} question(s) are asked again.")
