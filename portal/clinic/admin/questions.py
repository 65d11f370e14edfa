from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst

from portal.clinic.admin.languages import (
    LanguageTabsAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from portal.clinic.changes import clinic_changed
from portal.clinic.consents import ConsentDocument
from portal.clinic.questions import IntakeQuestion


def _small_choices_box(
    db_field: models.Field, kwargs: dict[str, Any], rows: int
) -> dict[str, Any]:
    if db_field.name.startswith("choices"):
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows, "cols": 30})
    return kwargs


def labelled_in_list(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """A changelist form whose editable cells say what they are for screen readers: the
    column header alone labels nothing ("Position: Demo Clinic")."""

    class Labelled(form_class):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                label = capfirst(str(field.label or ""))
                field.widget.attrs["aria-label"] = f"{label}: {self.instance}"

    return Labelled


def labelled_in_rows(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """An inline row whose fields say what they are for screen readers ("Key, question
    2"): in a table only the column header names them, and it labels nothing."""

    class Labelled(form_class):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            row = (self.prefix or "").rpartition("-")[2]
            number = int(row) + 1 if row.isdigit() else None
            for field in self.fields.values():
                label = capfirst(str(field.label or ""))
                field.widget.attrs["aria-label"] = (
                    f"{label}, question {number}"
                    if number
                    else f"{label}, new question"
                )

    return Labelled


class QuestionFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # added here, after the row labelled its own fields
            row = f"question {index + 1}" if index is not None else "new question"
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete {row}"

    def clean(self) -> None:
        # Two rows with one key would both be sent to VSee as custom_<key>. Marking the
        # later row invalid also keeps Django's generic duplicate message from appearing.
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data and not data.get("key") and form.instance.key:
                data["key"] = form.instance.key  # made from the label (model clean)
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


class IntakeQuestionInline(TranslationTabularInline):
    model = IntakeQuestion
    form = labelled_in_rows(forms.ModelForm)
    formset = QuestionFormSet
    template = "admin/clinic/room/tabular_questions.html"
    fields = [
        "position",
        "key",
        "label",
        "kind",
        "choices",
        "required",
        "remember",
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
class IntakeQuestionAdmin(LanguageTabsAdmin):
    """All questions: shared ones (no room) are asked in every room."""

    form = IntakeQuestionForm

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type:
        return labelled_in_list(super().get_changelist_form(request, **kwargs))

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
                    "remember",
                    "position",
                    "active",
                ],
                "description": "Questions patients answer before their visit. Answers go "
                "to VSee with the intake, each under its key with custom_ in front.",
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
        clinic_changed()
        messages.success(
            request, f"{count} question(s) retired: patients no longer see them."
        )

    @admin.action(description="Ask selected questions again")
    def ask_again(
        self, request: HttpRequest, queryset: QuerySet[IntakeQuestion]
    ) -> None:
        count = queryset.update(active=True)
        clinic_changed()
        messages.success(request, f"{count} question(s) are asked again.")


class ConsentDocumentInline(TranslationStackedInline):
    """Consent documents per room: read and accepted on the review page before booking."""

    model = ConsentDocument
    fields = [
        ("title", "version", "position"),
        "text",
        ("required", "signature", "active"),
        ("for_walkin", "for_appointment", "for_econsult"),
    ]
    extra = 0
    verbose_name = "consent document"
    verbose_name_plural = (
        "Consent documents (patients accept them before booking; a new version is "
        "asked again)"
    )
