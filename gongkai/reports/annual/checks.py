"""Reconciliation of the annual report before publication (../shared/DOMAIN.md, "The annual
report"; the same rules the national template's instructions give offices filling it by hand).

Table III, in every column:   一 + 二 = 三（七） + 四
Table III, in every row:      总计 = the sum of the six requester columns
Table III, in every column:   三（七） = （一） + （二） + every sub-row of （三）–（六）
Table III, in every column:   this year's 二 = last year's 四 (last year's report as sent for
                              publication when there is one, else recomputed)
Table IV, in every row:       总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结

Pure functions over the figures: the same checks run on freshly computed figures, on a stored
snapshot and on figures crafted in tests. Each check names one cell ("表三 第三行第（七）项
自然人列") and its rule; a failing one carries a Chinese message with the numbers.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .formats import (
    REQUESTER_COLUMNS,
    TABLE3_COLUMNS,
    TABLE4_COLUMNS,
    TABLE4_KINDS,
    column_name,
    result_keys,
    row_by_key,
    table3_keys,
)

RULE_BALANCE = "每一列：一、本年新收 + 二、上年结转 = 三（七）总计 + 四、结转下年度继续办理"
RULE_ROW_TOTAL = "每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他"
RULE_RESULTS = "三（七）总计 =（一）予以公开 +（二）部分公开 +（三）至（六）各小项之和"
RULE_CARRIED = "本年度“二、上年结转”= 上年度“四、结转下年度继续办理”"
RULE_TABLE4 = "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"


@dataclass(frozen=True, slots=True)
class Check:
    cell: str
    rule: str
    ok: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cell(fmt: str, row: str, column: str) -> str:
    return f"表三 {row_by_key(fmt)[row].position} {column_name(column)}"


def check_table3(
    table3: Mapping[str, Mapping[str, int]],
    fmt: str,
    *,
    previous_carried_forward: Mapping[str, int] | None = None,
    previous_source: str = "",
) -> list[Check]:
    checks: list[Check] = []
    columns = [key for key, _ in TABLE3_COLUMNS]
    for col in columns:
        left = table3["new"][col] + table3["carried_over"][col]
        right = table3["total"][col] + table3["carried_forward"][col]
        cell = _cell(fmt, "total", col)
        message = ""
        if left != right:
            message = (
                f"{cell}不平衡：一（{table3['new'][col]}）+ 二（{table3['carried_over'][col]}）= {left}，"
                f"而 三（七）（{table3['total'][col]}）+ 四（{table3['carried_forward'][col]}）= {right}，"
                f"相差 {left - right}。"
            )
        checks.append(Check(cell, RULE_BALANCE, left == right, message))
    for row in table3_keys(fmt):
        total = table3[row]["total"]
        parts = sum(table3[row][c] for c in REQUESTER_COLUMNS)
        cell = _cell(fmt, row, "total")
        message = ""
        if total != parts:
            message = f"{cell}为 {total}，但六类申请人之和为 {parts}，相差 {total - parts}。"
        checks.append(Check(cell, RULE_ROW_TOTAL, total == parts, message))
    results = result_keys(fmt)
    for col in columns:
        total = table3["total"][col]
        parts = sum(table3[row][col] for row in results)
        cell = _cell(fmt, "total", col)
        message = ""
        if total != parts:
            message = f"{cell}为 {total}，但（一）至（六）各项之和为 {parts}，相差 {total - parts}。"
        checks.append(Check(cell, RULE_RESULTS, total == parts, message))
    if previous_carried_forward is not None:
        for col in columns:
            this, last = table3["carried_over"][col], previous_carried_forward.get(col, 0)
            cell = _cell(fmt, "carried_over", col)
            message = ""
            if this != last:
                message = f"{cell}为 {this}，但上年度报告（{previous_source}）第四行为 {last}，相差 {this - last}。"
            checks.append(Check(cell, RULE_CARRIED, this == last, message))
    return checks


def check_table4(table4: Mapping[str, Mapping[str, int]]) -> list[Check]:
    checks: list[Check] = []
    parts_keys = [col for col, _ in TABLE4_COLUMNS if col != "total"]
    for kind, label in TABLE4_KINDS:
        total = table4[kind]["total"]
        parts = sum(table4[kind][col] for col in parts_keys)
        cell = f"表四 {label} 总计列"
        message = ""
        if total != parts:
            message = f"{cell}为 {total}，但维持、纠正、其他、尚未审结之和为 {parts}，相差 {total - parts}。"
        checks.append(Check(cell, RULE_TABLE4, total == parts, message))
    return checks


def failing(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if not c["ok"]]
