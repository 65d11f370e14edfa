from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from portal.clinic.models import AuditEvent

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

    list_display = [f for f in CSV_FIELDS if f != "detail"]
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
