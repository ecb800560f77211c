"""The openness statistics: figures against hand-built data, scope, the page and its downloads.

The data (built through the real services) — 通川区 in 2025, today 2025-12-31:

=====  ==========  ==========  ================  ==============================================
req    received    replied     result            why
=====  ==========  ==========  ================  ==============================================
r1     2025-03-03  2025-03-10  disclosed         5 working days, on time
r2     2025-09-30  2025-10-09  partly_disclosed  1 working day across the National Day holiday
r3     2025-06-03  2025-07-15  withheld_1        30 working days, due 2025-07-01: late
r4     2025-11-03  2025-11-05  other_3           withdrawn: in the result mix, not a reply
r5     2025-11-17  —           —                 open, due 2025-12-15: overdue
r6     2025-12-30  —           —                 open, not yet due
r7     2024-12-20  2025-01-06  disclosed         10 working days (2025-01-01 a holiday), on time
=====  ==========  ==========  ================  ==============================================

达川区 has one request (received and replied 2025-05-06/07), which a 通川区 officer never sees.

Items of 通川区 (proactive, column 其他文件): A formed 2025-03-03 (due 2025-03-31) published
2025-03-31 23:30 Beijing time (15:30 UTC: on time in local time); B formed 2025-03-03 published
2025-04-15 (late); C formed 2025-11-03 (due 2025-12-01) never published (overdue); D formed
2025-12-22 (due 2026-01-20) unpublished, outside the period. 通川区教育局 (below 通川区): E
published 2025-06-02. 达川区: F published 2025-05-10.
"""

import datetime as dt
import io
import random
import re
import xml.etree.ElementTree as ET
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from defusedxml.ElementTree import fromstring
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.core import workdays
from gongkai.core.models import Organisation, Role
from gongkai.core.tests.factories import make_org, make_user
from gongkai.core.tests.fixtures import Tree
from gongkai.core.workdays import WorkdayCalendar
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk, draft, make_desk, published
from gongkai.reports import statistics as st
from gongkai.requests import services as request_services
from gongkai.requests.models import DisclosureRequest, ResultCode
from gongkai.requests.tests.factories import make_request

CHINA = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2025, 12, 31)
YEAR = st.Period.year(2025)
URL = "/staff/reports/statistics/"


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def _reply(req: DisclosureRequest, code: str, on: dt.date) -> DisclosureRequest:
    return request_services.request_reply(actor=None, request=req, result_code=code, replied_on=on, today=TODAY)


def _request(org: Organisation, received: dt.date) -> DisclosureRequest:
    return make_request(org, None, received_on=received)


def _publish_at(desk: Desk, when: dt.datetime, title: str, formed: dt.date) -> InfoItem:
    with time_machine.travel(when, tick=False):
        return published(desk, title, formed_on=formed)


@dataclass
class Data:
    tree: Tree
    tc: Desk
    tc_dept: Desk
    dc: Desk


@pytest.fixture
def data(tree: Tree) -> Data:
    for org, code in ((tree.tongchuan, "511702000"), (tree.tongchuan_dept, "511702001"), (tree.dachuan, "511703000")):
        org.index_code = code
        org.save()
    tc = tree.tongchuan
    _reply(_request(tc, dt.date(2025, 3, 3)), ResultCode.DISCLOSED, dt.date(2025, 3, 10))
    _reply(_request(tc, dt.date(2025, 9, 30)), ResultCode.PARTLY_DISCLOSED, dt.date(2025, 10, 9))
    _reply(_request(tc, dt.date(2025, 6, 3)), ResultCode.WITHHELD_1, dt.date(2025, 7, 15))
    r4 = _request(tc, dt.date(2025, 11, 3))
    request_services.request_withdraw(actor=None, request=r4, on=dt.date(2025, 11, 5), today=TODAY)
    _request(tc, dt.date(2025, 11, 17))
    _request(tc, dt.date(2025, 12, 30))
    _reply(_request(tc, dt.date(2024, 12, 20)), ResultCode.DISCLOSED, dt.date(2025, 1, 6))
    _reply(_request(tree.dachuan, dt.date(2025, 5, 6)), ResultCode.DISCLOSED, dt.date(2025, 5, 7))

    tc_desk = make_desk(tc, "stc")
    tc_dept_desk = make_desk(tree.tongchuan_dept, "stcd")
    dc_desk = make_desk(tree.dachuan, "sdc")
    _publish_at(tc_desk, dt.datetime(2025, 3, 31, 23, 30, tzinfo=CHINA), "信息A", dt.date(2025, 3, 3))
    _publish_at(tc_desk, dt.datetime(2025, 4, 15, 10, tzinfo=CHINA), "信息B", dt.date(2025, 3, 3))
    with time_machine.travel(dt.datetime(2025, 11, 3, 9, tzinfo=CHINA), tick=False):
        draft(tc_desk, "信息C", formed_on=dt.date(2025, 11, 3))
    with time_machine.travel(dt.datetime(2025, 12, 22, 9, tzinfo=CHINA), tick=False):
        draft(tc_desk, "信息D", formed_on=dt.date(2025, 12, 22))
    _publish_at(tc_dept_desk, dt.datetime(2025, 6, 2, 9, tzinfo=CHINA), "信息E", dt.date(2025, 6, 2))
    _publish_at(dc_desk, dt.datetime(2025, 5, 10, 9, tzinfo=CHINA), "信息F", dt.date(2025, 5, 9))
    return Data(tree, tc_desk, tc_dept_desk, dc_desk)


def _stats(bodies: list[Organisation], period: st.Period = YEAR) -> st.Statistics:
    return st.Statistics(bodies=bodies, period=period, today=TODAY)


# --- the figures ------------------------------------------------------------------------------


def test_the_hand_built_data_has_the_due_dates_the_docstring_states(data: Data) -> None:
    """Guards the fixture: the expected figures below rest on these dates."""
    tc = data.tree.tongchuan
    due = dict(DisclosureRequest.objects.filter(organisation=tc).values_list("received_on", "due_on"))
    assert due[dt.date(2025, 6, 3)] == dt.date(2025, 7, 1)
    assert due[dt.date(2025, 11, 17)] == dt.date(2025, 12, 15)
    items = dict(InfoItem.objects.filter(organisation=tc).values_list("title", "due_on"))
    assert items["信息A"] == items["信息B"] == dt.date(2025, 3, 31)
    assert items["信息C"] == dt.date(2025, 12, 1)


def test_requests_by_month_counts_receipts_and_replies(data: Data) -> None:
    stats = _stats([data.tree.tongchuan])
    by_month = {m.month.month: (m.received, m.replied) for m in stats.by_month}
    assert len(stats.by_month) == 12
    assert by_month == {
        1: (0, 1),  # r7 replied; received in 2024
        2: (0, 0),
        3: (1, 1),
        4: (0, 0),
        5: (0, 0),
        6: (1, 0),
        7: (0, 1),
        8: (0, 0),
        9: (1, 0),
        10: (0, 1),
        11: (2, 0),  # r4's withdrawal is no reply
        12: (1, 0),
    }


def test_result_mix_follows_the_annual_report_rows(data: Data) -> None:
    mix = _stats([data.tree.tongchuan]).results
    counts = {r.code: r.count for r in mix.rows if r.count}
    assert counts == {"disclosed": 2, "partly_disclosed": 1, "withheld_1": 1, "other_3": 1}
    assert dict(mix.groups) == {
        "予以公开": 2,
        "部分公开": 1,
        "不予公开": 1,
        "无法提供": 0,
        "不予处理": 0,
        "其他处理": 1,
    }
    assert mix.total == 5


def test_on_time_rate_and_average_working_days_across_holidays(data: Data) -> None:
    stats = _stats([data.tree.tongchuan])
    (row,) = stats.replies
    assert (row.replied, row.on_time, row.late, row.no_due) == (4, 3, 1, 0)
    assert row.on_time_rate == pytest.approx(0.75)
    # (5 + 1 + 30 + 10) / 4: the National Day week and New Year's Day are not working days.
    assert row.workdays_total == 46
    assert row.average_workdays == Decimal("11.5")
    assert row.provisional is False


def test_a_reply_across_the_national_day_holiday_is_one_working_day(tree: Tree) -> None:
    _reply(_request(tree.tongchuan, dt.date(2025, 9, 30)), ResultCode.DISCLOSED, dt.date(2025, 10, 9))
    (row,) = _stats([tree.tongchuan]).replies
    assert (row.replied, row.workdays_total, row.average_workdays) == (1, 1, Decimal("1.0"))
    assert workdays.workdays_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9)).count == 1


@pytest.mark.parametrize("first_day_counts", [False, True])
def test_workday_spans_agree_with_the_calendar_pair_for_pair(first_day_counts: bool) -> None:
    overrides = {dt.date(2027, 2, 8): "holiday", dt.date(2026, 12, 26): "workday"}
    calendar = WorkdayCalendar(overrides, first_day_counts=first_day_counts)
    first, last = dt.date(2024, 12, 1), dt.date(2028, 1, 31)  # 2027 and 2028: provisional years
    spans = st.WorkdaySpans(calendar, first, last)
    rng = random.Random(7)
    for _ in range(3000):
        start = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        end = min(last, start + dt.timedelta(days=rng.randrange(-3, 90)))
        expected = calendar.workdays_between(start, end)
        assert spans.between(start, end) == (expected.count, expected.provisional), (start, end)


def test_a_reply_without_a_recorded_due_date_is_counted_apart(tree: Tree) -> None:
    req = _reply(_request(tree.tongchuan, dt.date(2025, 3, 3)), ResultCode.DISCLOSED, dt.date(2025, 3, 10))
    DisclosureRequest.objects.filter(pk=req.pk).update(due_on=None)  # as an old ledger row
    (row,) = _stats([tree.tongchuan]).replies
    assert (row.replied, row.on_time, row.late, row.no_due) == (1, 0, 0, 1)
    assert row.on_time_rate is None  # no rate rather than 0 %
    assert row.average_workdays == Decimal("5.0")


def test_overdue_open_requests_per_body(data: Data) -> None:
    tree = data.tree
    rows = _stats([tree.tongchuan, tree.dachuan]).overdue
    assert [(r.organisation, r.overdue, r.oldest_due) for r in rows] == [
        (tree.tongchuan, 1, dt.date(2025, 12, 15)),
        (tree.dachuan, 0, None),
    ]


def test_a_request_waiting_for_a_correction_or_in_consultation_is_not_overdue(tree: Tree) -> None:
    org = tree.tongchuan
    waiting = _request(org, dt.date(2025, 10, 9))
    request_services.request_ask_correction(
        actor=None,
        request=waiting,
        asked_on=dt.date(2025, 10, 10),
        what="请写明所需信息的文号",
        respond_by=dt.date(2025, 10, 24),
        today=TODAY,
    )
    consulting = _request(org, dt.date(2025, 10, 9))
    request_services.request_pause(
        actor=None, request=consulting, kind="third_party", started_on=dt.date(2025, 10, 10), today=TODAY
    )
    assert _stats([org]).overdue[0].overdue == 0


def test_items_per_body_and_per_column(data: Data) -> None:
    tree = data.tree
    stats = _stats([tree.tongchuan, tree.tongchuan_dept, tree.dachuan])
    assert [(r.organisation, r.published) for r in stats.items_per_body] == [
        (tree.tongchuan, 2),
        (tree.tongchuan_dept, 1),
        (tree.dachuan, 1),
    ]
    assert [(r.title, r.published) for r in stats.items_per_column] == [(data.tc.column.title, 4)]


def test_items_on_request_are_not_proactive_statistics(data: Data) -> None:
    InfoItem.objects.filter(title="信息B").update(disclosure_mode="on_request")
    stats = _stats([data.tree.tongchuan])
    assert stats.items_per_body[0].published == 1
    assert stats.art26[0].late_published == 0


def test_art26_on_time_rate_per_body_uses_the_local_publication_day(data: Data) -> None:
    tree = data.tree
    stats = _stats([tree.tongchuan, tree.dachuan])
    tc, dc = stats.art26
    # A (published 23:30 on its due day, Beijing time) on time, B late, C unpublished past due;
    # D is due in 2026.
    assert (tc.on_time, tc.late_published, tc.overdue_unpublished, tc.pending) == (1, 1, 1, 0)
    assert tc.on_time_rate == pytest.approx(1 / 3)
    assert (dc.on_time, dc.decided) == (1, 1)
    assert stats.art26_total.on_time_rate == pytest.approx(2 / 4)


def test_art26_pending_items_are_not_late_yet(data: Data) -> None:
    period = st.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    (tc,) = _stats([data.tree.tongchuan], period).art26
    assert (tc.pending, tc.decided, tc.on_time_rate) == (1, 0, None)


def test_a_period_without_data_gives_zeros(tree: Tree) -> None:
    stats = _stats([tree.tongchuan], st.Period.year(2019))
    assert [(m.received, m.replied) for m in stats.by_month] == [(0, 0)] * 12
    assert stats.results.total == 0
    assert all(n == 0 for _, n in stats.results.groups)
    (row,) = stats.replies
    assert (row.replied, row.on_time_rate, row.average_workdays) == (0, None, None)
    assert stats.overdue[0].overdue == 0
    assert stats.items_per_body[0].published == 0
    assert stats.items_per_column == []
    assert stats.art26[0].on_time_rate is None


def test_a_date_range_counts_only_its_days(data: Data) -> None:
    period = st.Period(dt.date(2025, 3, 1), dt.date(2025, 7, 15))
    stats = _stats([data.tree.tongchuan], period)
    assert [m.month.month for m in stats.by_month] == [3, 4, 5, 6, 7]
    assert sum(m.received for m in stats.by_month) == 2
    assert stats.replies[0].replied == 2  # r1 and r3 (2025-07-15 is the last day)


# --- scope ----------------------------------------------------------------------------------


def test_scope_office_and_supervisors_only(tree: Tree) -> None:
    assert st.statistics_scope(tree.tc_officer) == [tree.tongchuan]
    assert st.statistics_scope(tree.dc_officer) == [tree.dachuan]
    assert len(st.statistics_scope(tree.supervisor)) == 8  # the city and everything below it
    assert st.statistics_scope(tree.tc_editor) == []
    assert st.statistics_scope(tree.sysadmin) == []
    head = make_user(org=tree.tongchuan, role=Role.OFFICE_HEAD, descendants=True)
    assert st.statistics_scope(head) == [tree.tongchuan, tree.tongchuan_dept]


def test_filters_narrow_to_a_body_with_or_without_descendants(tree: Tree) -> None:
    scope = st.statistics_scope(tree.supervisor)
    with_desc = st.Filters(YEAR, tree.dachuan, descendants=True).bodies(scope)
    assert with_desc == [tree.dachuan, tree.dachuan_dept, tree.dachuan_town, tree.dachuan_village]
    assert st.Filters(YEAR, tree.dachuan, descendants=False).bodies(scope) == [tree.dachuan]
    # The chosen body's subtree never reaches outside the user's scope.
    assert st.Filters(YEAR, tree.dachuan).bodies(st.statistics_scope(tree.tc_officer)) == []


# --- the page -----------------------------------------------------------------------------------


@pytest.fixture
def at_year_end() -> Any:
    with time_machine.travel(dt.datetime(2025, 12, 31, 10, tzinfo=CHINA), tick=False) as traveller:
        yield traveller


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _svgs(html: str) -> list[ET.Element]:
    return [fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_anonymous_visitors_are_sent_to_the_login(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    assert Client().get(URL + "replies.xlsx").status_code == 302


def test_an_editor_may_not_read_the_statistics(tree: Tree) -> None:
    assert _client(tree.tc_editor).get(URL).status_code == 403
    assert _client(tree.tc_editor).get(URL + "replies.xlsx").status_code == 403


def test_the_page_shows_the_officers_own_figures_only(data: Data, at_year_end: Any) -> None:
    response = _client(data.tree.tc_officer).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    stats = response.context["stats"]
    assert stats.bodies == [data.tree.tongchuan]
    assert stats.period == YEAR
    sections = response.context["sections"]
    assert sections["monthly"].table.total == ["合计", 6, 4]
    assert sections["replies"].table.display_total == ["合计", "4", "3", "1", "0", "75.0%", "11.5"]
    assert sections["overdue"].table.total[1] == 1
    assert sections["art26"].table.display_total[-1] == "33.3%"
    assert "达州市达川区人民政府" not in html
    assert [(label, figure) for label, figure, _ in response.context["summary"]] == [
        ("收到申请", "6"),
        ("答复", "4"),
        ("按时答复率", "75.0%"),
        ("平均答复工作日", "11.5"),
        ("逾期未答复", "1"),
        ("主动公开发布", "2"),
        ("主动公开按时率", "33.3%"),
    ]
    assert sections["items_body"].table.total[1] == 2  # 达川区's item F is not counted


def test_an_officer_cannot_choose_another_body(data: Data, at_year_end: Any) -> None:
    response = _client(data.tree.tc_officer).get(URL, {"org": data.tree.dachuan.pk, "year": 2025})
    assert response.status_code == 200
    assert response.context["form"].errors["org"]
    assert "sections" not in response.context
    export = _client(data.tree.tc_officer).get(URL + "replies.xlsx", {"org": data.tree.dachuan.pk})
    assert export.status_code == 404


def test_a_supervisor_chooses_a_body_with_its_descendants(data: Data, at_year_end: Any) -> None:
    client = _client(data.tree.supervisor)
    tc = data.tree.tongchuan
    query: dict[str, str | int] = {"org": tc.pk, "descendants": "1", "year": 2025}
    with_desc = client.get(URL, query).context
    assert with_desc["stats"].bodies == [tc, data.tree.tongchuan_dept]
    assert with_desc["sections"]["items_body"].table.total[1] == 3
    query = {"org": tc.pk, "descendants": "0", "year": 2025}
    alone = client.get(URL, query).context
    assert alone["stats"].bodies == [tc]
    assert alone["sections"]["items_body"].table.total[1] == 2
    by_default = client.get(URL, {"org": tc.pk, "year": 2025}).context
    assert by_default["stats"].bodies == [tc, data.tree.tongchuan_dept]  # descendants unless excluded
    everything = client.get(URL).context
    assert everything["sections"]["monthly"].table.total == ["合计", 7, 5]


def test_charts_are_well_formed_svg_with_titles(data: Data, at_year_end: Any) -> None:
    html = _client(data.tree.supervisor).get(URL).content.decode()
    svgs = _svgs(html)
    assert len(svgs) == 8
    ns = "{http://www.w3.org/2000/svg}"
    for svg in svgs:
        assert svg.get("role") == "img"
        title = svg.find(f"{ns}title")
        assert title is not None and title.text
        assert svg.find(f"{ns}desc") is not None
        assert svg.get("aria-labelledby") == f"{svg.get('id')}-title {svg.get('id')}-desc"
    monthly = next(s for s in svgs if s.get("id") == "chart-monthly")
    desc = monthly.find(f"{ns}desc")
    assert desc is not None and desc.text is not None
    assert "收到申请（合计 7件）" in desc.text


def test_an_invalid_date_range_is_explained(data: Data, at_year_end: Any) -> None:
    client = _client(data.tree.tc_officer)
    response = client.get(URL, {"start": "2025-06-01", "end": "2025-05-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()
    response = client.get(URL, {"start": "2025-06-01"})
    assert "请同时填写起始日期和截止日期" in response.content.decode()
    ranged = client.get(URL, {"start": "2025-03-01", "end": "2025-07-15"}).context
    assert ranged["stats"].period == st.Period(dt.date(2025, 3, 1), dt.date(2025, 7, 15))


def test_an_empty_body_shows_zeros(tree: Tree, at_year_end: Any) -> None:
    org = make_org("达州市空白局", parent=tree.city)
    officer = make_user(org=org, role=Role.OFFICE_OFFICER)
    response = _client(officer).get(URL)
    assert response.status_code == 200
    sections = response.context["sections"]
    assert sections["monthly"].table.total == ["合计", 0, 0]
    assert sections["replies"].table.display_total == ["合计", "0", "0", "0", "0", "—", "—"]
    assert sections["art26"].table.display_total[-1] == "—"
    assert len(_svgs(response.content.decode())) == 8


def test_the_page_query_count_is_pinned(data: Data, at_year_end: Any, django_assert_num_queries: Any) -> None:
    client = _client(data.tree.supervisor)
    client.get(URL)  # warm up whatever the first request loads once per process
    # session, user, role assignments, bodies in view (the site and its columns come from the
    # per-process copy, core.sitecache) (the supervisor handles no requests: that query is skipped), calendar overrides,
    # 2 × by month, result mix, replies, overdue, items per body, per column, Art. 26.
    with django_assert_num_queries(13):
        response = client.get(URL)
    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_data(
    data: Data, at_year_end: Any, django_assert_num_queries: Any
) -> None:
    for day in range(1, 20):
        _reply(_request(data.tree.dachuan_dept, dt.date(2025, 8, day)), ResultCode.DISCLOSED, dt.date(2025, 9, 1))
    client = _client(data.tree.supervisor)
    client.get(URL)  # warm up, as above
    with django_assert_num_queries(13):
        assert client.get(URL).status_code == 200


# --- downloads ------------------------------------------------------------------------------


def _sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_the_xlsx_carries_the_numbers_of_the_page(data: Data, at_year_end: Any) -> None:
    client = _client(data.tree.tc_officer)
    page = client.get(URL, {"year": 2025}).context["sections"]["replies"].table
    response = client.get(URL + "replies.xlsx", {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="statistics-replies-2025.xlsx"')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "依申请公开答复时效_达州市通川区人民政府_2025.xlsx"
    rows = _sheet_rows(response.content)
    assert rows[0][0] == "依申请公开答复时效（达州市通川区人民政府，2025年）"
    assert list(rows[1]) == [c.label for c in page.columns]
    assert rows[2] == ("达州市通川区人民政府", 4, 3, 1, 0, 0.75, 11.5)
    assert rows[3] == ("合计", 4, 3, 1, 0, 0.75, 11.5)
    assert rows[2][:5] == tuple(page.rows[0][:5])


@pytest.mark.parametrize("key", ["monthly", "results", "replies", "overdue", "items-body", "items-column", "art26"])
def test_every_table_downloads_with_its_total(data: Data, at_year_end: Any, key: str) -> None:
    client = _client(data.tree.supervisor)
    sections = client.get(URL).context["sections"]
    table = sections[key.replace("-", "_")].table
    rows = _sheet_rows(client.get(URL + f"{key}.xlsx").content)
    body = [r for r in rows[2:] if any(v is not None for v in r)]
    assert len(body) >= len(table.rows) + 1
    total = body[len(table.rows)]
    assert total[0] == "合计"
    counts = [v for v, c in zip(table.total or [], table.columns, strict=True) if c.kind == "int"]
    assert [v for v, c in zip(total, table.columns, strict=True) if c.kind == "int"] == counts


def test_an_unknown_table_is_404(tree: Tree) -> None:
    assert _client(tree.supervisor).get(URL + "nothing.xlsx").status_code == 404
