"""The annual report's figures, cell by cell, from a hand-built ledger imported with the
request desk's importer (30 rows: every requester type, every result group, carried over and
forward, reviews in and out of the year)."""

import datetime as dt

import pytest
import time_machine

from gongkai.core.tests.factories import make_org
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogColumn, ColumnKey
from gongkai.publishing.tests.factories import approve_all, make_desk
from gongkai.reports import services
from gongkai.reports.annual.build import ReportYearError, compute_figures
from gongkai.reports.annual.formats import table3_keys
from gongkai.reports.tests.factories import TODAY, import_ledger

pytestmark = pytest.mark.django_db

COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other", "total")

#: Expected Table III of LEDGER_2025 (columns in COLUMNS order); rows not listed are all zero.
EXPECTED_2025 = {
    "new": (9, 4, 2, 2, 3, 3, 23),
    "carried_over": (3, 1, 0, 1, 0, 0, 5),
    "disclosed": (3, 1, 1, 1, 0, 0, 6),
    "partly_disclosed": (1, 1, 0, 0, 0, 1, 3),
    "withheld_1": (0, 1, 0, 0, 0, 0, 1),
    "withheld_3": (1, 0, 0, 0, 0, 0, 1),
    "withheld_4": (1, 0, 0, 0, 0, 0, 1),
    "withheld_6": (0, 0, 0, 0, 1, 0, 1),
    "cannot_provide_1": (0, 1, 0, 0, 0, 0, 1),
    "cannot_provide_2": (0, 0, 1, 0, 0, 0, 1),
    "cannot_provide_3": (0, 0, 0, 0, 1, 0, 1),
    "not_processed_1": (1, 0, 0, 0, 0, 0, 1),
    "not_processed_2": (0, 0, 0, 1, 0, 0, 1),
    "not_processed_5": (1, 0, 0, 0, 0, 0, 1),
    "other_1": (1, 0, 0, 0, 0, 0, 1),
    "other_2": (1, 0, 0, 0, 0, 0, 1),
    "other_3": (0, 0, 0, 0, 0, 1, 1),
    "total": (10, 4, 2, 2, 2, 2, 22),
    "carried_forward": (2, 1, 0, 1, 1, 1, 6),
}
EXPECTED_TABLE4_2025 = {
    "reconsideration": {"upheld": 1, "corrected": 1, "other": 1, "pending": 0, "total": 3},
    "litigation_direct": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
    "litigation_after_reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
}


def test_table3_cell_by_cell_from_imported_ledger() -> None:
    org = make_org("达州市测试局")
    import_ledger(org)
    figures = compute_figures(organisation=org, year=2025, today=TODAY)
    table3 = figures["table3"]
    assert list(table3) == list(table3_keys("2021"))
    for row in table3:
        expected = EXPECTED_2025.get(row, (0,) * 7)
        assert tuple(table3[row][c] for c in COLUMNS) == expected, row
    assert figures["table4"] == EXPECTED_TABLE4_2025
    assert [c for c in figures["checks"] if not c["ok"]] == []
    # 7 column balances + 25 row totals + 7 result sums + 7 carried-over + 3 Table IV.
    assert len(figures["checks"]) == 7 + 25 + 7 + 7 + 3


def test_the_year_before_carries_forward_what_2025_carries_over() -> None:
    org = make_org()
    import_ledger(org)
    figures_2024 = compute_figures(organisation=org, year=2024, today=TODAY)
    figures_2025 = compute_figures(organisation=org, year=2025, today=TODAY)
    assert figures_2024["table3"]["carried_forward"] == figures_2025["table3"]["carried_over"]
    assert figures_2024["table3"]["new"]["total"] == 7
    assert figures_2024["table3"]["total"]["total"] == 2  # A04, A05 replied in 2024
    assert figures_2024["table4"]["reconsideration"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 1,
    }


def test_report_year_2020_uses_the_2019_format() -> None:
    org = make_org()
    rows = (
        "E01,自然人,网上申请,2020-03-02,逾期不补正,其他处理,其他处理-1,2020-04-01,否,,\n"
        "E02,其他,网上申请,2020-05-06,撤回,其他处理,其他处理-3,2020-05-08,否,,\n"
        "E03,商业企业,网上申请,2020-06-01,公开,予以公开,,2020-06-10,否,,\n"
    )
    import_ledger(org, rows)
    figures = compute_figures(organisation=org, year=2020, today=TODAY)
    keys = list(figures["table3"])
    assert "other" in keys
    assert not any(k.startswith("other_") for k in keys)
    assert figures["table3"]["other"]["total"] == 2
    assert figures["table3"]["other"]["natural_person"] == 1
    assert figures["table3"]["total"]["total"] == 3
    assert set(figures["table2"]["rules"]) == {"made", "published", "total_public"}
    assert figures["table2"]["procurement"] == {"projects": 0, "amount": 0.0}
    assert all(c["ok"] for c in figures["checks"])


def test_a_year_without_data_is_a_valid_all_zero_report() -> None:
    org = make_org()
    figures = compute_figures(organisation=org, year=2023, today=TODAY)
    assert all(n == 0 for row in figures["table3"].values() for n in row.values())
    assert all(n == 0 for row in figures["table4"].values() for n in row.values())
    assert figures["table2"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert figures["table2"]["fees"] == {"amount": 0.0}
    assert figures["checks"] and all(c["ok"] for c in figures["checks"])


@pytest.mark.parametrize("year", [2027, 2030])
def test_a_future_year_is_refused(year: int) -> None:
    with pytest.raises(ReportYearError, match=f"{year}年度尚未到来"):
        compute_figures(organisation=make_org(), year=year, today=TODAY)


def test_a_year_before_the_revised_regulations_is_refused() -> None:
    with pytest.raises(ReportYearError, match="2018年度早于修订后的"):
        compute_figures(organisation=make_org(), year=2018, today=TODAY)


def test_a_government_with_its_departments(tree) -> None:
    import_ledger(tree.dachuan)
    import_ledger(tree.dachuan_dept, "X01,自然人,网上申请,2025-03-02,部门申请,予以公开,,2025-03-10,否,,\n")
    import_ledger(tree.dachuan_village, "Y01,商业企业,网上申请,2025-12-30,村申请,,,,否,行政复议,尚未审结\n")
    import_ledger(tree.tongchuan, "Z01,自然人,网上申请,2025-03-02,别的区,予以公开,,2025-03-10,否,,\n")
    services.annual_figures_save(actor=None, organisation=tree.dachuan, year=2025, today=TODAY, licensing_decisions=5)
    services.annual_figures_save(
        actor=None, organisation=tree.dachuan_dept, year=2025, today=TODAY, licensing_decisions=7, fee_amount="1.25"
    )
    alone = compute_figures(organisation=tree.dachuan, year=2025, today=TODAY)
    together = compute_figures(organisation=tree.dachuan, year=2025, today=TODAY, with_departments=True)
    assert alone["table3"]["new"]["total"] == 23
    assert together["table3"]["new"]["total"] == 25
    assert together["table3"]["disclosed"]["natural_person"] == 4
    assert together["table3"]["carried_forward"]["commercial"] == 2
    assert together["table4"]["reconsideration"]["pending"] == 1  # Y01: no reply, counted by receipt
    assert alone["table2"]["licensing"] == {"decisions": 5}
    assert together["table2"]["licensing"] == {"decisions": 12}
    assert together["table2"]["fees"] == {"amount": 1.25}
    city = compute_figures(organisation=tree.city, year=2025, today=TODAY, with_departments=True)
    assert city["table3"]["new"]["total"] == 26
    assert all(c["ok"] for c in together["checks"] + city["checks"])


def _normative(desk, title: str, written: dt.date, validity: str = "in_force"):
    column = CatalogColumn.objects.get(organisation=desk.org, key=ColumnKey.NORMATIVE)
    item = publishing.item_create(
        actor=desk.editor,
        organisation=desk.org,
        column=column,
        title=title,
        formed_on=written,
        date_written=written,
        validity=validity,
        body_html="<p>正文</p>",
    )
    return publishing.item_publish(actor=desk.final, item=approve_all(desk, item))


def test_table2_counts_normative_documents_from_the_catalog() -> None:
    org = make_org()
    desk = make_desk(org, "t2")
    with time_machine.travel(dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        _normative(desk, "关于甲的规定", dt.date(2023, 5, 4))
        _normative(desk, "关于乙的规定", dt.date(2024, 3, 1))
        old = _normative(desk, "关于丙的规定", dt.date(2022, 3, 1))
    with time_machine.travel(dt.datetime(2025, 4, 1, 9, tzinfo=dt.UTC), tick=False):
        _normative(desk, "关于丁的规定", dt.date(2025, 2, 10))
        # 丙 is repealed in 2025: a new version, reviewed and published.
        publishing.item_update(actor=desk.editor, item=old, validity="repealed")
        publishing.item_publish(actor=desk.final, item=approve_all(desk, old))
    with time_machine.travel(dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        draft_only = publishing.item_create(
            actor=desk.editor,
            organisation=org,
            column=CatalogColumn.objects.get(organisation=org, key=ColumnKey.NORMATIVE),
            title="未发布的规定",
            formed_on=dt.date(2025, 4, 1),
            validity="in_force",
        )
    assert draft_only.first_published_at is None
    figures_2025 = compute_figures(organisation=org, year=2025, today=TODAY)
    figures_2024 = compute_figures(organisation=org, year=2024, today=TODAY)
    assert figures_2025["table2"]["normative"] == {"issued": 1, "repealed": 1, "in_force": 3}
    assert figures_2024["table2"]["normative"] == {"issued": 1, "repealed": 0, "in_force": 3}
    assert figures_2025["table2"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    figures_2020 = compute_figures(organisation=org, year=2020, today=TODAY)
    assert figures_2020["table2"]["normative"] == {"made": 0, "published": 0, "total_public": 0}
    # 2019 format's columns on a 2019–2020 year, counted the same way.
    with time_machine.travel(dt.datetime(2020, 7, 1, 9, tzinfo=dt.UTC), tick=False):
        _normative(desk, "二〇二〇年的规定", dt.date(2020, 6, 1))
    assert compute_figures(organisation=org, year=2020, today=TODAY)["table2"]["normative"] == {
        "made": 1,
        "published": 1,
        "total_public": 1,
    }


def test_table2_rules_in_force_until_repealed_or_expired_whatever_else_the_validity_says() -> None:
    org = make_org()
    desk = make_desk(org, "t2r")
    rules = CatalogColumn.objects.get(organisation=org, key=ColumnKey.RULES)

    def rule(title: str, written: dt.date, **fields: str):
        item = publishing.item_create(
            actor=desk.editor, organisation=org, column=rules, title=title, formed_on=written,
            date_written=written, body_html="<p>正文</p>", **fields,
        )  # fmt: skip
        return publishing.item_publish(actor=desk.final, item=approve_all(desk, item))

    with time_machine.travel(dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        rule("未标注有效性的规章", dt.date(2024, 2, 1))  # the catalog's default: 不适用
        rule("已修改的规章", dt.date(2023, 2, 1), validity="amended")
        lapsing = rule("将失效的规章", dt.date(2022, 2, 1), validity="in_force")
    with time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        publishing.item_update(actor=desk.editor, item=lapsing, validity="expired")
        publishing.item_publish(actor=desk.final, item=approve_all(desk, lapsing))
    assert compute_figures(organisation=org, year=2024, today=TODAY)["table2"]["rules"] == {
        "issued": 1,
        "repealed": 0,
        "in_force": 3,
    }
    assert compute_figures(organisation=org, year=2025, today=TODAY)["table2"]["rules"] == {
        "issued": 0,
        "repealed": 1,
        "in_force": 2,
    }


def test_report_computation_is_a_few_queries(django_assert_num_queries) -> None:
    org = make_org()
    import_ledger(org)
    # table2: items + figures; table3: two GROUP BYs; table4: one; last year's report + row 四.
    with django_assert_num_queries(7):
        compute_figures(organisation=org, year=2025, today=TODAY)
