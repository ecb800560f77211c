"""`gongkai report annual` and `gongkai report figures`."""

import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from gongkai.core.tests.factories import make_org
from gongkai.reports.management.commands.report import Command
from gongkai.reports.models import AnnualFigures
from gongkai.reports.tests.factories import import_ledger

pytestmark = pytest.mark.django_db

TABLE3_ROWS = [
    "new",
    "carried_over",
    "disclosed",
    "partly_disclosed",
    *[f"withheld_{n}" for n in range(1, 9)],
    *[f"cannot_provide_{n}" for n in range(1, 4)],
    *[f"not_processed_{n}" for n in range(1, 6)],
    *[f"other_{n}" for n in range(1, 4)],
    "total",
    "carried_forward",
]
TABLE3_COLUMNS = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other", "total"]
TABLE4 = {
    "reconsideration": ["upheld", "corrected", "other", "pending", "total"],
    "litigation_direct": ["upheld", "corrected", "other", "pending", "total"],
    "litigation_after_reconsideration": ["upheld", "corrected", "other", "pending", "total"],
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        yield


def _run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_json_has_exactly_the_issue_shape() -> None:
    org = make_org()
    import_ledger(org)
    data = json.loads(_run("annual", "--org", str(org.pk), "--year", "2025", "--format", "json"))
    assert list(data) == ["table2", "table3", "table4", "checks"]
    assert list(data["table3"]) == TABLE3_ROWS
    assert all(list(row) == TABLE3_COLUMNS for row in data["table3"].values())
    assert {k: list(v) for k, v in data["table4"].items()} == TABLE4
    assert data["table3"]["new"]["total"] == 23
    assert data["table3"]["carried_forward"]["legal_service"] == 1
    assert data["table4"]["litigation_direct"]["pending"] == 1
    assert data["checks"] and all(set(c) == {"cell", "rule", "ok", "message"} for c in data["checks"])
    assert list(data["table2"]) == ["rules", "normative", "licensing", "penalty", "enforcement", "fees"]


def test_body_without_data_gives_zeros() -> None:
    org = make_org()
    data = json.loads(_run("annual", "--org", str(org.pk), "--year", "2025"))
    assert data["table3"]["total"] == dict.fromkeys(TABLE3_COLUMNS, 0)
    assert all(c["ok"] for c in data["checks"])


def test_future_year_exits_1_with_a_chinese_message(capsys: pytest.CaptureFixture[str]) -> None:
    org = make_org()
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            ["gongkai", "report", "--skip-checks", "annual", "--org", str(org.pk), "--year", "2027"]
        )
    assert exited.value.code == 1
    assert "2027年度尚未到来，不能生成年度报告" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["annual", "--year", "2025"], "请用 机构编号（--org） 指定"),
        (["annual", "--org", "999999", "--year", "2025"], "机构编号“999999”不存在"),
        (["annual", "--org", "1", "--year", "二〇二五"], "不是正整数"),
        (["annual", "--org", "1", "--year", "2025", "--format", "pdf"], "不支持的输出格式“pdf”"),
        ([], "请指定操作"),
    ],
)
def test_bad_arguments(args: list[str], message: str) -> None:
    make_org()
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_docx_and_xlsx_open_and_carry_the_numbers(tmp_path: Path) -> None:
    org = make_org("达州市测试局")
    import_ledger(org)
    call_command("report", "figures", str(_figures_csv(tmp_path, org.pk)), stdout=io.StringIO())
    assert AnnualFigures.objects.get(organisation=org, year=2025).penalty_decisions == 17
    docx_path, xlsx_path = tmp_path / "r.docx", tmp_path / "r.xlsx"
    _run("annual", "--org", str(org.pk), "--year", "2025", "--format", "docx", "--output", str(docx_path))
    _run("annual", "--org", str(org.pk), "--year", "2025", "--format", "xlsx", "--output", str(xlsx_path))
    assert zipfile.is_zipfile(docx_path)
    document = Document(str(docx_path))
    texts = [p.text for p in document.paragraphs]
    assert "达州市测试局2025年政府信息公开工作年度报告" in texts
    assert "三、收到和处理政府信息公开申请情况" in texts
    assert any("本年新收政府信息公开申请23件" in t for t in texts)
    table3 = document.tables[1]
    row_new = next(r for r in table3.rows if r.cells[0].text.startswith("一、本年新收"))
    assert [c.text for c in row_new.cells[3:]] == ["9", "4", "2", "2", "3", "3", "23"]
    table2 = document.tables[0]
    assert any(r.cells[0].text == "行政处罚" and r.cells[1].text == "17" for r in table2.rows)

    workbook = load_workbook(xlsx_path)
    assert workbook.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼"]
    sheet = workbook["表三 依申请公开"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert list(rows["一、本年新收政府信息公开申请数量"][3:]) == [9, 4, 2, 2, 3, 3, 23]
    assert list(rows["四、结转下年度继续办理"][3:]) == [2, 1, 0, 1, 1, 1, 6]
    by_label = {row[2]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[2]}
    assert list(by_label["4.保护第三方合法权益"][3:]) == [1, 0, 0, 0, 0, 0, 1]
    assert "A5:C5" in {str(r) for r in sheet.merged_cells.ranges}  # 一、 spans the three label columns
    table4 = workbook["表四 复议诉讼"]
    assert [c.value for c in table4[5]] == [1, 1, 1, 0, 3, 1, 0, 0, 1, 2, 1, 0, 0, 0, 1]
    fees = {row[0]: row[1] for row in workbook["表二 主动公开"].iter_rows(values_only=True) if row[0]}
    assert fees["行政事业性收费"] == 2.5


def test_html_to_stdout_and_2019_format(tmp_path: Path) -> None:
    org = make_org()
    page = _run("annual", "--org", str(org.pk), "--year", "2020", "--format", "html")
    assert page.startswith("<!doctype html>")
    assert "第二十条第（九）项" in page  # 政府集中采购, 2019 format only
    assert "（六）其他处理" in page
    assert "2.申请人逾期未按收费通知要求缴纳费用" not in page
    assert "2.申请人逾期未按收费通知要求缴纳费用" in _run(
        "annual", "--org", str(org.pk), "--year", "2021", "--format", "html"
    )


def _figures_csv(tmp_path: Path, org_id: int) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(
        "机构编号,年度,行政许可处理决定数,行政处罚处理决定数,行政强制处理决定数,行政事业性收费金额（万元）,"
        f"政府集中采购项目数,政府集中采购金额（万元）\n{org_id},2025,5,17,2,2.5,,\n",
        encoding="utf-8-sig",
    )
    return path


def test_figures_import_errors_exit_with_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("机构编号,年度\n1,2025\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第1行表头应依次为"):
        _run("figures", str(path))
