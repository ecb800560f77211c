"""The ledger (台账): export → import into another body gives the same rows; a bad row
changes nothing and is named by row and column; re-import updates instead of duplicating."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gongkai.core.models import Organisation
from gongkai.requests import ledger, services
from gongkai.requests.management.commands.requests import Command
from gongkai.requests.models import DisclosureRequest, PauseKind, RequestStatus, ResultCode, ReviewKind, ReviewOutcome

from .factories import TODAY, desk, make_request

D = dt.date
pytestmark = pytest.mark.django_db


def populate() -> tuple[Organisation, list[list[ledger.Cell]]]:
    org, officer, head = desk("来源局")
    replied = make_request(org, officer)
    replied = services.request_extend(
        actor=head, request=replied, days=10, approved_on=D(2025, 10, 9), reason="量大", today=TODAY
    )
    replied = services.request_reply(
        actor=officer, request=replied, result_code=ResultCode.WITHHELD_3, replied_on=D(2025, 11, 3), today=TODAY
    )
    services.review_record_add(
        actor=officer, request=replied, kind=ReviewKind.SUIT_AFTER_RECONSIDERATION, outcome=ReviewOutcome.CORRECTED
    )
    partly = make_request(org, officer, received_on=D(2025, 10, 9))
    services.request_reply(
        actor=officer, request=partly, result_code=ResultCode.PARTLY_DISCLOSED, replied_on=D(2025, 10, 20), today=TODAY
    )
    abandoned = make_request(org, officer)
    abandoned = services.request_ask_correction(
        actor=officer, request=abandoned, asked_on=D(2025, 9, 26), what="补充", respond_by=D(2025, 10, 17), today=TODAY
    )
    services.request_abandon(actor=officer, request=abandoned, on=D(2025, 10, 20), today=TODAY)
    paused = make_request(org, officer, received_on=D(2025, 12, 1), description="含逗号,和\n换行的内容")
    services.request_pause(
        actor=officer, request=paused, kind=PauseKind.THIRD_PARTY, started_on=D(2025, 12, 5), today=TODAY
    )
    return org, ledger.ledger_rows(org)


def test_export_columns_and_values() -> None:
    _, rows = populate()
    text = ledger.rows_as_text(rows)
    assert text[0] == [
        "2025-0001", "自然人", "信函申请", "2025-09-25", "2025年本区老旧小区改造项目清单",
        "不予公开", "不予公开-3", "2025-11-03", "是", "复议后起诉", "纠正",
    ]  # fmt: skip
    assert text[1][5:9] == ["部分公开", "", "2025-10-20", "否"]
    assert text[2][5:9] == ["其他处理", "其他处理-1", "2025-10-20", "否"]
    assert text[3][5:] == ["", "", "", "否", "", ""]


def test_csv_round_trip_into_another_body_and_reimport_does_not_duplicate(tmp_path: Path) -> None:
    source, rows = populate()
    path = tmp_path / "台账.csv"
    path.write_bytes(ledger.export_file(source, "csv"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == ledger.LEDGER_COLUMNS
    target, officer, _ = desk("目标局")
    result = ledger.ledger_import(actor=officer, organisation=target, table=ledger.read_table(path), today=TODAY)
    assert (result.created, result.updated) == (4, 0)
    assert ledger.rows_as_text(ledger.ledger_rows(target)) == ledger.rows_as_text(rows)
    imported = DisclosureRequest.objects.filter(organisation=target)
    assert {r.requester_name + r.id_number + r.phone + r.email + r.address for r in imported} == {""}
    assert imported.get(number="2025-0003").status == RequestStatus.ABANDONED
    assert imported.get(number="2025-0004").due_on is not None
    again = ledger.ledger_import(actor=None, organisation=target, table=ledger.read_table(path), today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert imported.count() == 4
    assert ledger.rows_as_text(ledger.ledger_rows(target)) == ledger.rows_as_text(rows)


def test_xlsx_round_trip_with_date_cells(tmp_path: Path) -> None:
    source, rows = populate()
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger.export_file(source, "xlsx"))
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == list(ledger.LEDGER_COLUMNS)
    assert isinstance(sheet["D2"].value, dt.datetime)
    assert sheet["D2"].is_date
    assert sheet["H2"].is_date
    assert sheet["H5"].value is None
    target, _, _ = desk("目标局")
    ledger.ledger_import(actor=None, organisation=target, table=ledger.read_table(path), today=TODAY)
    assert ledger.rows_as_text(ledger.ledger_rows(target)) == ledger.rows_as_text(rows)


def _csv(rows: list[list[str]]) -> list[list[str]]:
    out = io.StringIO()
    csv.writer(out).writerows([list(ledger.LEDGER_COLUMNS), *rows])
    return list(csv.reader(io.StringIO(out.getvalue())))


GOOD = ["A-1", "自然人", "当面申请", "2025-09-25", "某文件", "予以公开", "", "2025-10-09", "否", "", ""]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (3, "2025/09/25", "第3行“收到日期”"),
        (3, "2026-01-05", "第3行“收到日期”：2026-01-05 晚于今天"),
        (1, "公民", "第3行“申请人类型”"),
        (2, "微信", "第3行“提交方式”"),
        (5, "已公开", "第3行“办理结果”"),
        (7, "2025-09-24", "第3行“答复日期”：2025-09-24 早于收到日期"),
        (8, "Y", "第3行“是否延期”"),
        (9, "信访", "第3行“复议诉讼”"),
        (0, "A-1", "第3行“申请编号”：“A-1”与第2行重复"),
    ],
)
def test_one_bad_row_imports_nothing_and_is_named(column: int, value: str, message: str) -> None:
    target, _, _ = desk()
    bad = [*GOOD[:0], "A-2", *GOOD[1:]]
    bad[column] = value
    with pytest.raises(ledger.LedgerInvalid) as info:
        ledger.ledger_import(actor=None, organisation=target, table=_csv([GOOD, bad]), today=TODAY)
    assert any(message in error for error in info.value.errors), info.value.errors
    assert not DisclosureRequest.objects.filter(organisation=target).exists()


def test_result_and_subrow_must_agree() -> None:
    rows = [
        [*GOOD[:5], "不予公开", "", "2025-10-09", "否", "", ""],
        [*GOOD[:5], "部分公开", "不予公开-3", "2025-10-09", "否", "", ""],
        [*GOOD[:5], "无法提供", "无法提供-4", "2025-10-09", "否", "", ""],
        [*GOOD[:5], "", "", "2025-10-09", "否", "行政复议", ""],
    ]
    rows = [[f"N{i}", *row[1:]] for i, row in enumerate(rows)]
    _, errors = ledger.parse_rows(_csv(rows), today=TODAY)
    assert errors == [
        "第2行“结果细类”：“”不是“不予公开”的细类（例如 不予公开-1）。",
        "第3行“结果细类”：办理结果为“部分公开”时应为空。",
        "第4行“结果细类”：“无法提供-4”不是“无法提供”的细类（例如 无法提供-1）。",
        "第5行“答复日期”：尚未办结（办理结果为空）时应为空。",
        "第5行“复议诉讼结果”：“”不是可选值（维持、纠正、其他、尚未审结）。",
    ]


def test_wrong_header_is_refused() -> None:
    _, errors = ledger.parse_rows([["编号", "类型"], GOOD], today=TODAY)
    assert errors[0].startswith("第1行表头应依次为：申请编号、申请人类型")


@time_machine.travel(dt.datetime(2025, 12, 31, 10, 0, tzinfo=dt.UTC), tick=False)
def test_cli_export_and_import(tmp_path: Path) -> None:
    source, rows = populate()
    out = tmp_path / "ledger.csv"
    call_command(
        Command(),
        "export",
        "--org",
        str(source.pk),
        "--format",
        "csv",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    target, _, _ = desk("目标局")
    stdout = io.StringIO()
    call_command(Command(), "import", str(out), "--org", str(target.pk), stdout=stdout)
    assert "新增 4 条" in stdout.getvalue()
    assert ledger.rows_as_text(ledger.ledger_rows(target)) == ledger.rows_as_text(rows)
    bad = tmp_path / "bad.csv"
    bad.write_text(out.read_text(encoding="utf-8-sig").replace("2025-12-01", "2025-13-01"), encoding="utf-8")
    other, _, _ = desk("第三局")
    with pytest.raises(CommandError, match=r"第5行“收到日期”：“2025-13-01”不是有效的日期"):
        call_command(Command(), "import", str(bad), "--org", str(other.pk))
    assert not DisclosureRequest.objects.filter(organisation=other).exists()
    with pytest.raises(CommandError, match="机构编号“999999”不存在"):
        call_command(Command(), "export", "--org", "999999")


def test_cli_export_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    source, _ = populate()
    call_command(Command(), "export", "--org", str(source.pk), "--format", "xlsx")
    data = capsysbinary.readouterr().out
    assert data.startswith(b"PK")  # a zip container: the workbook
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A2"].value == "2025-0001"
    out = io.StringIO()
    call_command(Command(), "export", "--org", str(source.pk), "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0] == ",".join(ledger.LEDGER_COLUMNS)


def test_unpaid_fee_and_no_correction_rows_end_as_abandoned_like_on_the_desk() -> None:
    target, _, _ = desk()
    rows = [
        ["F-1", *GOOD[1:5], "其他处理", "其他处理-2", "2025-10-30", "否", "", ""],
        ["F-2", *GOOD[1:5], "其他处理", "其他处理-1", "2025-10-30", "否", "", ""],
        ["F-3", *GOOD[1:5], "其他处理", "其他处理-3", "2025-10-30", "否", "", ""],
    ]
    ledger.ledger_import(actor=None, organisation=target, table=_csv(rows), today=TODAY)
    status = dict(DisclosureRequest.objects.filter(organisation=target).values_list("number", "status"))
    assert status == {
        "F-1": RequestStatus.ABANDONED,
        "F-2": RequestStatus.ABANDONED,
        "F-3": RequestStatus.REPLIED,
    }
