"""Table II: proactive disclosure (主动公开政府信息情况).

第二十条第（一）项 comes from the catalog: items in a body's statutory 规章 (rules) or
行政规范性文件 (normative) column, or in a column directly under one of them, that have been
published and are not withdrawn (撤稿).
- issued on: 成文日期 (date_written), else the date formed (formed_on);
- repealed on: the first published version whose 有效性 is 废止 or 失效 (its save time), else
  the item's last publication time;
- in force at year end: issued by 31 December and not repealed by then: 有效性 now anything but
  废止/失效 (现行有效, 已修改, or 不适用 — the catalog's default, left by editors who did not set
  the field: a 规章 or 规范性文件 stays in force until it is repealed or expires), or repealed only
  after the year.
2019 format: 本年新制作 = issued in the year, 本年新公开 = first published in the year,
对外公开总数量 = published by the year's end.

The remaining rows (许可、处罚、强制 decisions, the fee amount and, in 2019, central
procurement) are entered per body and year (AnnualFigures) and summed over the scope.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongkai.publishing.models import ColumnKey, InfoItem, ItemVersion, Validity

from ..models import AnnualFigures
from .formats import DOCUMENT_COLUMNS, DOCUMENT_ROWS, F2019

REPEALED = (Validity.REPEALED.value, Validity.EXPIRED.value)


def _document_kind() -> Case:
    whens = [
        When(Q(column__key=key) | Q(column__parent__key=key), then=Value(key))
        for key in (ColumnKey.RULES.value, ColumnKey.NORMATIVE.value)
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _as_number(amount: Decimal | None) -> float:
    return float((amount or Decimal(0)).quantize(Decimal("0.0001")))


def empty_table2(fmt: str) -> dict[str, Any]:
    table: dict[str, Any] = {key: {col: 0 for col, _ in DOCUMENT_COLUMNS[fmt]} for key, _ in DOCUMENT_ROWS[fmt]}
    table.update(
        {"licensing": {"decisions": 0}, "penalty": {"decisions": 0}, "enforcement": {"decisions": 0}},
    )
    table["fees"] = {"amount": 0.0}
    if fmt == F2019:
        table["procurement"] = {"projects": 0, "amount": 0.0}
    return table


def compute_table2(*, item_scope: Q, figures_scope: Q, year: int, fmt: str) -> dict[str, Any]:
    """Two queries: one GROUP BY over the catalog items, one SUM over the entered figures."""
    table = empty_table2(fmt)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    tz = timezone.get_current_timezone()
    start_at = dt.datetime(year, 1, 1, tzinfo=tz)
    end_at = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    repeal_version = (
        ItemVersion.objects.filter(item=OuterRef("pk"), published=True, snapshot__validity__in=REPEALED)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    issued_in_year = Q(issued_on__gte=start, issued_on__lte=end)
    rows = (
        InfoItem.objects.filter(item_scope, first_published_at__isnull=False, is_live=True)
        .annotate(kind=_document_kind())
        .filter(kind__in=[key for key, _ in DOCUMENT_ROWS[fmt]])
        .annotate(
            issued_on=Coalesce(F("date_written"), F("formed_on")),
            repealed_at=Coalesce(Subquery(repeal_version), F("published_at")),
        )
        .values("kind")
        .order_by()
    )
    aggregated: Any
    if fmt == F2019:
        aggregated = rows.annotate(
            made=Count("pk", filter=issued_in_year),
            published=Count("pk", filter=Q(first_published_at__gte=start_at, first_published_at__lt=end_at)),
            total_public=Count("pk", filter=Q(first_published_at__lt=end_at)),
        )
    else:
        aggregated = rows.annotate(
            issued=Count("pk", filter=issued_in_year),
            repealed=Count("pk", filter=Q(validity__in=REPEALED, repealed_at__gte=start_at, repealed_at__lt=end_at)),
            in_force=Count(
                "pk",
                filter=Q(issued_on__lte=end) & (~Q(validity__in=REPEALED) | Q(repealed_at__gte=end_at)),
            ),
        )
    for group in aggregated:
        for col, _ in DOCUMENT_COLUMNS[fmt]:
            table[group["kind"]][col] = group[col]
    sums = AnnualFigures.objects.filter(figures_scope, year=year).aggregate(
        licensing=Sum("licensing_decisions"),
        penalty=Sum("penalty_decisions"),
        enforcement=Sum("enforcement_decisions"),
        fees=Sum("fee_amount"),
        procurement_projects=Sum("procurement_projects"),
        procurement_amount=Sum("procurement_amount"),
    )
    for key in ("licensing", "penalty", "enforcement"):
        table[key]["decisions"] = sums[key] or 0
    table["fees"]["amount"] = _as_number(sums["fees"])
    if fmt == F2019:
        table["procurement"] = {
            "projects": sums["procurement_projects"] or 0,
            "amount": _as_number(sums["procurement_amount"]),
        }
    return table
