from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from portal.clinic.admin.singletons import SingletonAdmin
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
class WebhookSettingsAdmin(SingletonAdmin):
    """The address to paste into VSee's admin, made and rotated here; the sources allowed."""

    fields = ["allowed_sources"]
    change_form_template = "admin/notices/webhooksettings/change_form.html"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra = {
            "addresses": WebhookSecret.objects.all()[:5],
            "grace_hours": settings.HANDOFF_SECRET_GRACE_HOURS,
        }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **extra}
        )

    def get_urls(self) -> list:
        rotate = self.admin_site.admin_view(
            require_http_methods(["GET", "POST"])(self.new_address)
        )
        return [
            path("new-address/", rotate, name="notices_webhooksettings_rotate"),
            *super().get_urls(),
        ]

    def new_address(self, request: HttpRequest) -> HttpResponse:
        """GET asks first, saying what happens to the current address; POST makes one."""
        obj = WebhookSettings.load()
        if not self.has_change_permission(request, obj):
            return HttpResponse(status=403)
        if request.method == "GET":
            ctx = {
                **self.admin_site.each_context(request),
                "title": "Make a new webhook address?",
                "current": WebhookSecret.objects.filter(retired_at=None).first(),
                "grace_hours": settings.HANDOFF_SECRET_GRACE_HOURS,
                "opts": self.model._meta,
            }
            return TemplateResponse(
                request, "admin/notices/webhooksettings/rotate_confirm.html", ctx
            )
        secret = WebhookSecret.rotate()
        url = request.build_absolute_uri(reverse("vsee_webhook", args=[secret]))
        # Shown once (server-side message storage); only its hash is kept.
        messages.warning(
            request,
            f"New webhook address: {url} — paste it into VSee's admin (Webhooks) now; "
            "it will not be shown again. The previous address keeps working for "
            f"{settings.HANDOFF_SECRET_GRACE_HOURS} hours.",
        )
        return HttpResponseRedirect(
            reverse("admin:notices_webhooksettings_change", args=[obj.pk])
        )
