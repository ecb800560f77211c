"""Table III: requests received and handled (收到和处理政府信息公开申请情况), from the request rows.

Definitions (issue #7; 条例第三十一条 for the date of receipt, 第三十六条至第三十九条 for the
results):
- 一 new: received_on within the year;
- 二 carried_over: received before 1 January and not replied before 1 January;
- 三 results: replied_on within the year, by requester type and result code;
- 四 carried_forward: received by 31 December and not replied by 31 December.

Two GROUP BY queries whatever the number of requests. The 总计 column and the （七）总计 row are
counted from the rows themselves, not summed from the other cells, so that a request with an
unknown requester type or a reply without a result shows up as a failing check (checks.py)
rather than silently disappearing.
"""

import datetime as dt

from django.db.models import Count, Q

from gongkai.requests.models import DisclosureRequest

from .formats import REQUESTER_COLUMNS, result_row, table3_keys

Table3 = dict[str, dict[str, int]]


def empty_table3(fmt: str) -> Table3:
    return {row: dict.fromkeys((*REQUESTER_COLUMNS, "total"), 0) for row in table3_keys(fmt)}


def compute_table3(*, scope: Q, year: int, fmt: str) -> Table3:
    """``scope`` filters DisclosureRequest to the bodies reported on."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table = empty_table3(fmt)
    requests = DisclosureRequest.objects.filter(scope)
    not_replied_before_start = Q(replied_on__isnull=True) | Q(replied_on__gte=start)
    not_replied_by_end = Q(replied_on__isnull=True) | Q(replied_on__gt=end)
    counts = (
        requests.filter(received_on__lte=end)
        .values("requester_type")
        .order_by()
        .annotate(
            new=Count("pk", filter=Q(received_on__gte=start)),
            carried_over=Count("pk", filter=Q(received_on__lt=start) & not_replied_before_start),
            carried_forward=Count("pk", filter=not_replied_by_end),
        )
    )
    for group in counts:
        column = group["requester_type"]
        for row in ("new", "carried_over", "carried_forward"):
            if column in REQUESTER_COLUMNS:
                table[row][column] += group[row]
            table[row]["total"] += group[row]
    results = (
        requests.filter(replied_on__gte=start, replied_on__lte=end)
        .values("requester_type", "result_code")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for group in results:
        column, n = group["requester_type"], group["n"]
        result = result_row(group["result_code"], fmt)
        if result is not None:
            if column in REQUESTER_COLUMNS:
                table[result][column] += n
            table[result]["total"] += n
        if column in REQUESTER_COLUMNS:
            table["total"][column] += n
        table["total"]["total"] += n
    return table
