"""One statistics table as an .xlsx workbook (openpyxl): a heading line naming the bodies and
the period, the header row, the rows and the total row. Counts are numbers, rates are
numbers formatted as percentages, so the office can go on calculating with them."""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tables import Cell, Column, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel refuses sheet names longer than 31 characters or containing these.
_SHEET_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")


def _value(value: Cell, column: Column) -> str | int | float | dt.date | None:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _format(column: Column) -> str | None:
    return {"percent": "0.0%", "decimal": "0.0", "date": "yyyy-mm-dd"}.get(column.kind)


def workbook(table: Table, *, heading: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 (a new workbook has one sheet)
    sheet.title = table.title.translate(_SHEET_FORBIDDEN)[:31]
    sheet.append([heading])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.append([c.label for c in table.columns])
    for index, column in enumerate(table.columns, 1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = 36 if column.kind == "text" else 14
    lines = [*table.rows, *([table.total] if table.total is not None else [])]
    for line in lines:
        sheet.append([_value(v, c) for v, c in zip(line, table.columns, strict=True)])
        row = sheet.max_row
        for index, column in enumerate(table.columns, 1):
            number_format = _format(column)
            if number_format:
                sheet.cell(row=row, column=index).number_format = number_format
    if table.total is not None:
        for index in range(1, len(table.columns) + 1):
            sheet.cell(row=sheet.max_row, column=index).font = Font(bold=True)
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment_header(name: str, fallback: str) -> str:
    """Content-Disposition with the Chinese name in RFC 5987 form and an ASCII fallback."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
