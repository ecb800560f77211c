"""Reading an FAQ workbook (.xlsx). The first sheet's header row names the columns, in any
order: 问题, 相似问法 (separated by |), 答案, 来源文件 (external ids or 文号, separated by |,
comma, 、 or new lines), 复核日期 (a date cell or 2026-12-31 / 2026/12/31 / 2026年12月31日).

Every row is checked before anything is written; the errors name the row in Chinese.
Sources must be items that are public now.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from gongkai.publishing import docnumber
from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items

from .faq import normalise
from .services import FaqRow

REQUIRED = ("问题", "答案")
OPTIONAL = ("相似问法", "来源文件", "复核日期")
MAX_ROWS = 2000
MAX_QUESTION = 300
_SOURCE_SPLIT = re.compile(r"[|｜,，、;；\n]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@dataclass
class Parsed:
    rows: list[FaqRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(_text(value))
    if match is None:
        raise ValueError
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def resolve_sources(tokens: set[str]) -> dict[str, InfoItem]:
    """token → public item, by external id or by 文号."""
    found: dict[str, InfoItem] = {}
    items = public_items()
    for item in items.filter(external_id__in=tokens):
        found[item.external_id or ""] = item
    keys: dict[str, str] = {}
    for token in tokens - set(found):
        key = docnumber.key_for_query(token)
        if key:
            keys[key] = token
    if keys:
        for item in items.filter(doc_number_key__in=list(keys)).order_by("-published_at"):
            found.setdefault(keys[item.doc_number_key], item)
    return found


def parse(content: bytes) -> Parsed:
    """The workbook's rows, or the list of what is wrong with it."""
    result = Parsed()
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        result.errors.append("无法读取该文件，请上传 Excel（.xlsx）文件。")
        return result
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    book.close()
    if not rows:
        result.errors.append("表格是空的。")
        return result
    header = [_text(h) for h in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        result.errors.append(f"第1行（表头）缺少列：{'、'.join(missing)}。")
        return result
    column = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    body = rows[1:]
    if len(body) > MAX_ROWS:
        result.errors.append(f"一次最多导入{MAX_ROWS}行。")
        return result

    def cell(row: tuple[Any, ...], name: str) -> Any:
        index = column.get(name)
        return row[index] if index is not None and index < len(row) else None

    raw: list[tuple[int, tuple[Any, ...]]] = [
        (n, row) for n, row in enumerate(body, start=2) if any(_text(v) for v in row)
    ]
    wanted: set[str] = set()
    for _, row in raw:
        wanted |= {t.strip() for t in _SOURCE_SPLIT.split(_text(cell(row, "来源文件"))) if t.strip()}
    items = resolve_sources(wanted) if wanted else {}
    seen: dict[str, int] = {}
    for number, row in raw:
        question = " ".join(_text(cell(row, "问题")).split())
        answer = _text(cell(row, "答案"))
        problems: list[str] = []
        if not question:
            problems.append("“问题”为空")
        elif len(question) > MAX_QUESTION:
            problems.append(f"“问题”超过{MAX_QUESTION}字")
        elif not normalise(question):
            problems.append("“问题”没有文字")
        elif normalise(question) in seen:
            problems.append(f"“问题”与第{seen[normalise(question)]}行重复")
        if not answer:
            problems.append("“答案”为空")
        variants = [v.strip() for v in _text(cell(row, "相似问法")).split("|") if v.strip()]
        if any(len(v) > MAX_QUESTION for v in variants):
            problems.append(f"“相似问法”中有超过{MAX_QUESTION}字的问法")
        tokens = [t.strip() for t in _SOURCE_SPLIT.split(_text(cell(row, "来源文件"))) if t.strip()]
        unknown = [t for t in tokens if t not in items]
        if unknown:
            problems.append(f"“来源文件”中找不到已公开的文件：{'、'.join(unknown)}")
        review: dt.date | None = None
        if _text(cell(row, "复核日期")):
            try:
                review = _date(cell(row, "复核日期"))
            except ValueError:
                problems.append("“复核日期”不是有效日期（如 2026-12-31）")
        if problems:
            result.errors.append(f"第{number}行：{'；'.join(problems)}。")
            continue
        seen[normalise(question)] = number
        sources = list({items[t].pk: items[t] for t in tokens}.values())
        result.rows.append(
            FaqRow(question=question, answer=answer, variants=variants, sources=sources, review_due=review)
        )
    if not raw and not result.errors:
        result.errors.append("表格中没有数据行。")
    return result


TEMPLATE_EXAMPLE = (
    "社保断缴了还能补缴吗？",
    "社保断了能补交吗|社保中断后怎么补缴",
    "可以补缴。具体办法以社会保险经办机构的规定为准。",
    "",
    "2027-12-31",
)


def template() -> bytes:
    """An empty FAQ workbook: the header row parse() reads and one example row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 (a new workbook has its sheet)
    sheet.title = "常见问题"
    sheet.append(["问题", "相似问法", "答案", "来源文件", "复核日期"])
    sheet.append(list(TEMPLATE_EXAMPLE))
    for column, width in zip("ABCDE", (30, 40, 60, 30, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
