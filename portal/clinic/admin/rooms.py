from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from portal.clinic.admin.consultation_names import ConsultationNamesField
from portal.clinic.admin.languages import LanguageTabsAdmin
from portal.clinic.admin.questions import (
    ConsentDocumentInline,
    IntakeQuestionInline,
    labelled_in_list,
)
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
    consultation_names = ConsultationNamesField(**_as_in_model("consultation_names"))
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
        names = cast(ConsultationNamesField, self.fields["consultation_names"])
        # Also a type named before but not listed now, so its name is not lost.
        named = self.instance.consultation_names or {}
        names.set_types(
            choices
            + [(i, f"Consultation {i}") for i in named if i not in dict(choices)]
        )

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


def embed_snippets(request: HttpRequest, room: Room) -> list[tuple[str, str]]:
    """The room's ready-to-paste snippets for the clinic's website (README: Embed)."""
    script = request.build_absolute_uri(reverse("embed_js"))
    tag = f'<script src="{script}" async></script>'
    return [
        (
            "In the page",
            f'<div data-vsee-portal data-room="{room.code}"></div>\n{tag}',
        ),
        (
            "As a button that opens it",
            f'<div data-vsee-portal data-mode="button" data-room="{room.code}" '
            f'data-label="Book a visit"></div>\n{tag}',
        ),
    ]


@admin.register(Room)
class RoomAdmin(LanguageTabsAdmin):
    form = RoomForm

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type:
        return labelled_in_list(super().get_changelist_form(request, **kwargs))

    inlines = [IntakeQuestionInline, ConsentDocumentInline]
    list_display = [
        "display_name",
        "code",
        "active",
        "position",
        "offers_walkin",
        "offers_appointment",
        "offers_econsult",
        "allow_guests",
        "patient_link",
    ]
    list_display_links = ["display_name"]
    readonly_fields = ["patient_link"]
    list_editable = ["position", "active"]
    list_filter = ["active", "offers_walkin", "offers_appointment", "offers_econsult"]
    search_fields = ["code", "display_name"]
    actions = ["check_vsee"]
    fieldsets = [
        (
            "Room",
            {
                "fields": [
                    "code",
                    "display_name",
                    "active",
                    "position",
                    "patient_link",
                ],
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
                    "consultation_names",
                    "allow_guests",
                    "allow_family",
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

    @admin.display(description="Link for patients")
    def patient_link(self, obj: Room) -> str:
        """The address that opens this room directly: for the clinic's site and emails."""
        if not obj.pk:
            return "Shown after saving."
        url = reverse("room", args=[obj.code])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, url
        )

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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        room = self.get_object(request, object_id)
        extra = {"embed_snippets": embed_snippets(request, room)} if room else {}
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **extra}
        )

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
