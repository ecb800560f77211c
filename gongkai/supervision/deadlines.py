"""Reading a 完成时限 cell of a responsibility table (责任分工表) into a deadline.

Pure: no database, no clock (DeadlineKind is a TextChoices only so that models can store it).
The plan's year is an argument because the table writes dates without one ("10月30日前" in the
2022 plan is 2022-10-30).

The kinds a key task's deadline can have:

- ``date``: a day by which the task is done. Written as 10月30日前, 2022年10月30日, 十月三十日前,
  2022-10-30, or as the end of a period: 10月底前 / 十月底前 → the last day of that month,
  第三季度 / 三季度末 → the last day of the quarter (09-30), 上半年 → 06-30, 年底前 / 年内 → 12-31.
- ``continuous``: 及时公开, 持续, 长期, 常态化 — no end date; judged by its evidence.
- ``monthly``: 每月坚持, 每月, 按月 — a report is expected every month.
- ``none``: the cell is empty.

Anything else is not guessed: ``parse`` returns an error with a Chinese message naming the
forms it understands, and the importer refuses the row.
"""

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    DATE = "date", _("限期完成")
    CONTINUOUS = "continuous", _("持续（及时公开）")
    MONTHLY = "monthly", _("每月坚持")
    NONE = "none", _("未定时限")


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    due: dt.date | None = None

    def as_json(self) -> str | None:
        """The `--json` form: "YYYY-MM-DD", "continuous", "monthly" or None."""
        if self.kind == DeadlineKind.DATE and self.due is not None:
            return self.due.isoformat()
        if self.kind in (DeadlineKind.DATE, DeadlineKind.NONE):
            return None
        return str(self.kind)


@dataclass(frozen=True, slots=True)
class ParsedDeadline:
    """The deadline read from a cell, or the reason it could not be read."""

    text: str
    deadline: Deadline | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.deadline is not None


NO_DEADLINE = Deadline(DeadlineKind.NONE)

_CONTINUOUS_WORDS = ("及时公开", "及时", "持续", "长期", "常态化", "随时", "动态更新")
_MONTHLY_WORDS = ("每月坚持", "每月", "按月")

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Words around a date that do not change it: 前 (by), 之前, 以前, 底 (end), 完成 ...
_TRAILING = re.compile(r"(之前|以前|前|止|截止|完成|为止)+$")
_LEADING = re.compile(r"^(于|在|截至|截止到?|到|至)")


def chinese_number(text: str) -> int | None:
    """十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31, 2022 → 2022; None if it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        # 二〇二二 → 2022: digit by digit.
        value = 0
        for c in text:
            value = value * 10 + _DIGITS[c]
        return value
    tens_text, _, units_text = text.partition("十")
    if "十" in units_text or len(tens_text) > 1 or len(units_text) > 1:
        return None
    tens = _DIGITS[tens_text] if tens_text else 1
    units = _DIGITS[units_text] if units_text else 0
    return tens * 10 + units


_NUM = r"(\d{1,4}|[〇零一二两三四五六七八九十]{1,4})"
_YEAR = r"(?:(\d{4}|[〇零一二三四五六七八九]{4})年)?"
_FULL_DATE = re.compile(rf"^{_YEAR}{_NUM}月{_NUM}[日号]$")
_MONTH_END = re.compile(rf"^{_YEAR}{_NUM}月(?:份)?(?:底|末|月底|末前|底前)?$")
_QUARTER = re.compile(rf"^{_YEAR}第?{_NUM}季度(?:末|底)?$")
_HALF = re.compile(rf"^{_YEAR}(上半年|下半年)(?:末|底)?$")
_YEAR_END = re.compile(rf"^{_YEAR}(?:年底|年末|年内|全年|本年度|年度内|底)$")
_MONTH_BEFORE = re.compile(rf"^{_YEAR}{_NUM}月(?:之|以)?前(?:完成)?$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH_DAY_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.strip("。.;；,，")


def _year(group: str | None, default: int) -> int | None:
    if not group:
        return default
    return chinese_number(group)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _fail(text: str, why: str) -> ParsedDeadline:
    return ParsedDeadline(text=text, deadline=None, error=why)


def parse(text: str | None, *, year: int) -> ParsedDeadline:
    """Read one 完成时限 cell. ``year`` is the plan's year, used when the cell names none."""
    original = (text or "").strip()
    value = _normalise(original)
    if not value:
        return ParsedDeadline(text=original, deadline=NO_DEADLINE)
    if value in _MONTHLY_WORDS or value.startswith("每月"):
        return ParsedDeadline(text=original, deadline=Deadline(DeadlineKind.MONTHLY))
    if any(value.startswith(w) for w in _CONTINUOUS_WORDS):
        return ParsedDeadline(text=original, deadline=Deadline(DeadlineKind.CONTINUOUS))

    core = _LEADING.sub("", value)
    if _MONTH_BEFORE.match(core):
        # "6月前": before June, or by the end of June? Not guessed.
        return _fail(original, f"完成时限“{original}”不明确（是该月之前还是该月底前？），请写明日期，如“6月30日前”。")
    core = _TRAILING.sub("", core)
    unreadable = (
        f"无法识别的完成时限“{original}”。请写成具体日期（如“10月30日前”“10月底前”“第三季度”），"
        "或“及时公开”“每月坚持”。"
    )
    impossible = f"完成时限“{original}”不是一个存在的日期。"

    if m := _ISO.match(core):
        due = _day(int(m[1]), int(m[2]), int(m[3]))
        return _dated(original, due, impossible)
    if m := _MONTH_DAY_SLASH.match(core):
        due = _day(year, int(m[1]), int(m[2]))
        return _dated(original, due, impossible)
    if m := _FULL_DATE.match(core):
        y, month, day = _year(m[1], year), chinese_number(m[2]), chinese_number(m[3])
        if y is None or month is None or day is None:
            return _fail(original, unreadable)
        return _dated(original, _day(y, month, day), impossible)
    if m := _MONTH_END.match(core):
        y, month = _year(m[1], year), chinese_number(m[2])
        if y is None or month is None:
            return _fail(original, unreadable)
        return _dated(original, _month_end(y, month), impossible)
    if m := _QUARTER.match(core):
        y, quarter = _year(m[1], year), chinese_number(m[2])
        if y is None or quarter is None or not 1 <= quarter <= 4:
            return _fail(original, f"完成时限“{original}”中的季度应为第一至第四季度。")
        return _dated(original, _month_end(y, quarter * 3), impossible)
    if m := _HALF.match(core):
        y = _year(m[1], year)
        if y is None:
            return _fail(original, unreadable)
        return _dated(original, _month_end(y, 6 if m[2] == "上半年" else 12), impossible)
    if m := _YEAR_END.match(core):
        y = _year(m[1], year)
        if y is None:
            return _fail(original, unreadable)
        return _dated(original, dt.date(y, 12, 31), impossible)
    return _fail(original, unreadable)


def _dated(original: str, due: dt.date | None, impossible: str) -> ParsedDeadline:
    if due is None:
        return _fail(original, impossible)
    return ParsedDeadline(text=original, deadline=Deadline(DeadlineKind.DATE, due))


def shift_year(deadline: Deadline, years: int) -> Deadline:
    """The same deadline in a later plan (回头看 carry-over): a date keeps its month and day
    (29 February becomes the 28th), the other kinds stay as they are."""
    if deadline.kind != DeadlineKind.DATE or deadline.due is None:
        return deadline
    due = deadline.due
    target = due.year + years
    day = min(due.day, calendar.monthrange(target, due.month)[1])
    return Deadline(DeadlineKind.DATE, dt.date(target, due.month, day))
