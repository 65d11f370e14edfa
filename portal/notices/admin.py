from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.clinic.admin.singletons import SingletonAdmin
from portal.notices.models import EmailSettings, Notice


@admin.register(EmailSettings)
class EmailSettingsAdmin(SingletonAdmin):
    fields = ["confirmations", "changes", "reminders", "reminder_hours"]


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
