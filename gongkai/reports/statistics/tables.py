"""The tables of the statistics page, built once from the figures and used twice: as HTML
(formatted cells) and as .xlsx (typed cells). Both come from the same rows, so a download
always carries the numbers on the screen."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from gongkai.core.models import Organisation

from . import BodyArt26, BodyReplies, Statistics

Kind = Literal["text", "int", "percent", "decimal", "date"]
Cell = str | int | float | Decimal | dt.date | None


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    kind: Kind = "int"


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    note: str = ""

    def formatted(self, row: list[Cell]) -> list[str]:
        return [format_cell(value, column.kind) for value, column in zip(row, self.columns, strict=True)]

    @property
    def stacks(self) -> bool:
        """Whether the table is shown as one block per row on a narrow screen (a table of
        up to three columns fits a 360 px screen as it is)."""
        return len(self.columns) > 3

    @property
    def display_rows(self) -> list[list[str]]:
        return [self.formatted(row) for row in self.rows]

    @property
    def display_total(self) -> list[str] | None:
        return self.formatted(self.total) if self.total is not None else None

    def labelled(self, row: list[Cell]) -> list[tuple[str, str, Kind]]:
        """(column label, text, kind) per cell: the page's cells carry their column's name
        for narrow screens, where the header row is hidden."""
        return [(c.label, text, c.kind) for c, text in zip(self.columns, self.formatted(row), strict=True)]

    @property
    def labelled_rows(self) -> list[list[tuple[str, str, Kind]]]:
        return [self.labelled(row) for row in self.rows]

    @property
    def labelled_total(self) -> list[tuple[str, str, Kind]] | None:
        return self.labelled(self.total) if self.total is not None else None


def format_cell(value: Cell, kind: Kind) -> str:
    """How a cell reads on the page: "—" for no data (a rate of nothing is not 0 %)."""
    if value is None:
        return "—"
    if kind == "percent" and isinstance(value, float):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _body(org: Organisation) -> str:
    return org.name


def monthly(stats: Statistics) -> Table:
    rows: list[list[Cell]] = [[f"{m.month:%Y年%m月}", m.received, m.replied] for m in stats.by_month]
    return Table(
        key="monthly",
        title="依申请公开按月统计",
        columns=[Column("月份", "text"), Column("收到申请"), Column("答复")],
        rows=rows,
        total=["合计", sum(m.received for m in stats.by_month), sum(m.replied for m in stats.by_month)],
        note="收到申请按收到申请之日计；答复按答复日期计（撤回、视为放弃不计为答复）。",
    )


def results(stats: Statistics) -> Table:
    mix = stats.results
    rows: list[list[Cell]] = [[row.label, row.count, _share(row.count, mix.total)] for row in mix.rows]
    return Table(
        key="results",
        title="依申请公开办理结果",
        columns=[Column("办理结果", "text"), Column("件数"), Column("占比", "percent")],
        rows=rows,
        total=["合计", mix.total, 1.0 if mix.total else None],
        note="按办结日期计，分类同政府信息公开工作年度报告表三。",
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def replies(stats: Statistics) -> Table:
    def line(name: str, r: BodyReplies) -> list[Cell]:
        days = r.average_workdays
        return [name, r.replied, r.on_time, r.late, r.no_due, r.on_time_rate, days]

    total = stats.replies_total
    provisional = any(r.provisional for r in stats.replies)
    note = "按时答复：答复日期不晚于答复期限（条例第三十三条，含延期和征求意见）。按时率 = 按时 ÷（按时 + 逾期）；"
    note += "平均答复工作日：收到申请次日起至答复之日的工作日数。"
    if provisional:
        note += "部分日期所在年度的节假日安排尚未公布，工作日数为暂定。"
    return Table(
        key="replies",
        title="依申请公开答复时效",
        columns=[
            Column("机构", "text"),
            Column("答复件数"),
            Column("按时答复"),
            Column("逾期答复"),
            Column("未记录期限"),
            Column("按时率", "percent"),
            Column("平均答复工作日", "decimal"),
        ],
        rows=[line(_body(r.organisation), r) for r in stats.replies if r.organisation is not None],
        total=line("合计", total),
        note=note,
    )


def overdue(stats: Statistics) -> Table:
    rows: list[list[Cell]] = [[_body(r.organisation), r.overdue, r.oldest_due] for r in stats.overdue]
    return Table(
        key="overdue",
        title="逾期未答复申请",
        columns=[Column("机构", "text"), Column("逾期未答复"), Column("最早答复期限", "date")],
        rows=rows,
        total=["合计", sum(r.overdue for r in stats.overdue), min(_dates(stats), default=None)],
        note=f"截至 {stats.today.isoformat()}：已登记或办理中、答复期限已过的申请（待补正、征求意见中的不计）。",
    )


def _dates(stats: Statistics) -> list[dt.date]:
    return [r.oldest_due for r in stats.overdue if r.oldest_due is not None]


def items_per_body(stats: Statistics) -> Table:
    rows: list[list[Cell]] = [[_body(r.organisation), r.published] for r in stats.items_per_body]
    return Table(
        key="items-body",
        title="主动公开信息发布数（按机构）",
        columns=[Column("机构", "text"), Column("发布条数")],
        rows=rows,
        total=["合计", sum(r.published for r in stats.items_per_body)],
        note="主动公开的信息，按首次发布时间计。",
    )


def items_per_column(stats: Statistics) -> Table:
    rows: list[list[Cell]] = [[r.title, r.published] for r in stats.items_per_column]
    return Table(
        key="items-column",
        title="主动公开信息发布数（按栏目）",
        columns=[Column("栏目", "text"), Column("发布条数")],
        rows=rows,
        total=["合计", sum(r.published for r in stats.items_per_column)],
        note="各机构同名栏目合并计算。",
    )


def art26(stats: Statistics) -> Table:
    def line(name: str, r: BodyArt26) -> list[Cell]:
        return [name, r.on_time, r.late_published, r.overdue_unpublished, r.pending, r.on_time_rate]

    return Table(
        key="art26",
        title="主动公开时效（条例第二十六条）",
        columns=[
            Column("机构", "text"),
            Column("按时发布"),
            Column("超期发布"),
            Column("超期未发布"),
            Column("未到期未发布"),
            Column("按时率", "percent"),
        ],
        rows=[line(_body(r.organisation), r) for r in stats.art26 if r.organisation is not None],
        total=line("合计", stats.art26_total),
        note=(
            "公开时限（形成或变更之日起20个工作日）在统计期间内的主动公开信息。"
            "按时率 = 按时发布 ÷（按时发布 + 超期发布 + 超期未发布）。"
        ),
    )


#: The tables in the order of the page; the key is the download's URL part.
BUILDERS: dict[str, Callable[[Statistics], Table]] = {
    "monthly": monthly,
    "results": results,
    "replies": replies,
    "overdue": overdue,
    "items-body": items_per_body,
    "items-column": items_per_column,
    "art26": art26,
}
