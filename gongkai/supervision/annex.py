"""Reading a responsibility table (责任分工表) — the annex of a year's key-points document —
into key tasks. Pure apart from reading the file: no database; organisations arrive as a
`units.UnitDirectory`.

Three sources give the same rows:

- the seed text: the tab-separated lines after the line ``附件``;
- an .xlsx workbook (openpyxl): a merged cell holds its value in the first cell only, the
  others read as empty;
- a .docx document: the tables of word/document.xml, read with defusedxml; ``w:gridSpan``
  widens a cell over several grid columns, a ``w:vMerge`` continuation reads as empty.

How the rows are read (docs/decisions/0009-key-tasks.md has the reasons):

- The header (序号 | 工作任务 | 重点工作任务 | 责任单位 | 完成时限) is found wherever it is, and again
  on every page; its repeats are skipped. A header cell merged over two columns (工作任务 over
  group and sub-group) takes both.
- A task is a row with text in 重点工作任务. 序号 numbers the groups (一、二、… of the document),
  not the tasks: tasks are numbered 1…N in table order (`seq`).
- 序号 and 工作任务 are merged down a group: an empty cell continues the group and sub-group
  above. At a page break the group's cells are printed again (“1 | 加强重点领域…”); a
  repeated title continues the group and its sub-group. The first row of a group may carry the
  group title and the sub-group in one cell (separated by a line break or a space), or the
  number and the title in the 序号 cell (“2 加强政府信息资源公开，…”).
- 责任单位 and 完成时限 empty together: the cells were merged with the row above, so the task
  shares the previous task's units and deadline (`inherited`). 完成时限 alone empty: no
  deadline (a warning, so the office can check). 责任单位 alone empty: the units continue from
  above (a warning).
- Lines after the table that start with 备注 / 注 / 说明 are kept as the plan's notes.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import deadlines
from .deadlines import Deadline, DeadlineKind
from .text import clean_cell, normalise_brackets, squash
from .units import UnitDirectory, UnitRef, resolve


class AnnexError(Exception):
    """The file holds no table that can be read; the message is Chinese."""


# --- raw rows -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRow:
    number: int  # the line (text) or row (xlsx, docx) the message names
    cells: tuple[str, ...]


@dataclass
class RawTable:
    rows: list[RawRow]
    # Paragraphs outside tables (docx), in order; the text format keeps them as one-cell rows.
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def read_text(content: str) -> RawTable:
    """The seed's form: the annex after a line ``附件``, one tab-separated row per line."""
    lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    for i, line in enumerate(lines):
        if line.strip() == "附件":
            start = i + 1
    rows = [
        RawRow(number=i + 1, cells=tuple(clean_cell(c) for c in line.split("\t")))
        for i, line in enumerate(lines[start:], start)
        if line.strip()
    ]
    return RawTable(rows=rows)


def _xlsx_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(value)


def read_xlsx(data: bytes) -> RawTable:
    """Every sheet until one holds a header; merged cells read as empty (openpyxl)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise AnnexError(f"无法读取 Excel 文件：{exc}") from exc
    first: RawTable | None = None
    for sheet in workbook.worksheets:
        rows = [
            RawRow(number=i, cells=tuple(_xlsx_value(v) for v in values))
            for i, values in enumerate(sheet.iter_rows(values_only=True), 1)
            if any(v is not None and str(v).strip() for v in values)
        ]
        table = RawTable(rows=rows)
        if first is None:
            first = table
        if _find_header(table.rows) is not None:
            return table
    return first or RawTable(rows=[])


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(element: Any) -> str:
    paragraphs = []
    for p in element.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append(" ")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return clean_cell("\n".join(p for p in paragraphs if p.strip()))


def _docx_int(element: Any, path: str) -> int:
    node = element.find(path)
    if node is None:
        return 0
    try:
        return int(node.get(f"{_W}val", "1"))
    except ValueError:
        return 1


def read_docx(data: bytes) -> RawTable:
    """The tables of the main document part, row by row, spans and merges honoured."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise AnnexError("无法读取 Word 文件：不是有效的 .docx 文档。") from exc
    try:
        root = ElementTree.fromstring(xml)
    except Exception as exc:  # defusedxml refuses entities; ParseError for broken XML
        raise AnnexError(f"无法读取 Word 文件：{exc}") from exc
    body = root.find(f"{_W}body")
    if body is None:
        return RawTable(rows=[])
    table = RawTable(rows=[])
    number = 0
    seen_table = False
    for block in body:
        if block.tag == f"{_W}p":
            text = _docx_text(block)
            if text:
                (table.after if seen_table else table.before).append(text)
            continue
        if block.tag != f"{_W}tbl":
            continue
        seen_table = True
        for tr in block.findall(f"{_W}tr"):  # direct rows only: a table nested in a cell is text
            number += 1
            cells: list[str] = [""] * _docx_int(tr, f"{_W}trPr/{_W}gridBefore")
            for tc in tr.findall(f"{_W}tc"):
                span = max(1, _docx_int(tc, f"{_W}tcPr/{_W}gridSpan"))
                vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
                continued = vmerge is not None and vmerge.get(f"{_W}val", "continue") != "restart"
                cells.append("" if continued else _docx_text(tc))
                cells.extend([""] * (span - 1))
            if any(cells):
                table.rows.append(RawRow(number=number, cells=tuple(cells)))
    return table


def read_file(path: Path) -> RawTable:
    """Choose the reader by content: .xlsx and .docx are zip archives, anything else text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AnnexError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
    return read_bytes(data, name=path.name)


def read_bytes(data: bytes, *, name: str = "") -> RawTable:
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise AnnexError("文件已损坏，无法打开。") from exc
        if "word/document.xml" in names:
            return read_docx(data)
        if "xl/workbook.xml" in names:
            return read_xlsx(data)
        raise AnnexError("不支持的文件格式：请使用 .xlsx、.docx 或制表符分隔的文本。")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise AnnexError("不支持旧版 .doc / .xls 文件：请另存为 .docx 或 .xlsx 后再导入。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return read_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise AnnexError(f"无法识别文件“{name}”的文字编码：请保存为 UTF-8 文本、.xlsx 或 .docx。")


# --- the header -----------------------------------------------------------------------

COLUMN_NAMES: dict[str, frozenset[str]] = {
    "seq": frozenset({"序号", "编号"}),
    "work": frozenset({"工作任务", "任务类别", "工作类别"}),
    "task": frozenset({"重点工作任务", "重点任务", "具体任务", "工作措施"}),
    "units": frozenset({"责任单位", "牵头单位", "责任部门", "责任单位（部门）"}),
    "deadline": frozenset({"完成时限", "完成时间", "时限要求", "时限"}),
}
REQUIRED = ("task", "units")
EXPECTED_HEADER = "序号、工作任务、重点工作任务、责任单位、完成时限"


@dataclass(frozen=True)
class Header:
    row: int  # index into RawTable.rows
    spans: dict[str, tuple[int, int]]  # column key → [start, end) in the row's cells
    signature: tuple[str, ...]


def _column_key(cell: str) -> str | None:
    text = normalise_brackets(squash(cell))
    for key, names in COLUMN_NAMES.items():
        if text in names:
            return key
    return None


def _find_header(rows: list[RawRow]) -> Header | None:
    for index, row in enumerate(rows):
        keys = {i: _column_key(c) for i, c in enumerate(row.cells)}
        found = {k: i for i, k in keys.items() if k is not None}
        if not all(k in found for k in REQUIRED):
            continue
        # A named column runs until the next non-empty header cell (a merged header cell
        # such as 工作任务 over group and sub-group leaves the cells after it empty).
        boundaries = [i for i, c in enumerate(row.cells) if c.strip()] + [len(row.cells)]
        spans: dict[str, tuple[int, int]] = {}
        for key, start in found.items():
            end = next(b for b in boundaries if b > start)
            if key == "deadline" and end == len(row.cells):
                end = start + 1
            spans[key] = (start, end)
        return Header(row=index, spans=spans, signature=tuple(squash(c) for c in row.cells if c.strip()))
    return None


# --- interpretation -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row is not None else self.message


@dataclass
class ParsedTask:
    seq: int
    row: int
    group_no: int | None
    group: str
    subgroup: str
    text: str
    units_text: str
    deadline_text: str
    units: list[UnitRef]
    deadline: Deadline
    inherited: bool = False
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "group": self.group,
            "text": self.text,
            "units": [{"name": u.name, "org_id": u.org_id} for u in self.units],
            "deadline": self.deadline.as_json(),
            "group_no": self.group_no,
            "subgroup": self.subgroup or None,
            "deadline_text": self.deadline_text,
            "inherited": self.inherited,
            "row": self.row,
            "problems": [str(p) for p in self.problems],
        }


@dataclass
class ParsedAnnex:
    title: str
    tasks: list[ParsedTask]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]


_SEQ = re.compile(r"^[（(]?(\d{1,3}|[一二三四五六七八九十]{1,3})[)）]?[、.．]?(?:\s+|(?=[^\d\s])|$)(.*)$", re.DOTALL)
_NOTE = re.compile(r"^(备注|注[:：]|说明[:：])")
_PAGE_NUMBER = re.compile(r"^[-—－\s\d第页/共]+$")


def _seq_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return deadlines.chinese_number(text)


def _split_title(text: str) -> tuple[str, str]:
    """Group title and sub-group from one cell: a line break first, else the first space."""
    if "\n" in text:
        head, _, tail = text.partition("\n")
    else:
        parts = re.split(r"[ \t\u3000]+", text, maxsplit=1)
        head, tail = parts[0], parts[1] if len(parts) > 1 else ""
    return head.strip(), re.sub(r"\s+", " ", tail).strip()


def _same(a: str, b: str) -> bool:
    return bool(a) and squash(a) == squash(b)


@dataclass
class _Cursor:
    group_no: int | None = None
    group: str = ""
    subgroup: str = ""
    auto_groups: int = 0

    def new_group(self, number: int | None, title: str, subgroup: str = "") -> None:
        if number is None:
            number = (self.group_no or self.auto_groups) + 1
        self.group_no, self.group, self.subgroup = number, title, subgroup
        self.auto_groups = number

    def continue_with(self, work: str) -> None:
        """A 工作任务 cell within the current group: the title again, title + sub-group, or a
        sub-group."""
        if not work or _same(work, self.group):
            return
        if self.group and squash(work).startswith(squash(self.group)):
            head, tail = _split_title(work)
            if tail and _same(head, self.group):
                self.subgroup = tail
                return
        self.subgroup = re.sub(r"\s+", " ", work).strip()


def _field(cells: tuple[str, ...], span: tuple[int, int] | None) -> str:
    if span is None:
        return ""
    parts = [c for c in cells[span[0] : span[1]] if c]
    return "\n".join(parts) if span[1] - span[0] > 1 else (parts[0] if parts else "")


def interpret(
    raw: RawTable,
    *,
    year: int,
    directory: UnitDirectory,
    keep_unresolved: bool = False,
) -> ParsedAnnex:
    """Rows → tasks. Raises AnnexError when there is no table at all; every other problem
    is reported per row (`Problem`), blocking or not."""
    header = _find_header(raw.rows)
    if header is None:
        raise AnnexError(f"未找到责任分工表：文件中没有包含“{EXPECTED_HEADER}”等列的表头行。")
    title = next(
        (
            r.cells[0]
            for r in reversed(raw.rows[: header.row])
            if r.cells and r.cells[0] and not any(r.cells[1:]) and r.cells[0] != "附件"
        ),
        "",
    )
    if not title and raw.before:
        title = next((p for p in reversed(raw.before) if p != "附件" and not p.startswith("附件")), "")
    spans = header.spans
    parsed = ParsedAnnex(title=title, tasks=[], problems=[])
    cursor = _Cursor()
    previous: ParsedTask | None = None
    in_notes = False
    for row in raw.rows[header.row + 1 :]:
        cells = row.cells
        if tuple(squash(c) for c in cells if c.strip()) == header.signature:
            continue  # the header again, at the top of the next page
        filled = [c for c in cells if c]
        if not filled:
            continue
        if in_notes or (len(filled) == 1 and cells[0] and _NOTE.match(cells[0])):
            in_notes = True
            parsed.notes.append(" ".join(filled))
            continue
        seq_cell = _field(cells, spans.get("seq"))
        work = _field(cells, spans.get("work"))
        text = _field(cells, spans.get("task"))
        units_text = _field(cells, spans.get("units"))
        deadline_text = _field(cells, spans.get("deadline"))
        if len(filled) == 1 and cells[0] and not text:
            # A line that is not a row of the table: a page number, a heading over the full
            # width ("二、加强政府信息资源公开…"), or stray text.
            m = _SEQ.match(cells[0])
            heading = _seq_number(m[1]) if m and m[2].strip() else None
            if _PAGE_NUMBER.match(cells[0]):
                continue
            if m is not None and heading is not None:
                if heading != cursor.group_no:
                    cursor.new_group(heading, *_split_title(m[2].strip()))
                else:
                    cursor.continue_with(m[2].strip())
                continue
            parsed.problems.append(Problem(row.number, f"不是表格行，已忽略：“{filled[0][:30]}”。", blocking=False))
            continue

        # 序号 / 工作任务: which group and sub-group the row belongs to.
        number: int | None = None
        seq_rest = ""
        if seq_cell:
            m = _SEQ.match(seq_cell)
            number = _seq_number(m[1]) if m else None
            seq_rest = m[2].strip() if m else seq_cell
            if number is None:
                parsed.problems.append(
                    Problem(row.number, f"序号“{seq_cell}”不是数字，已按新的一组处理。", blocking=False)
                )
        if number is not None and number != cursor.group_no:
            if seq_rest:
                cursor.new_group(number, re.sub(r"\s+", " ", seq_rest), re.sub(r"\s+", " ", work).strip())
            elif work:
                head, tail = _split_title(work)
                cursor.new_group(number, head, tail)
            else:
                # A new number under a merged 工作任务 cell: the titles continue.
                cursor.new_group(number, cursor.group, cursor.subgroup)
        elif seq_cell and number is None:
            head, tail = _split_title(seq_rest + ("\n" + work if work else ""))
            cursor.new_group(None, head, tail)
        elif cursor.group_no is None and not cursor.group and work:
            head, tail = _split_title(work)
            cursor.new_group(None, head, tail)
        else:
            if seq_rest and not _same(seq_rest, cursor.group):
                cursor.continue_with(seq_rest)
            cursor.continue_with(work)

        if not text:
            if units_text or deadline_text:
                parsed.problems.append(
                    Problem(row.number, "有责任单位或完成时限，但“重点工作任务”为空，无法确定属于哪项任务。")
                )
            continue

        task_problems: list[Problem] = []
        inherited = False
        if not units_text and not deadline_text:
            if previous is None:
                task_problems.append(Problem(row.number, "责任单位和完成时限均为空，且上方没有可沿用的任务。"))
                units: list[UnitRef] = []
                deadline = deadlines.NO_DEADLINE
            else:
                # Merged with the row above: the same units and deadline.
                inherited = True
                units = list(previous.units)
                units_text, deadline_text = previous.units_text, previous.deadline_text
                deadline = previous.deadline
        else:
            if not units_text:
                if previous is None:
                    task_problems.append(Problem(row.number, "责任单位为空。"))
                    units = []
                else:
                    units_text = previous.units_text
                    units = list(previous.units)
                    task_problems.append(
                        Problem(row.number, "责任单位为空，已沿用上一项任务的责任单位。", blocking=False)
                    )
            else:
                resolved = resolve(units_text, directory, keep_unknown=keep_unresolved)
                units = resolved.units
                task_problems += [Problem(row.number, m) for m in resolved.errors]
                task_problems += [Problem(row.number, m, blocking=False) for m in resolved.warnings]
                if not units and not resolved.errors:
                    task_problems.append(Problem(row.number, f"责任单位“{units_text}”中没有可识别的单位。"))
            reading = deadlines.parse(deadline_text, year=year)
            if reading.deadline is not None:
                deadline = reading.deadline
                if deadline.kind == DeadlineKind.NONE:
                    task_problems.append(Problem(row.number, "完成时限为空，按未定时限处理。", blocking=False))
            else:
                deadline = deadlines.NO_DEADLINE
                task_problems.append(Problem(row.number, reading.error, blocking=not keep_unresolved))

        task = ParsedTask(
            seq=len(parsed.tasks) + 1,
            row=row.number,
            group_no=cursor.group_no,
            group=cursor.group,
            subgroup=cursor.subgroup,
            text=re.sub(r"[ \t]*\n[ \t]*", "", text).strip(),
            units_text=units_text,
            deadline_text=deadline_text,
            units=units,
            deadline=deadline,
            inherited=inherited,
            problems=task_problems,
        )
        parsed.tasks.append(task)
        parsed.problems += task_problems
        previous = task
    parsed.notes += [p for p in raw.after if _NOTE.match(p)]
    if not parsed.tasks:
        raise AnnexError("表格中没有任何重点工作任务（“重点工作任务”列均为空）。")
    return parsed


def parse_file(path: Path, *, year: int, directory: UnitDirectory, keep_unresolved: bool = False) -> ParsedAnnex:
    return interpret(read_file(path), year=year, directory=directory, keep_unresolved=keep_unresolved)
