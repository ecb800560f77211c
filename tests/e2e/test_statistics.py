"""The statistics page in a real browser: a supervisor signs in, the page fits a 360 px screen
with charts legible at that width, larger text gives larger charts, and a table's Excel file
downloads by keyboard with the numbers of the page."""

import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gongkai.core.models import OrganisationKind, Role, User
from gongkai.core.tests.factories import PASSWORD, make_org, make_user
from gongkai.reports import charts
from gongkai.requests import services as request_services
from gongkai.requests.models import ResultCode
from gongkai.requests.tests.factories import TODAY, make_request

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(os.environ.get("GONGKAI_SCREENSHOT_DIR", tempfile.gettempdir()))
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The drawn size of each chart's text (charts.FONT units): the SVG's width over its viewBox.
CHART_TEXT_JS = """
() => [...document.querySelectorAll("svg.chart")].map((svg) => {
  const box = svg.getBoundingClientRect();
  return {id: svg.id, width: box.width, right: box.right, text: FONT * box.width / svg.viewBox.baseVal.width};
})
""".replace("FONT", str(charts.FONT))


@dataclass
class Site:
    url: str
    supervisor: User


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> Site:
    from gongkai.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    city = make_org("达州市人民政府", kind=OrganisationKind.GOVERNMENT)
    county = make_org("达州市通川区人民政府", short_name="通川区", parent=city, kind=OrganisationKind.GOVERNMENT)
    dept = make_org("达州市通川区教育局", parent=county)
    for n, (org, received, replied) in enumerate(
        [
            (county, dt.date(2025, 3, 3), dt.date(2025, 3, 10)),
            (county, dt.date(2025, 9, 30), dt.date(2025, 10, 9)),
            (dept, dt.date(2025, 6, 3), dt.date(2025, 7, 15)),
        ]
    ):
        req = make_request(org, None, received_on=received, number=f"2025-{n + 1:04d}")
        request_services.request_reply(
            actor=None, request=req, result_code=ResultCode.DISCLOSED, replied_on=replied, today=TODAY
        )
    make_request(dept, None, received_on=dt.date(2025, 11, 17), number="2025-0009")
    supervisor = make_user("stat_supervisor", org=city, role=Role.SUPERVISOR, descendants=True)
    return Site(url=str(live_server.url), supervisor=supervisor)


def _sign_in(page: Any, site: Site, target: str) -> None:
    page.goto(f"{site.url}/staff/login/?next={target}")
    page.fill("#id_username", site.supervisor.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def test_statistics_fit_a_phone_and_charts_stay_legible(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        page = context.new_page()
        _sign_in(page, site, "/staff/reports/statistics/?year=2025")
        assert "公开工作统计" in page.inner_text("h1")
        assert page.evaluate(OVERFLOW_JS) <= 0  # nothing scrolls sideways
        charts = page.evaluate(CHART_TEXT_JS)
        assert len(charts) == 8
        for chart in charts:
            assert chart["right"] <= 360, chart
            assert chart["text"] >= 13, chart  # labels drawn at 13 px or more on a phone
        page.screenshot(path=str(SCREENSHOTS / "statistics-360.png"), full_page=True)
    finally:
        context.close()


def test_larger_text_gives_larger_charts(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        _sign_in(page, site, "/staff/reports/statistics/?year=2025")
        normal = page.evaluate(CHART_TEXT_JS)[0]["text"]
        page.evaluate("() => { document.documentElement.style.fontSize = '125%'; }")  # as 长者模式 does
        larger = page.evaluate(CHART_TEXT_JS)[0]["text"]
        assert larger > normal * 1.2
        assert normal >= 16
    finally:
        context.close()


def test_a_table_downloads_by_keyboard_with_the_page_numbers(page: Any, site: Site) -> None:
    _sign_in(page, site, "/staff/reports/statistics/?year=2025")
    total_row = page.locator("#replies ~ div table tfoot tr").first
    cells = [c.strip() for c in total_row.locator("th, td").all_inner_texts()]
    assert cells[:5] == ["合计", "3", "2", "1", "0"]
    link = page.get_by_role("link", name="下载“依申请公开答复时效”Excel 表格（.xlsx）")
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "依申请公开答复时效_全部机构_2025.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = book.active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "合计"]
    assert rows[0][:5] == ("合计", 3, 2, 1, 0)
