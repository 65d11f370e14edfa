from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from portal.clinic.admin.singletons import RotatingSecretAdmin, SingletonAdmin
from portal.notices.models import EmailSettings, Notice, WebhookSecret, WebhookSettings


@admin.register(EmailSettings)
class EmailSettingsAdmin(SingletonAdmin):
    fieldsets = [
        ("Confirmations", {"fields": ["booked", "walkin", "econsult"]}),
        ("Changes", {"fields": ["rescheduled", "cancelled"]}),
        ("Before and after", {"fields": ["reminders", "reminder_hours", "replies"]}),
    ]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """The outbox, read-only: what is queued, sent or given up. Never the address."""

    list_display = ["kind", "visit_id", "due_at", "attempts", "sent_at", "gave_up_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "gave_up_at"]
    fields = list_display + ["room_code", "created"]
    readonly_fields = fields
    ordering = ["-due_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookSettings)
class WebhookSettingsAdmin(RotatingSecretAdmin):
    """The address to paste into VSee's admin, made and rotated here; the sources allowed."""

    fields = ["allowed_sources"]
    change_form_template = "admin/notices/webhooksettings/change_form.html"
    secret_model = WebhookSecret
    rotate_path = "new-address/"
    rotate_title = "Make a new webhook address?"
    rotate_template = "admin/notices/webhooksettings/rotate_confirm.html"

    def shown_once(self, request: HttpRequest, secret: str) -> str:
        url = request.build_absolute_uri(reverse("vsee_webhook", args=[secret]))
        return (
            f"New webhook address: {url} — paste it into VSee's admin (Webhooks) now; "
            "it will not be shown again. The previous address keeps working for "
            f"{settings.HANDOFF_SECRET_GRACE_HOURS} hours."
        )
