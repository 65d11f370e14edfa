"""Django's admin, with the portal's own site (staff sign-in with a second factor)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "portal.clinic.staff.StaffAdminSite"
