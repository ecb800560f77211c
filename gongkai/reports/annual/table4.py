"""Table IV: administrative reconsideration and litigation (政府信息公开行政复议、行政诉讼情况).

A review belongs to the year it was brought (filed_on); a record without that date (the ledger
does not carry it) belongs to the year of the reply it contests, or failing that the year the
request was received. One GROUP BY query. 总计 is counted from the records, not summed, so an
outcome outside the four columns fails the check (checks.py).
"""

import datetime as dt

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from gongkai.requests.models import ReviewRecord

from .formats import REVIEW_KIND_KEYS, TABLE4_COLUMNS, TABLE4_KINDS

Table4 = dict[str, dict[str, int]]


def empty_table4() -> Table4:
    return {kind: {col: 0 for col, _ in TABLE4_COLUMNS} for kind, _ in TABLE4_KINDS}


def compute_table4(*, scope: Q, year: int) -> Table4:
    """``scope`` filters ReviewRecord to the bodies reported on (through request__organisation)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table = empty_table4()
    outcomes = {col for col, _ in TABLE4_COLUMNS if col != "total"}
    rows = (
        ReviewRecord.objects.filter(scope)
        .annotate(counted_on=Coalesce(F("filed_on"), F("request__replied_on"), F("request__received_on")))
        .filter(counted_on__gte=start, counted_on__lte=end)
        .values("kind", "outcome")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for group in rows:
        kind = REVIEW_KIND_KEYS.get(group["kind"])
        if kind is None:
            continue
        if group["outcome"] in outcomes:
            table[kind][group["outcome"]] += group["n"]
        table[kind]["total"] += group["n"]
    return table
