"""The report's outputs: JSON (issue #7's shape), HTML (the published body and a standalone
page), .docx and .xlsx. Every table is drawn from layout.py's grids."""

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .formats import F2019
from .layout import Cell, Grid, place, table2_grid, table3_grid, table4_grid

SECTION_TITLES = (
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("on_request", "三、收到和处理政府信息公开申请情况"),
    ("review", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)
JSON_KEYS = ("table2", "table3", "table4", "checks")


@dataclass(frozen=True, slots=True)
class SectionOut:
    key: str
    title: str
    paragraphs: list[str]
    grid: Grid | None
    caption: str


def report_title(organisation_name: str, year: int) -> str:
    return f"{organisation_name}{year}年政府信息公开工作年度报告"


def grids(figures: Mapping[str, Any], fmt: str) -> dict[str, Grid]:
    return {
        "proactive": table2_grid(figures["table2"], fmt),
        "on_request": table3_grid(figures["table3"], fmt),
        "review": table4_grid(figures["table4"]),
    }


def sections(figures: Mapping[str, Any], texts: Mapping[str, str], fmt: str) -> list[SectionOut]:
    tables = grids(figures, fmt)
    out = []
    for key, title in SECTION_TITLES:
        paragraphs = [line.strip() for line in texts.get(key, "").splitlines() if line.strip()]
        caption = {"proactive": "表二", "on_request": "表三", "review": "表四"}.get(key, "")
        out.append(SectionOut(key, title, paragraphs, tables.get(key), caption))
    return out


def to_json(figures: Mapping[str, Any]) -> str:
    return json.dumps({key: figures[key] for key in JSON_KEYS}, ensure_ascii=False, indent=2)


def body_html(figures: Mapping[str, Any], texts: Mapping[str, str], fmt: str) -> SafeString:
    """The report as the body of the information item published in the 年报 column."""
    return mark_safe(  # noqa: S308  (rendered by a template with autoescaping)
        render_to_string("reports/annual/report_body.html", {"sections": sections(figures, texts, fmt)})
    )


def to_html(figures: Mapping[str, Any], texts: Mapping[str, str], fmt: str, *, title: str) -> str:
    return render_to_string(
        "reports/annual/report_document.html", {"title": title, "body": body_html(figures, texts, fmt)}
    )


# --- .docx ----------------------------------------------------------------------------------


def _docx_table(document: Any, grid: Grid) -> None:
    placed, width = place(grid)
    height = max(r + cell.rowspan for r, _, cell in placed)
    table = document.add_table(rows=height, cols=width)
    table.style = "Table Grid"
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text
        for paragraph in target.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.font.bold = cell.header


def to_docx(figures: Mapping[str, Any], texts: Mapping[str, str], fmt: str, *, title: str) -> bytes:
    document = Document()
    heading = document.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in sections(figures, texts, fmt):
        document.add_heading(section.title, level=2)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.grid is not None:
            document.add_paragraph(section.caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
            _docx_table(document, section.grid)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- .xlsx ----------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
SHEET_TITLES = {"proactive": "表二 主动公开", "on_request": "表三 依申请公开", "review": "表四 复议诉讼"}


def _number(cell: Cell) -> int | float | str:
    if not cell.number:
        return cell.text
    try:
        return int(cell.text)
    except ValueError:
        return float(cell.text)


def to_xlsx(figures: Mapping[str, Any], fmt: str, *, title: str) -> bytes:
    """One sheet per table, laid out like the national form (merged headings), numbers as
    numbers; the title in the first row."""
    workbook = Workbook()
    first = True
    for key, grid in grids(figures, fmt).items():
        if first:
            sheet = workbook.active
            assert sheet is not None  # noqa: S101  (a new workbook always has one sheet)
            first = False
        else:
            sheet = workbook.create_sheet()
        sheet.title = SHEET_TITLES[key]
        placed, width = place(grid)
        sheet.cell(row=1, column=1, value=f"{title}（{'2019' if fmt == F2019 else '2021'}年版）").font = Font(bold=True)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        for r, c, cell in placed:
            target = sheet.cell(row=r + 2, column=c + 1, value=_number(cell))
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            target.font = Font(bold=cell.header)
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=r + 2, start_column=c + 1, end_row=r + 1 + cell.rowspan, end_column=c + cell.colspan
                )
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    sheet.cell(row=r + 2 + dr, column=c + 1 + dc).border = _BORDER
        for column in range(1, width + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
