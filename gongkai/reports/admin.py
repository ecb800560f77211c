"""The annual report in the admin: read-only lists of the entered figures and the saved
reports, scoped to the bodies of the user's openness office. Every change is made on the
staff pages (/staff/reports/annual/), which go through reports.services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.core.admin import ScopedAdmin

from .models import AnnualFigures, AnnualReport
from .selectors import REPORT_PERM


class _ReadOnly(ScopedAdmin):
    perm = REPORT_PERM

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AnnualFigures)
class AnnualFiguresAdmin(_ReadOnly):
    list_display = (
        "organisation",
        "year",
        "licensing_decisions",
        "penalty_decisions",
        "enforcement_decisions",
        "fee_amount",
        "updated_at",
    )
    list_filter = ("year",)
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)


@admin.register(AnnualReport)
class AnnualReportAdmin(_ReadOnly):
    list_display = ("organisation", "year", "with_departments", "format", "status", "item", "updated_at")
    list_filter = ("year", "format", "status")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "item")
    exclude = ("figures",)
