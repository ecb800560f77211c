"""One report's figures: ``{"table2", "table3", "table4", "checks"}`` for a body and year,
or for a government together with its departments and other descendants."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation
from gongkai.requests.models import DisclosureRequest

from ..models import AnnualReport, ReportStatus
from .checks import check_table3, check_table4
from .formats import FIRST_YEAR, REQUESTER_COLUMNS, format_for_year
from .table2 import compute_table2
from .table3 import compute_table3
from .table4 import compute_table4


class ReportYearError(DomainError):
    """The year cannot be reported on (future, or before the revised 条例)."""


def check_year(year: int, *, today: dt.date) -> str:
    """The template of the year's report, or ReportYearError (Chinese message)."""
    if year > today.year:
        raise ReportYearError(f"{year}年度尚未到来，不能生成年度报告（今天是{today.isoformat()}）。")
    if year < FIRST_YEAR:
        raise ReportYearError(
            f"{year}年度早于修订后的《政府信息公开条例》（2019年5月15日施行），本平台只生成{FIRST_YEAR}年度及以后的报告。"
        )
    return format_for_year(year)


def scope(organisation: Organisation, *, with_departments: bool, through: str = "organisation") -> Q:
    """The rows of the bodies reported on, reached through the ``through`` relation."""
    if with_departments:
        return Q(**{f"{through}__path__startswith": organisation.path})
    return Q(**{f"{through}_id": organisation.pk})


def carried_forward(organisation: Organisation, *, year: int, with_departments: bool) -> dict[str, int]:
    """Table III row 四 of ``year`` by column (one query)."""
    end = dt.date(year, 12, 31)
    counts = (
        DisclosureRequest.objects.filter(scope(organisation, with_departments=with_departments))
        .filter(Q(received_on__lte=end) & (Q(replied_on__isnull=True) | Q(replied_on__gt=end)))
        .values("requester_type")
        .order_by()
        .annotate(n=Count("pk"))
    )
    row = dict.fromkeys((*REQUESTER_COLUMNS, "total"), 0)
    for group in counts:
        if group["requester_type"] in REQUESTER_COLUMNS:
            row[group["requester_type"]] += group["n"]
        row["total"] += group["n"]
    return row


def previous_year_row(organisation: Organisation, *, year: int, with_departments: bool) -> tuple[dict[str, int], str]:
    """Last year's row 四 as sent for publication, else as recomputed from the data now."""
    sent = (
        AnnualReport.objects.filter(
            organisation=organisation,
            year=year - 1,
            with_departments=with_departments,
            status=ReportStatus.SUBMITTED,
        )
        .only("figures")
        .order_by("pk")
        .first()
    )
    if sent is not None and "table3" in sent.figures:
        return dict(sent.figures["table3"]["carried_forward"]), f"{year - 1}年度已送审发布的报告"
    return carried_forward(organisation, year=year - 1, with_departments=with_departments), f"{year - 1}年度按台账计算"


def compute_figures(
    *, organisation: Organisation, year: int, today: dt.date, with_departments: bool = False
) -> dict[str, Any]:
    """The report's figures and checks, in the JSON shape of issue #7. About eight queries,
    whatever the number of requests and items."""
    fmt = check_year(year, today=today)
    table2 = compute_table2(
        item_scope=scope(organisation, with_departments=with_departments),
        figures_scope=scope(organisation, with_departments=with_departments),
        year=year,
        fmt=fmt,
    )
    table3 = compute_table3(scope=scope(organisation, with_departments=with_departments), year=year, fmt=fmt)
    table4 = compute_table4(
        scope=scope(organisation, with_departments=with_departments, through="request__organisation"), year=year
    )
    previous, source = (None, "")
    if year > FIRST_YEAR:
        previous, source = previous_year_row(organisation, year=year, with_departments=with_departments)
    checks = [
        *check_table3(table3, fmt, previous_carried_forward=previous, previous_source=source),
        *check_table4(table4),
    ]
    return {"table2": table2, "table3": table3, "table4": table4, "checks": [c.as_dict() for c in checks]}
