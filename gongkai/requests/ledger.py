"""The request ledger (依申请公开台账) as .xlsx or .csv, the shape offices keep by hand.

Columns, in this order (LEDGER_COLUMNS): 申请编号, 申请人类型, 提交方式, 收到日期, 申请内容,
办理结果, 结果细类, 答复日期, 是否延期, 复议诉讼, 复议诉讼结果. Dates are YYYY-MM-DD in CSV and
date cells in xlsx. The ledger carries no personal data beyond the content of the request.

Import validates every row first: one bad row and nothing is written (LedgerInvalid lists the
row and column of every error, in Chinese). 申请编号 is the key: an existing number is updated,
so importing the same ledger twice does not duplicate.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook

from gongkai.core import audit, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import Perm, require

from . import services
from .deadlines import DeadlineError, compute_deadline
from .models import (
    OPEN_STATUSES,
    Channel,
    DisclosureRequest,
    RequesterType,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
    ReviewRecord,
    result_group,
    result_subrow,
)

LEDGER_COLUMNS = (
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
_DATE_COLUMNS = (3, 7)

_REQUESTER = {c.label: c.value for c in RequesterType}
_CHANNEL = {c.label: c.value for c in Channel}
_REVIEW = {c.label: c.value for c in ReviewKind}
_OUTCOME = {c.label: c.value for c in ReviewOutcome}
#: 办理结果 without sub-rows → the code; with sub-rows, 结果细类 "不予公开-3" → "withheld_3".
_GROUP_ONLY = {"予以公开": ResultCode.DISCLOSED.value, "部分公开": ResultCode.PARTLY_DISCLOSED.value}
_SUBROWS = {result_subrow(c.value): c.value for c in ResultCode if result_subrow(c.value)}
_GROUPS = set(_GROUP_ONLY) | {label.split("-")[0] for label in _SUBROWS}

Cell = str | dt.date | None


class LedgerInvalid(DomainError):
    """The ledger has errors; ``errors`` lists them ("第3行“收到日期”：……")."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("台账有误，未导入任何记录：\n" + "\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class LedgerRow:
    number: str
    requester_type: str
    channel: str
    received_on: dt.date
    description: str
    result_code: str
    replied_on: dt.date | None
    extended: bool
    review_kind: str
    review_outcome: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    #: Rows that matched the stored request already: nothing written for them.
    unchanged: int = 0


# --- export --------------------------------------------------------------------------------


def ledger_rows(organisation: Organisation) -> list[list[Cell]]:
    """One row per request of the body, by 申请编号 (three queries)."""
    requests = list(DisclosureRequest.objects.filter(organisation=organisation).order_by("number"))
    latest: dict[int, ReviewRecord] = {}
    for review in ReviewRecord.objects.filter(request__organisation=organisation).order_by("created_at", "pk"):
        latest[review.request_id] = review
    rows: list[list[Cell]] = []
    for req in requests:
        last = latest.get(req.pk)
        rows.append(
            [
                req.number,
                RequesterType(req.requester_type).label,
                Channel(req.channel).label,
                req.received_on,
                req.description,
                result_group(req.result_code),
                result_subrow(req.result_code),
                req.replied_on,
                "是" if req.extended else "否",
                ReviewKind(last.kind).label if last else "",
                ReviewOutcome(last.outcome).label if last else "",
            ]
        )
    return rows


#: A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Cell) -> str:
    """A CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe, which
    the import takes off again (_text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(organisation: Organisation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    for row in ledger_rows(organisation):
        writer.writerow([_csv_cell(c) for c in row])
    return out.getvalue()


def export_xlsx(organisation: Organisation) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101  (a new workbook always has one sheet)
    sheet.title = "依申请公开台账"
    sheet.append(list(LEDGER_COLUMNS))
    for row in ledger_rows(organisation):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl took text starting with "=" for a formula
                cell.data_type = "s"
        for index in _DATE_COLUMNS:
            cell = sheet.cell(row=sheet.max_row, column=index + 1)
            if cell.value is not None:
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- import --------------------------------------------------------------------------------


def read_table(path: Path) -> list[list[Any]]:
    """The rows of a .csv (UTF-8, with or without BOM) or .xlsx file, header included."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [list(row) for row in csv.reader(handle)]
    if suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    raise DomainError(f"不支持的文件类型“{suffix or path.name}”，请使用 .xlsx 或 .csv。")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        text = text[1:]  # the apostrophe export_csv put before formula-like text
    return text.strip()


def _date(value: Any) -> dt.date | None:
    """A date cell, or YYYY-MM-DD text; None when empty; raises ValueError when malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def parse_rows(table: Sequence[Sequence[Any]], *, today: dt.date) -> tuple[list[LedgerRow], list[str]]:
    """Check every row; return the parsed rows and the errors (all of them, not the first)."""
    errors: list[str] = []
    if not table:
        return [], ["文件为空：第1行应为表头。"]
    header = [_text(c) for c in table[0]]
    while header and not header[-1]:
        header.pop()
    if tuple(header) != LEDGER_COLUMNS:
        return [], [f"第1行表头应依次为：{'、'.join(LEDGER_COLUMNS)}（收到：{'、'.join(header)}）。"]
    rows: list[LedgerRow] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(table[1:], start=2):
        cells = list(raw) + [None] * (len(LEDGER_COLUMNS) - len(raw))
        if all(_text(c) == "" for c in cells):
            continue
        if len(raw) > len(LEDGER_COLUMNS) and any(_text(c) for c in raw[len(LEDGER_COLUMNS) :]):
            errors.append(f"第{line}行：列数多于表头（{len(LEDGER_COLUMNS)}列）。")
            continue
        row_errors: list[str] = []

        def bad(column: str, message: str, line: int = line, row_errors: list[str] = row_errors) -> None:
            row_errors.append(f"第{line}行“{column}”：{message}")

        values = {name: cells[i] for i, name in enumerate(LEDGER_COLUMNS)}
        number = _text(values["申请编号"])
        if not number:
            bad("申请编号", "不能为空。")
        elif len(number) > 40:
            bad("申请编号", "长度不能超过40个字符。")
        elif number in seen:
            bad("申请编号", f"“{number}”与第{seen[number]}行重复。")
        else:
            seen[number] = line
        requester = _text(values["申请人类型"])
        if requester not in _REQUESTER:
            bad("申请人类型", f"“{requester}”不是可选值（{'、'.join(_REQUESTER)}）。")
        channel = _text(values["提交方式"])
        if channel not in _CHANNEL:
            bad("提交方式", f"“{channel}”不是可选值（{'、'.join(_CHANNEL)}）。")
        received: dt.date | None = None
        try:
            received = _date(values["收到日期"])
            if received is None:
                bad("收到日期", "不能为空。")
            elif received > today:
                bad("收到日期", f"{received.isoformat()} 晚于今天。")
        except ValueError:
            bad("收到日期", f"“{_text(values['收到日期'])}”不是有效的日期（格式为 YYYY-MM-DD）。")
        description = _text(values["申请内容"])
        if not description:
            bad("申请内容", "不能为空。")
        group = _text(values["办理结果"])
        subrow = _text(values["结果细类"])
        code = ""
        if group and group not in _GROUPS:
            bad("办理结果", f"“{group}”不是可选值（{'、'.join(sorted(_GROUPS))}）。")
        elif group in _GROUP_ONLY:
            code = _GROUP_ONLY[group]
            if subrow:
                bad("结果细类", f"办理结果为“{group}”时应为空。")
        elif group:
            if subrow not in _SUBROWS or not subrow.startswith(group + "-"):
                bad("结果细类", f"“{subrow}”不是“{group}”的细类（例如 {group}-1）。")
            else:
                code = _SUBROWS[subrow]
        elif subrow:
            bad("结果细类", "办理结果为空时应为空。")
        replied: dt.date | None = None
        try:
            replied = _date(values["答复日期"])
        except ValueError:
            bad("答复日期", f"“{_text(values['答复日期'])}”不是有效的日期（格式为 YYYY-MM-DD）。")
        else:
            if group and replied is None:
                bad("答复日期", "已有办理结果时不能为空。")
            elif not group and replied is not None:
                bad("答复日期", "尚未办结（办理结果为空）时应为空。")
            elif replied is not None and received is not None and replied < received:
                bad("答复日期", f"{replied.isoformat()} 早于收到日期 {received.isoformat()}。")
            elif replied is not None and replied > today:
                bad("答复日期", f"{replied.isoformat()} 晚于今天。")
        extended = _text(values["是否延期"])
        if extended not in ("是", "否"):
            bad("是否延期", f"“{extended}”应为“是”或“否”。")
        review = _text(values["复议诉讼"])
        outcome = _text(values["复议诉讼结果"])
        if review and review not in _REVIEW:
            bad("复议诉讼", f"“{review}”不是可选值（{'、'.join(_REVIEW)}，或留空）。")
        if review and outcome not in _OUTCOME:
            bad("复议诉讼结果", f"“{outcome}”不是可选值（{'、'.join(_OUTCOME)}）。")
        if not review and outcome:
            bad("复议诉讼结果", "复议诉讼为空时应为空。")
        if row_errors:
            errors.extend(row_errors)
            continue
        assert received is not None  # noqa: S101  (checked above)
        rows.append(
            LedgerRow(
                number=number,
                requester_type=_REQUESTER[requester],
                channel=_CHANNEL[channel],
                received_on=received,
                description=description,
                result_code=code,
                replied_on=replied,
                extended=extended == "是",
                review_kind=_REVIEW.get(review, ""),
                review_outcome=_OUTCOME.get(outcome, ""),
            )
        )
    return rows, errors


def _status(code: str) -> str:
    if not code:
        return RequestStatus.IN_HANDLING
    # No correction in time (其他处理-1) and the fee left unpaid (其他处理-2) end as 视为放弃,
    # as the desk ends them (services.request_abandon, fee_services.fee_notices_lapse).
    if code in (ResultCode.OTHER_1, ResultCode.OTHER_2):
        return RequestStatus.ABANDONED
    return RequestStatus.REPLIED


@transaction.atomic
def ledger_import(
    *, actor: User | None, organisation: Organisation, table: Sequence[Sequence[Any]], today: dt.date
) -> ImportResult:
    """Import a ledger into ``organisation``: all rows or none (LedgerInvalid).

    Open rows get a due date from the day of receipt; an extension marked 是 without its
    length (the ledger does not carry it) is not added to the due date."""
    role = "" if actor is None else str(require(actor, Perm.REQUEST_HANDLE, organisation))
    rows, errors = parse_rows(table, today=today)
    if errors:
        raise LedgerInvalid(errors)
    existing = {r.number: r for r in DisclosureRequest.objects.select_for_update().filter(organisation=organisation)}
    latest: dict[int, ReviewRecord] = {}
    for review in ReviewRecord.objects.filter(request__organisation=organisation).order_by("created_at", "pk"):
        latest[review.request_id] = review
    calendar = workdays.calendar()
    created = updated = unchanged = 0
    for row in rows:
        req = existing.get(row.number) or DisclosureRequest(organisation=organisation, number=row.number)
        is_new = req.pk is None
        if not is_new and _matches(req, row, latest.get(req.pk)):
            unchanged += 1
            continue
        before_status, before_code = req.status, req.result_code
        req.requester_type = row.requester_type
        req.channel = row.channel
        req.received_on = row.received_on
        req.description = row.description
        req.result_code = row.result_code
        req.replied_on = row.replied_on
        req.extended = row.extended
        req.status = _status_after(req if not is_new else None, before_status, before_code, row.result_code)
        if req.is_open:
            _due(req, calendar, today)
        req.version += 1
        req.save()
        _sync_review(req, row)
        created += is_new
        updated += not is_new
    audit.record(
        actor=actor,
        role=role,
        action="request.ledger_import",
        organisation=organisation,
        changes={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def _matches(req: DisclosureRequest, row: LedgerRow, latest: ReviewRecord | None) -> bool:
    """Whether the stored request already says what the row says (its latest review included)."""
    same = (
        req.requester_type,
        req.channel,
        req.received_on,
        req.description,
        req.result_code,
        req.replied_on,
        req.extended,
    ) == (
        row.requester_type,
        row.channel,
        row.received_on,
        row.description,
        row.result_code,
        row.replied_on,
        row.extended,
    )
    if not same:
        return False
    if not row.review_kind:
        return True
    return latest is not None and (latest.kind, latest.outcome) == (row.review_kind, row.review_outcome)


def _status_after(req: DisclosureRequest | None, status: str, code: str, new_code: str) -> str:
    """The status after an import row: a request on the desk keeps where it stands (paused,
    waiting for a correction, withdrawn ...) while the row agrees with it; otherwise the
    status follows the row's result."""
    if req is not None:
        if not new_code and status in OPEN_STATUSES:
            return status
        if new_code and new_code == code and status not in OPEN_STATUSES:
            return status
    return _status(new_code)


def _due(req: DisclosureRequest, calendar: workdays.WorkdayCalendar, today: dt.date) -> None:
    """The due date of an open imported row: from its timeline on the desk when it has one
    (corrections, consultations, extension), else 20 working days from receipt."""
    if req.pk is not None and req.events.exists():
        services.recompute_due(req, calendar, today)
        return
    try:
        result = compute_deadline(calendar, received=req.received_on, custom_period=req.custom_period)
    except DeadlineError as exc:
        raise DomainError(str(exc)) from exc
    req.due_on, req.due_provisional = result.due, result.provisional


def _sync_review(req: DisclosureRequest, row: LedgerRow) -> None:
    """The ledger holds one review per request: the latest record follows the row."""
    latest = req.reviews.order_by("-created_at", "-pk").first()
    if not row.review_kind:
        return
    if latest is None:
        ReviewRecord.objects.create(request=req, kind=row.review_kind, outcome=row.review_outcome)
    elif (latest.kind, latest.outcome) != (row.review_kind, row.review_outcome):
        latest.kind, latest.outcome = row.review_kind, row.review_outcome
        latest.save(update_fields=["kind", "outcome"])


def export_file(organisation: Organisation, fmt: str) -> bytes:
    if fmt == "csv":
        return export_csv(organisation).encode("utf-8-sig")
    if fmt == "xlsx":
        return export_xlsx(organisation)
    raise DomainError(f"不支持的导出格式“{fmt}”，可选：xlsx、csv。")


def rows_as_text(rows: Iterable[Sequence[Cell]]) -> list[list[str]]:
    """Rows with dates as YYYY-MM-DD and None as "" (for comparing ledgers)."""
    return [[c.isoformat() if isinstance(c, dt.date) else (c or "") for c in row] for row in rows]
