"""Excel exports (openpyxl): the responsibility table in its original layout with a
完成情况 column added, and the units' assessment scores.

The first sheet reproduces the annex: 序号 merged down each group, 工作任务 merged down each
run of the same group and sub-group, 责任单位 and 完成时限 merged where the original shared
them with the row above. It can be imported again (`gongkai tasks import`): the importer
ignores the added column.
"""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .models import Task
from .selectors import STATUS_ORDER, Board, ScoreRow, UnitRow
from .status import UnitStatus

HEADER = ("序号", "工作任务", "重点工作任务", "责任单位", "完成时限", "完成情况")
WIDTHS = (6, 22, 60, 40, 12, 40)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def status_summary(rows: Sequence[UnitRow]) -> str:
    """逾期（2）：市教育局、通川区 / 进行中（1）：… — one line per status that occurs."""
    lines = []
    for status in STATUS_ORDER:
        names = [r.unit.name for r in rows if r.status == status and not r.unit.flagged]
        if names:
            lines.append(f"{UnitStatus(status).label}（{len(names)}）：{'、'.join(names)}")
    flagged = [r.unit.name for r in rows if r.unit.flagged]
    if flagged:
        lines.append(f"待确认：{'、'.join(flagged)}")
    return "\n".join(lines)


def _work_label(task: Task) -> str:
    return f"{task.group}\n{task.subgroup}" if task.subgroup else task.group


def _merge_runs(sheet: object, column: int, first_row: int, keys: Sequence[object]) -> None:
    """Merge consecutive rows of `column` whose key is the same (None never merges)."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i < len(keys) and keys[i] is not None and keys[i] == keys[start]:
            continue
        if i - start > 1:
            sheet.merge_cells(  # type: ignore[attr-defined]
                start_row=first_row + start, start_column=column, end_row=first_row + i - 1, end_column=column
            )
        start = i


def plan_workbook(board: Board) -> bytes:
    plan = board.plan
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "责任分工表"
    sheet.append([f"{plan.title}（完成情况截至 {board.today:%Y-%m-%d}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = _CENTRE
    sheet.append(list(HEADER))
    for col, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
        cell = sheet.cell(row=2, column=col)
        cell.font = Font(bold=True)
        cell.alignment = _CENTRE
        cell.border = _BORDER
    by_task = board.rows_by_task()
    first = 3
    tasks = board.tasks
    for task in tasks:
        sheet.append(
            [
                task.group_no,
                _work_label(task),
                task.text,
                task.units_text,
                task.deadline_text,
                status_summary(by_task.get(task.pk, [])),
            ]
        )
    for row in sheet.iter_rows(min_row=first, max_row=first + len(tasks) - 1):
        for cell in row:
            cell.border = _BORDER
            cell.alignment = _CENTRE if cell.column in (1, 5) else _WRAP
    _merge_runs(sheet, 1, first, [t.group_no for t in tasks])
    _merge_runs(sheet, 2, first, [(t.group_no, t.group, t.subgroup) for t in tasks])
    # 责任单位 and 完成时限 were one cell with the row above where the task inherited them.
    shared: list[object] = []
    run = 0
    for i, task in enumerate(tasks):
        if not (i and task.inherited):
            run += 1
        shared.append(run)
    _merge_runs(sheet, 4, first, shared)
    _merge_runs(sheet, 5, first, shared)
    if plan.notes:
        sheet.append([])
        sheet.append([plan.notes])

    detail = workbook.create_sheet("单位明细")
    detail.append(
        [
            "任务序号",
            "工作任务",
            "重点工作任务",
            "责任单位",
            "完成时限",
            "状态",
            "说明",
            "最近报送",
            "进度（%）",
            "退回次数",
        ]
    )
    for col, width in enumerate((8, 22, 50, 24, 12, 8, 36, 12, 10, 8), 1):
        detail.column_dimensions[get_column_letter(col)].width = width
        detail.cell(row=1, column=col).font = Font(bold=True)
    for row in board.rows:
        task = row.task
        latest = row.latest
        detail.append(
            [
                task.seq,
                task.group,
                task.text,
                row.unit.name + ("（待确认）" if row.unit.flagged else ""),
                task.deadline_text,
                str(UnitStatus(row.status).label),
                row.result.reason,
                f"{latest.submitted_at:%Y-%m-%d}" if latest is not None else "",
                row.result.percent,
                row.returned,
            ]
        )
    return _bytes(workbook)


def scores_workbook(title: str, rows: Sequence[ScoreRow], *, as_of: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "考核得分"
    header = ["名次", "责任单位", "任务数", "已完成", "逾期", "逾期完成", "退回次数", "完成率（%）", "扣分", "得分"]
    sheet.append([f"{title} 目标绩效考核得分（截至 {as_of}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append(header)
    for col, width in enumerate((6, 24, 8, 8, 8, 10, 10, 12, 8, 8), 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
        sheet.cell(row=2, column=col).font = Font(bold=True)
    for rank, row in enumerate(rows, 1):
        s = row.score
        sheet.append(
            [
                rank,
                row.label,
                s.tasks,
                s.done,
                s.overdue,
                s.late,
                s.returned,
                float(s.completion * 100),
                float(s.deductions),
                float(s.score),
            ]
        )
    return _bytes(workbook)


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
