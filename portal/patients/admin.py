"""Admin: known patients, findable only by the email or clinic id staff already have."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from portal.clinic import audit
from portal.patients.identity import code_ref, normalise_email, patient_code
from portal.patients.models import KnownPatient


@admin.register(KnownPatient)
class KnownPatientAdmin(admin.ModelAdmin):
    """Nothing here is readable: a row is a keyed hash and an encrypted name and birth date.

    What staff can do is reset one: when a patient's name or date of birth was wrong at
    their first sign-in and the clinic has corrected it in VSee, deleting their row lets
    them give it again at their next sign-in.
    """

    list_display = ["reference", "created"]
    search_fields = ["ref"]  # replaced below: the term is hashed, never matched as text
    search_help_text = (
        "Search with the patient's email address, or the clinic's patient id for "
        "patients sent from the clinic's website. Only an exact match is found."
    )
    list_per_page = 50

    @admin.display(description="reference")
    def reference(self, obj: KnownPatient) -> str:
        return obj.ref[:12]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[KnownPatient], search_term: str
    ) -> tuple[QuerySet[KnownPatient], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        code = patient_code(normalise_email(term)) if "@" in term else term
        return queryset.filter(ref=code_ref(code)), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: KnownPatient) -> None:
        super().delete_model(request, obj)
        audit.record(audit.Action.PATIENT_RECORD_RESET, detail="by_staff")

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[KnownPatient]
    ) -> None:
        for _ in range(queryset.count()):
            audit.record(audit.Action.PATIENT_RECORD_RESET, detail="by_staff")
        super().delete_queryset(request, queryset)
