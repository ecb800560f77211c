"""Ledgers that would make a cell of the annual report inconsistent are refused, naming the cell.

Two places refuse them (issue #7, "a ledger that makes one cell inconsistent is refused with that
cell named"):
- the ledger importer (`gongkai requests import`), for anything a single row can get wrong: the
  row and column are named and nothing is written;
- the report's reconciliation checks (`gongkai report annual`), for what only shows across years:
  a ledger re-imported after last year's report was sent that changes last year's 四. The table
  cell is named on stderr and in the JSON, the command exits 1 and publication is refused.
"""

import csv
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.tests.factories import make_org
from gongkai.publishing.tests.factories import make_desk
from gongkai.reports import services
from gongkai.reports.tests.factories import TODAY
from gongkai.requests.models import DisclosureRequest, ReviewRecord

pytestmark = pytest.mark.django_db

LEDGER = Path(__file__).parent / "fixtures" / "ledger_2023_2025.csv"
COLUMN = {
    name: i
    for i, name in enumerate(
        (
            "申请编号",
            "申请人类型",
            "提交方式",
            "收到日期",
            "申请内容",
            "办理结果",
            "结果细类",
            "答复日期",
            "是否延期",
            "复议诉讼",
            "复议诉讼结果",
        )
    )
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        yield


def _ledger(tmp_path: Path, number: str, **changes: str) -> tuple[Path, int]:
    """The fixture ledger with one row changed; returns the file and that row's line number."""
    with LEDGER.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    line = next(i for i, row in enumerate(rows, start=1) if row[0] == number)
    for column, value in changes.items():
        rows[line - 1][COLUMN[column]] = value
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path, line


def _import(path: Path, org_id: int) -> str:
    out = io.StringIO()
    call_command("requests", "import", str(path), "--org", str(org_id), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("number", "changes", "column", "reason"),
    [
        # R-C05 received 2025-02-14: a reply before receipt would count it in 三 of a year it is not in 一/二.
        ("R-C05", {"答复日期": "2025-02-01"}, "答复日期", "早于收到日期"),
        ("R-B08", {"答复日期": "2024-12-20"}, "答复日期", "早于收到日期"),
        # A result without a reply date: in 四 and in a result row at once.
        ("R-C05", {"答复日期": ""}, "答复日期", "已有办理结果时不能为空"),
        # A reply date without a result: in （七） but in no result row.
        ("R-C30", {"答复日期": "2025-12-20"}, "答复日期", "尚未办结"),
        ("R-C30", {"答复日期": "2026-02-01", "办理结果": "予以公开"}, "答复日期", "晚于今天"),
        ("R-C30", {"收到日期": "2026-01-16"}, "收到日期", "晚于今天"),
        ("R-C05", {"收到日期": "2025/02/14"}, "收到日期", "YYYY-MM-DD"),
        # A sub-row that is not one of the group's, or missing where the form has sub-rows.
        ("R-C05", {"结果细类": "无法提供-2"}, "结果细类", "不是“不予公开”的细类"),
        ("R-C05", {"结果细类": "不予公开-9"}, "结果细类", "不是“不予公开”的细类"),
        ("R-C20", {"结果细类": ""}, "结果细类", "不是“其他处理”的细类"),
        ("R-C01", {"结果细类": "不予公开-1"}, "结果细类", "应为空"),
        ("R-C30", {"结果细类": "其他处理-3"}, "结果细类", "办理结果为空时应为空"),
        ("R-C05", {"办理结果": "驳回"}, "办理结果", "不是可选值"),
        # A column of 表三 that does not exist.
        ("R-C05", {"申请人类型": "个体工商户"}, "申请人类型", "不是可选值"),
        # Table IV: an outcome without a review, a review without an outcome or of an unknown kind.
        ("R-C05", {"复议诉讼结果": "维持"}, "复议诉讼结果", "复议诉讼为空时应为空"),
        ("R-C05", {"复议诉讼": "行政复议"}, "复议诉讼结果", "不是可选值"),
        ("R-C05", {"复议诉讼": "行政复议", "复议诉讼结果": "撤销"}, "复议诉讼结果", "不是可选值"),
        ("R-C05", {"复议诉讼": "信访", "复议诉讼结果": "维持"}, "复议诉讼", "不是可选值"),
        ("R-C05", {"申请编号": "R-C04"}, "申请编号", "重复"),
    ],
)
def test_the_importer_refuses_a_row_naming_row_and_column(
    tmp_path: Path, number: str, changes: dict[str, str], column: str, reason: str
) -> None:
    org = make_org()
    path, line = _ledger(tmp_path, number, **changes)
    with pytest.raises(CommandError) as refused:
        _import(path, org.pk)
    message = str(refused.value)
    assert f"第{line}行“{column}”" in message
    assert reason in message
    assert message.splitlines()[0] == "台账有误，未导入任何记录：" and len(message.splitlines()) == 2  # that row only
    assert not DisclosureRequest.objects.filter(organisation=org).exists()
    assert not ReviewRecord.objects.filter(request__organisation=org).exists()


def test_a_refused_reimport_leaves_the_imported_ledger_and_its_report_unchanged(tmp_path: Path) -> None:
    org = make_org()
    _import(LEDGER, org.pk)
    before = _report(org.pk, 2025)
    path, _ = _ledger(tmp_path, "R-B08", 答复日期="2024-12-20")
    with pytest.raises(CommandError):
        _import(path, org.pk)
    assert _report(org.pk, 2025) == before


def _report(org_id: int, year: int) -> dict:
    out = io.StringIO()
    call_command("report", "annual", "--org", str(org_id), "--year", str(year), stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_a_ledger_changing_last_years_sent_figures_is_refused_naming_the_cell(tmp_path: Path) -> None:
    org = make_org()
    make_desk(org, "held")
    _import(LEDGER, org.pk)
    sent = services.annual_report_publish(actor=None, organisation=org, year=2024, today=TODAY)
    assert sent.figures["table3"]["carried_forward"]["commercial"] == 1  # R-B08
    # The office re-imports its ledger with R-B08 now replied on 2024-12-31: the sent 2024 report
    # carried it forward, the 2025 data no longer carry it over.
    path, _ = _ledger(tmp_path, "R-B08", 答复日期="2024-12-31")
    assert "新增 0 条" in _import(path, org.pk)

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("report", "annual", "--org", str(org.pk), "--year", "2025", stdout=out, stderr=err)
    cells = ["表三 第二行 法人或其他组织·商业企业列", "表三 第二行 总计列"]
    assert "未通过核对（2项），不能发布" in str(refused.value)
    assert all(cell in str(refused.value) for cell in cells)
    assert (
        "表三 第二行 法人或其他组织·商业企业列为 0，但上年度报告（2024年度已送审发布的报告）第四行为 1"
        in err.getvalue()
    )
    data = json.loads(out.getvalue())  # the report is still written, so that the office can find the error
    assert [c["cell"] for c in data["checks"] if not c["ok"]] == cells
    assert data["table3"]["carried_over"]["commercial"] == 0
    with pytest.raises(services.ChecksFailed, match="表三 第二行 法人或其他组织·商业企业列"):
        services.annual_report_publish(actor=None, organisation=org, year=2025, today=TODAY)

    # Corrected back, the report passes again and the command exits 0.
    _import(LEDGER, org.pk)
    assert all(c["ok"] for c in _report(org.pk, 2025)["checks"])


def test_a_review_of_a_request_not_yet_replied_counts_in_the_year_of_receipt(tmp_path: Path) -> None:
    """条例第五十一条: a requester may seek reconsideration or sue when no reply comes in time, so a
    review on an open request is a valid row; without a filing date it counts in the year received."""
    org = make_org()
    path, _ = _ledger(tmp_path, "R-C33", 复议诉讼="行政复议", 复议诉讼结果="尚未审结")
    _import(path, org.pk)
    data = _report(org.pk, 2025)
    assert data["table4"]["reconsideration"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 2, "total": 5}
    assert data["table3"]["carried_forward"]["public_interest"] == 1
    assert all(c["ok"] for c in data["checks"])
