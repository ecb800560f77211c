"""The openness statistics (issue #7 item 4) on the independent ledger of test_heldout_ledger,
imported with `gongkai requests import`: every figure counted by hand from the ledger, read
from the page and from each table's Excel download (the same numbers)."""

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from gongkai.core.tests.factories import make_org
from gongkai.reports.tests.factories import office

pytestmark = pytest.mark.django_db

LEDGER = Path(__file__).parent / "fixtures" / "ledger_2023_2025.csv"
URL = "/staff/reports/statistics/"

# Received in 2025 by month of 收到日期 (R-C01 … R-C42).
RECEIVED = [3, 3, 4, 4, 3, 4, 3, 3, 3, 3, 3, 6]
# Replies in 2025 by month of 答复日期: the 40 results of table III without the three that end
# without a reply (不再处理): R-C20 (其他处理-1, August), R-B09 (其他处理-2, February) and R-C28
# (其他处理-2, December). Jan B07 B08 C01 C02; Feb A04 C03 C41; Mar C04 C05 C06 C39; Apr C07 C08
# C09 C10; May C11 C12 C40; Jun C13 C15 C16 C17; Jul C14 C18 C19 C37; Aug C21 C22 C23; Sep C24
# C25; Oct C26 C27 C38; Nov C29; Dec C35 C42.
REPLIED = [4, 3, 4, 4, 3, 4, 4, 3, 2, 3, 1, 2]
# The results of 2025 by group (table III): 11 + 5 + 10 + 4 + 6 + 4 = 40.
GROUPS = {"予以公开": 11, "部分公开": 5, "不予公开": 10, "无法提供": 4, "不予处理": 6, "其他处理": 4}


@pytest.fixture
def body() -> Any:
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        org = make_org("达州市统计核对局")
        call_command("requests", "import", str(LEDGER), "--org", str(org.pk), stdout=io.StringIO())
        yield org


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]


def test_every_statistics_table_matches_the_hand_count_on_the_page_and_in_excel(body: Any) -> None:
    client = Client()
    client.force_login(office(body))
    page = client.get(URL, {"year": 2025})
    assert page.status_code == 200
    sections = page.context["sections"]

    monthly = sections["monthly"].table
    assert [r[1:] for r in monthly.rows] == [[a, b] for a, b in zip(RECEIVED, REPLIED, strict=True)]
    assert monthly.total == ["合计", 42, 37]
    sheet = _rows(client.get(URL + "monthly.xlsx", {"year": 2025}).content)
    assert sheet[2:15] == [
        (f"2025年{m:02d}月", a, b) for m, a, b in zip(range(1, 13), RECEIVED, REPLIED, strict=True)
    ] + [("合计", 42, 37)]

    results = sections["results"].table
    by_label = {r[0]: r[1] for r in results.rows}
    for group, count in GROUPS.items():
        assert sum(n for label, n in by_label.items() if label.startswith(group)) == count, group
    assert by_label["不予公开-属于行政查询事项"] == 2 and by_label["其他处理-申请人逾期未按收费通知要求缴纳费用"] == 2
    assert results.total[:2] == ["合计", 40]
    sheet = _rows(client.get(URL + "results.xlsx", {"year": 2025}).content)
    assert ("予以公开", 11, 11 / 40) in sheet and ("合计", 40, 1) in sheet

    # The ledger carries no due dates for replied rows: all 37 replies are counted apart
    # ("未记录期限"), so there is no on-time rate to show rather than a guessed one.
    replies = sections["replies"].table
    assert replies.rows[0][:6] == ["达州市统计核对局", 37, 0, 0, 37, None]
    sheet = _rows(client.get(URL + "replies.xlsx", {"year": 2025}).content)
    assert sheet[2][:5] == ("达州市统计核对局", 37, 0, 0, 37)

    # Open on 2026-01-15 and past the 20 working days: R-C30 (received 12-01, due 12-29) and
    # R-C31 (received 12-15, due in January); R-C33, R-C36 and R-D01 are still within time.
    overdue = sections["overdue"].table
    assert overdue.rows == [["达州市统计核对局", 2, dt.date(2025, 12, 29)]]
    sheet = _rows(client.get(URL + "overdue.xlsx", {"year": 2025}).content)
    assert sheet[2][:2] == ("达州市统计核对局", 2)

    for key in ("items-body", "items-column", "art26"):
        response = client.get(URL + f"{key}.xlsx", {"year": 2025})
        assert response.status_code == 200
        assert _rows(response.content)[0][0]


def test_another_body_sees_none_of_it(body: Any) -> None:
    other = make_org("达州市另一局")
    client = Client()
    client.force_login(office(other))
    sections = client.get(URL, {"year": 2025}).context["sections"]
    assert sections["monthly"].table.total == ["合计", 0, 0]
    assert "达州市统计核对局" not in client.get(URL, {"year": 2025}).content.decode()
    asked = client.get(URL, {"year": 2025, "org": body.pk})  # a body outside the scope
    assert "达州市统计核对局" not in asked.content.decode()
    assert asked.status_code == 404 or "sections" not in asked.context  # refused, nothing counted
    response = client.get(URL + "monthly.xlsx", {"year": 2025, "org": body.pk})
    if response.status_code == 200:
        assert ("合计", 0, 0) in _rows(response.content)
