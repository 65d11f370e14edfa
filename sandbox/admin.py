"""Admin for the sandbox: faults, rooms and consultations editable; the rest read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sandbox.models import (
    SandboxAvailability,
    SandboxConsultation,
    SandboxFault,
    SandboxFile,
    SandboxIntake,
    SandboxRoom,
    SandboxToken,
    SandboxUser,
    SandboxVisit,
    SandboxWebhook,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and detail view only: API calls write these rows, not people."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SandboxFault)
class SandboxFaultAdmin(admin.ModelAdmin):
    list_display = (
        "endpoint",
        "latency_ms",
        "error_rate",
        "error_status",
        "force_timeout",
        "drop_answer",
        "active",
    )
    list_editable = ("active",)
    list_filter = ("active", "endpoint")


class ConsultationInline(admin.TabularInline):
    model = SandboxConsultation
    extra = 0


@admin.register(SandboxRoom)
class SandboxRoomAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "walkin_enabled",
        "appointment_enabled",
        "is_closed",
    )
    search_fields = ("code", "name")
    filter_horizontal = ("providers",)
    inlines = [ConsultationInline]


@admin.register(SandboxConsultation)
class SandboxConsultationAdmin(admin.ModelAdmin):
    list_display = (
        "description",
        "room",
        "duration",
        "amount",
        "currency",
        "visible_to_patient",
    )
    list_filter = ("room",)


@admin.register(SandboxUser)
class SandboxUserAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "type",
        "first_name",
        "last_name",
        "code",
        "email",
        "timezone",
        "created",
    )
    list_filter = ("type",)
    search_fields = ("code", "first_name", "last_name", "email")


@admin.register(SandboxToken)
class SandboxTokenAdmin(ReadOnlyAdmin):
    # The token values themselves stay out of the admin: they sign patients in.
    fields = ("user", "created", "expires_at", "refresh_expires_at")
    list_display = ("id", "user", "created", "expires_at")
    list_select_related = ("user",)
    search_fields = ("user__code", "user__last_name")


@admin.register(SandboxAvailability)
class SandboxAvailabilityAdmin(ReadOnlyAdmin):
    list_display = ("id", "provider", "room", "start", "end")
    list_filter = ("room", "provider")
    list_select_related = ("provider", "room")
    date_hierarchy = "start"


@admin.register(SandboxFile)
class SandboxFileAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "owner", "category", "size", "created")
    list_filter = ("category",)
    list_select_related = ("owner",)
    search_fields = ("name", "owner__code")


@admin.register(SandboxIntake)
class SandboxIntakeAdmin(ReadOnlyAdmin):
    list_display = ("id", "member", "room", "created")
    list_select_related = ("member", "room")
    search_fields = ("id", "member__code", "member__last_name")


@admin.register(SandboxVisit)
class SandboxVisitAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "type",
        "status",
        "member",
        "provider",
        "room",
        "start",
        "close_reason",
    )
    list_filter = ("type", "status", "room")
    list_select_related = ("member", "provider", "room")
    search_fields = ("id", "code", "member__code", "member__last_name")
    date_hierarchy = "start"


@admin.register(SandboxWebhook)
class SandboxWebhookAdmin(admin.ModelAdmin):
    """Where the sandbox posts its webhooks: the address made in the portal's admin
    (`manage.py demo` sets it for the local run)."""

    list_display = ("url",)
