"""The report's tables laid out cell by cell as on the national form (merged headings,
three label columns in Table III). The HTML, .docx and .xlsx renderers draw these grids, so the
three outputs cannot drift apart."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .formats import (
    DECISION_ROWS,
    DOCUMENT_COLUMNS,
    DOCUMENT_ROWS,
    F2019,
    TABLE3_COLUMNS,
    TABLE4_COLUMNS,
    table3_rows,
)


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    number: bool = False


Grid = list[list[Cell]]


def _n(value: Any) -> Cell:
    if isinstance(value, float):
        return Cell(f"{value:.4f}".rstrip("0").rstrip(".") if value else "0", number=True)
    return Cell(str(value), number=True)


def _h(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, header=True)


def table2_grid(table2: Mapping[str, Any], fmt: str) -> Grid:
    cols = DOCUMENT_COLUMNS[fmt]
    width = 1 + len(cols)
    grid: Grid = [
        [_h("第二十条第（一）项", colspan=width)],
        [_h("信息内容"), *[_h(label) for _, label in cols]],
    ]
    for key, label in DOCUMENT_ROWS[fmt]:
        grid.append([_h(label), *[_n(table2[key][col]) for col, _ in cols]])
    section = ""
    for heading, key, label in DECISION_ROWS:
        if heading != section:
            section = heading
            grid.append([_h(heading, colspan=width)])
            grid.append([_h("信息内容"), _h("本年处理决定数量", colspan=width - 1)])
        grid.append([_h(label), Cell(str(table2[key]["decisions"]), colspan=width - 1, number=True)])
    grid.append([_h("第二十条第（八）项", colspan=width)])
    grid.append([_h("信息内容"), _h("本年收费金额（单位：万元）", colspan=width - 1)])
    fee = _n(table2["fees"]["amount"])
    grid.append([_h("行政事业性收费"), Cell(fee.text, colspan=width - 1, number=True)])
    if fmt == F2019:
        grid.append([_h("第二十条第（九）项", colspan=width)])
        grid.append([_h("信息内容"), _h("采购项目数量"), _h("采购总金额（单位：万元）", colspan=width - 2)])
        amount = _n(table2["procurement"]["amount"])
        grid.append(
            [
                _h("政府集中采购"),
                _n(table2["procurement"]["projects"]),
                Cell(amount.text, colspan=width - 2, number=True),
            ]
        )
    return grid


def table3_grid(table3: Mapping[str, Mapping[str, int]], fmt: str) -> Grid:
    grid: Grid = [
        [
            _h("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", colspan=3, rowspan=3),
            _h("申请人情况", colspan=7),
        ],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h(label) for key, label in TABLE3_COLUMNS[1:6]],
    ]
    numbers = [key for key, _ in TABLE3_COLUMNS]
    rows = table3_rows(fmt)
    result_rows = [r for r in rows if r.level > 0 and not r.key.endswith("_group")]
    results_started = False
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.level == 0 and not row.key.endswith("_group"):
            grid.append([_h(f"{row.number}、{row.label}", colspan=3), *[_n(table3[row.key][c]) for c in numbers]])
            index += 1
            continue
        if row.key == "results_group":
            index += 1
            continue
        lead: list[Cell] = []
        if not results_started:
            lead.append(_h("三、本年度办理结果", rowspan=len(result_rows)))
            results_started = True
        if row.key.endswith("_group"):
            subs = []
            index += 1
            while index < len(rows) and rows[index].level == 2:
                subs.append(rows[index])
                index += 1
            for n, sub in enumerate(subs):
                cells = list(lead) if n == 0 else []
                if n == 0:
                    cells.append(_h(f"{row.number}{row.label}", rowspan=len(subs)))
                cells.append(_h(f"{sub.number}.{sub.label}"))
                grid.append([*cells, *[_n(table3[sub.key][c]) for c in numbers]])
                lead = []
            continue
        grid.append([*lead, _h(f"{row.number}{row.label}", colspan=2), *[_n(table3[row.key][c]) for c in numbers]])
        index += 1
    return grid


def table4_grid(table4: Mapping[str, Mapping[str, int]]) -> Grid:
    labels = [label for _, label in TABLE4_COLUMNS]
    grid: Grid = [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*[_h(label, rowspan=2) for label in labels], _h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)],
        [*[_h(label) for label in labels], *[_h(label) for label in labels]],
    ]
    cols = [key for key, _ in TABLE4_COLUMNS]
    grid.append(
        [
            _n(table4[kind][col])
            for kind in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
            for col in cols
        ]
    )
    return grid


def place(grid: Grid) -> tuple[list[tuple[int, int, Cell]], int]:
    """Each cell's top-left (row, column) once rowspans are accounted for, and the width."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, Cell]] = []
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return placed, width
