"""Reads of the reports context (annual report). Staff reads start from the bodies where the
user handles requests (the openness office: 公开办经办人、负责人), per core.permissions; a body
outside that scope looks exactly like a body that does not exist."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from gongkai.core.models import Organisation
from gongkai.core.permissions import AnyUser, Perm, organisations_where

from .annual.build import compute_figures, format_for_year
from .annual.text import draft_texts
from .models import AnnualFigures, AnnualReport

#: The permission behind every annual-report page: the openness office of the body.
REPORT_PERM = Perm.REQUEST_HANDLE


def report_bodies_for(user: AnyUser) -> QuerySet[Organisation]:
    return organisations_where(user, REPORT_PERM).select_related("parent").order_by("path")


def report_body_for(user: AnyUser, pk: int) -> Organisation:
    org = organisations_where(user, REPORT_PERM).filter(pk=pk).first()
    if org is None:
        raise Organisation.DoesNotExist(f"没有编号为 {pk} 的机构，或您无权查看其年度报告。")
    return org


def reports_for(user: AnyUser) -> QuerySet[AnnualReport]:
    return (
        AnnualReport.objects.filter(organisation__in=organisations_where(user, REPORT_PERM))
        .select_related("organisation", "item")
        .order_by("organisation__path", "-year", "with_departments")
    )


def annual_report(organisation: Organisation, year: int, *, with_departments: bool) -> AnnualReport | None:
    return (
        AnnualReport.objects.select_related("item")
        .filter(organisation=organisation, year=year, with_departments=with_departments)
        .first()
    )


def annual_figures(organisation: Organisation, year: int) -> AnnualFigures | None:
    return AnnualFigures.objects.filter(organisation=organisation, year=year).first()


@dataclass(frozen=True, slots=True)
class ReportView:
    """What a page or an output shows: the figures (live while a draft, the snapshot once
    sent), the texts (saved, else drafted from the figures) and the stored row if any."""

    organisation: Organisation
    year: int
    with_departments: bool
    fmt: str
    figures: dict[str, Any]
    texts: dict[str, str]
    report: AnnualReport | None

    @property
    def failing(self) -> list[dict[str, Any]]:
        return [c for c in self.figures["checks"] if not c["ok"]]


def report_view(organisation: Organisation, year: int, *, with_departments: bool, today: dt.date) -> ReportView:
    """ReportYearError (a DomainError) for a future year or one before 2019."""
    report = annual_report(organisation, year, with_departments=with_departments)
    if report is not None and report.is_locked and report.figures:
        figures, fmt = report.figures, report.format
    else:
        figures = compute_figures(organisation=organisation, year=year, today=today, with_departments=with_departments)
        fmt = format_for_year(year)
    drafted = draft_texts(figures, organisation_name=organisation.name, year=year, fmt=fmt)
    saved = report.texts if report is not None else {}
    texts = {key: saved.get(key) or drafted[key] for key in drafted}
    return ReportView(organisation, year, with_departments, fmt, figures, texts, report)
