"""Every reconciliation check fails on a crafted inconsistency, names its cell and rule, and
blocks publication."""

import copy
import datetime as dt

import pytest

from gongkai.core.tests.factories import make_org
from gongkai.publishing.models import InfoItem
from gongkai.reports import services
from gongkai.reports.annual import checks
from gongkai.reports.annual.build import compute_figures
from gongkai.reports.annual.table3 import empty_table3
from gongkai.reports.annual.table4 import empty_table4
from gongkai.reports.models import AnnualReport, ReportStatus
from gongkai.reports.tests.factories import TODAY, import_ledger
from gongkai.requests.models import DisclosureRequest, ReviewRecord

pytestmark = pytest.mark.django_db


def _failing(figures: dict) -> list[dict]:
    return [c for c in figures["checks"] if not c["ok"]]


# --- pure checks over crafted figures ---------------------------------------------------------


def _balanced(fmt: str) -> dict[str, dict[str, int]]:
    table = empty_table3(fmt)
    for col, n in (("natural_person", 3), ("commercial", 1)):
        table["new"][col] = n
        table["disclosed"][col] = n
        table["total"][col] = n
    table["new"]["total"] = table["disclosed"]["total"] = table["total"]["total"] = 4
    return table


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_consistent_figures_pass_every_check(fmt: str) -> None:
    assert all(c.ok for c in checks.check_table3(_balanced(fmt), fmt, previous_carried_forward={}))


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_row_total_not_the_sum_of_the_six_columns(fmt: str) -> None:
    table = _balanced(fmt)
    table["new"]["total"] = 5
    failed = [c for c in checks.check_table3(table, fmt) if not c.ok]
    cells = {c.cell for c in failed}
    assert "表三 第一行 总计列" in cells
    row_check = next(c for c in failed if c.cell == "表三 第一行 总计列")
    assert row_check.rule == checks.RULE_ROW_TOTAL
    assert "为 5，但六类申请人之和为 4" in row_check.message


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_result_total_not_the_sum_of_the_results(fmt: str) -> None:
    table = _balanced(fmt)
    table["withheld_5"]["research"] = 1
    table["withheld_5"]["total"] = 1
    failed = [c for c in checks.check_table3(table, fmt) if not c.ok]
    assert [(c.cell, c.rule) for c in failed] == [
        ("表三 第三行第（七）项 法人或其他组织·科研机构列", checks.RULE_RESULTS),
        ("表三 第三行第（七）项 总计列", checks.RULE_RESULTS),
    ]


def test_2019_format_sums_the_single_other_row() -> None:
    table = _balanced("2019")
    table["other"]["natural_person"] += 1
    table["other"]["total"] += 1
    failed = [c for c in checks.check_table3(table, "2019") if not c.ok]
    assert {c.cell for c in failed} == {"表三 第三行第（七）项 自然人列", "表三 第三行第（七）项 总计列"}
    assert all(c.rule == checks.RULE_RESULTS for c in failed)


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_column_does_not_balance(fmt: str) -> None:
    table = _balanced(fmt)
    table["carried_forward"]["commercial"] = 2
    table["carried_forward"]["total"] = 2
    failed = [c for c in checks.check_table3(table, fmt) if not c.ok]
    balance = [c for c in failed if c.rule == checks.RULE_BALANCE]
    assert [c.cell for c in balance] == [
        "表三 第三行第（七）项 法人或其他组织·商业企业列",
        "表三 第三行第（七）项 总计列",
    ]
    assert "一（1）+ 二（0）= 1，而 三（七）（1）+ 四（2）= 3" in balance[0].message


def test_carried_over_differs_from_last_year() -> None:
    table = _balanced("2021")
    failed = [
        c
        for c in checks.check_table3(
            table, "2021", previous_carried_forward={"legal_service": 2, "total": 2}, previous_source="上年度"
        )
        if not c.ok
    ]
    assert [c.cell for c in failed] == ["表三 第二行 法人或其他组织·法律服务机构列", "表三 第二行 总计列"]
    assert all(c.rule == checks.RULE_CARRIED for c in failed)


def test_table4_total_not_the_sum_of_outcomes() -> None:
    table = empty_table4()
    table["litigation_direct"]["total"] = 1
    failed = [c for c in checks.check_table4(table) if not c.ok]
    assert [(c.cell, c.rule) for c in failed] == [("表四 行政诉讼·未经复议直接起诉 总计列", checks.RULE_TABLE4)]


# --- inconsistent data in the database --------------------------------------------------------


def test_a_reply_without_result_fails_the_result_sum_and_blocks_publication() -> None:
    org = make_org()
    import_ledger(org)
    # Legacy data: a reply date without a result code (the ledger importer refuses this).
    DisclosureRequest.objects.filter(organisation=org, number="B01").update(result_code="")
    figures = compute_figures(organisation=org, year=2025, today=TODAY)
    assert [(c["cell"], c["rule"]) for c in _failing(figures)] == [
        ("表三 第三行第（七）项 自然人列", checks.RULE_RESULTS),
        ("表三 第三行第（七）项 总计列", checks.RULE_RESULTS),
    ]
    with pytest.raises(services.ChecksFailed, match="表三 第三行第（七）项 自然人列") as refused:
        services.annual_report_publish(actor=None, organisation=org, year=2025, today=TODAY)
    assert "不能发布" in str(refused.value)
    assert not InfoItem.objects.filter(organisation=org).exists()
    assert not AnnualReport.objects.filter(organisation=org).exists()


def test_an_unknown_requester_type_fails_the_row_totals() -> None:
    org = make_org()
    import_ledger(org)
    DisclosureRequest.objects.filter(organisation=org, number="B04").update(requester_type="")
    cells = {c["cell"] for c in _failing(compute_figures(organisation=org, year=2025, today=TODAY))}
    assert cells == {
        "表三 第一行 总计列",
        "表三 第三行第（三）项第1小项 总计列",
        "表三 第三行第（七）项 总计列",
    }


def test_a_reply_dated_before_receipt_across_the_year_end_unbalances_the_column() -> None:
    org = make_org()
    import_ledger(org)
    DisclosureRequest.objects.filter(organisation=org, number="D01").update(
        result_code="disclosed", replied_on=dt.date(2025, 12, 30)
    )
    failed = _failing(compute_figures(organisation=org, year=2025, today=TODAY))
    assert [(c["cell"], c["rule"]) for c in failed] == [
        ("表三 第三行第（七）项 自然人列", checks.RULE_BALANCE),
        ("表三 第三行第（七）项 总计列", checks.RULE_BALANCE),
    ]


def test_carried_over_is_compared_with_last_years_sent_report() -> None:
    org = make_org()
    import_ledger(org)
    sent = compute_figures(organisation=org, year=2024, today=TODAY)
    tampered = copy.deepcopy(sent)
    tampered["table3"]["carried_forward"]["natural_person"] += 1
    tampered["table3"]["carried_forward"]["total"] += 1
    AnnualReport.objects.create(
        organisation=org, year=2024, format="2021", figures=tampered, status=ReportStatus.SUBMITTED
    )
    failed = _failing(compute_figures(organisation=org, year=2025, today=TODAY))
    assert [c["cell"] for c in failed] == ["表三 第二行 自然人列", "表三 第二行 总计列"]
    assert "2024年度已送审发布的报告" in failed[0]["message"]


def test_a_review_outcome_outside_the_columns_fails_table4() -> None:
    org = make_org()
    import_ledger(org)
    ReviewRecord.objects.filter(request__organisation=org, request__number="B12").update(outcome="")
    failed = _failing(compute_figures(organisation=org, year=2025, today=TODAY))
    assert [(c["cell"], c["rule"]) for c in failed] == [("表四 行政复议 总计列", checks.RULE_TABLE4)]


def test_2019_format_checks_run_on_2020_data() -> None:
    org = make_org()
    import_ledger(org, "E01,自然人,网上申请,2020-03-02,撤回,其他处理,其他处理-3,2020-04-01,否,,\n")
    DisclosureRequest.objects.filter(organisation=org, number="E01").update(result_code="other_9")
    failed = _failing(compute_figures(organisation=org, year=2020, today=TODAY))
    assert {c["cell"] for c in failed} == {"表三 第三行第（七）项 自然人列", "表三 第三行第（七）项 总计列"}


def test_a_corrected_ledger_after_last_years_report_was_sent_is_refused_naming_the_cell() -> None:
    from gongkai.publishing.tests.factories import make_desk
    from gongkai.reports.tests.factories import LEDGER_2025

    org = make_org()
    make_desk(org, "prev")
    import_ledger(org)
    services.annual_report_publish(actor=None, organisation=org, year=2024, today=TODAY)
    # The office re-imports its ledger: A06, open at the end of 2024 in the sent report, now
    # shows a reply on 2024-12-31.
    corrected = LEDGER_2025.replace(
        "A06,自然人,信函申请,2024-12-30,上年结转至今未办结,,,,否,,",
        "A06,自然人,信函申请,2024-12-30,上年结转至今未办结,予以公开,,2024-12-31,否,,",
    )
    import_ledger(org, corrected)
    figures = compute_figures(organisation=org, year=2025, today=TODAY)
    assert [(c["cell"], c["rule"]) for c in _failing(figures)] == [
        ("表三 第二行 自然人列", checks.RULE_CARRIED),
        ("表三 第二行 总计列", checks.RULE_CARRIED),
    ]
    with pytest.raises(services.ChecksFailed, match="表三 第二行 自然人列为 2，但上年度报告"):
        services.annual_report_publish(actor=None, organisation=org, year=2025, today=TODAY)
