"""The reply deadline of a disclosure request (依申请公开答复期限), step by step.

Pure: no database, no clock. The caller loads the working-day calendar once
(``core.workdays.calendar()``, one query) and passes it in, with ``today`` when the dates
must not lie in the future. Every step names the article of 《中华人民共和国政府信息公开条例》
(2019) it applies, so the staff UI can show how the date came about.

The rules, in the order they are applied:

1. 第三十三条第一款: reply within 20 working days of receipt. The day of receipt is day 0
   (see core.workdays.add_workdays); the period ends at the end of the 20th working day.
2. 第三十条: after a correction (补正) the period restarts from the day the corrected request
   is received; that day is the new day 0.
3. 第三十五条: for an excessive request the office may set a longer reasonable period; it
   replaces the 20 working days (counted from the same day 0).
4. 第三十三条第二款: one extension of at most 20 working days.
5. 第三十二条 / 第三十四条: time spent consulting a third party or another body is not counted.
   A pause FROM–TO stops the clock on those days, both inclusive: the due date moves later by
   the number of working days inside the pause that lie after day 0. Overlapping or adjacent
   pauses are merged first. A pause lying wholly on or before day 0 (e.g. before a correction
   restarted the period) changes nothing; one straddling day 0 counts only its days after it.
   A pause that starts after the due date reached so far is refused: a consultation must begin
   while the period is running.

The result is provisional when any day examined lay in a year whose official schedule is not
known (core.workdays, decision 0002).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from gongkai.core.workdays import WorkdayCalendar

#: 条例第三十三条第一款: the reply period in working days.
REPLY_PERIOD = 20
#: 条例第三十三条第二款: the longest extension, in working days; granted at most once.
MAX_EXTENSION = 20

ART_30 = "条例第三十条"
ART_32 = "条例第三十二条"
ART_33_1 = "条例第三十三条第一款"
ART_33_2 = "条例第三十三条第二款"
ART_34 = "条例第三十四条"
ART_35 = "条例第三十五条"

PauseReason = Literal["third_party", "other_body", "consultation"]

_PAUSE_ARTICLES: dict[str, str] = {
    "third_party": ART_32,
    "other_body": ART_34,
    "consultation": f"{ART_32}、第三十四条",
}
_PAUSE_WHO: dict[str, str] = {
    "third_party": "征求第三方意见",
    "other_body": "征求其他机关意见",
    "consultation": "征求第三方或其他机关意见",
}

_ONE_DAY = dt.timedelta(days=1)


class DeadlineError(ValueError):
    """The input breaks a rule; the message (Chinese) says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Pause:
    """The clock stops from ``start`` to ``end``, both days included.

    reason: "third_party" (第三十二条), "other_body" (第三十四条) or "consultation" when the
    caller does not know which (both are cited).
    """

    start: dt.date
    end: dt.date
    reason: PauseReason = "consultation"


@dataclass(frozen=True, slots=True)
class DeadlineStep:
    """One step of the computation: the article applied, what it did, the due date after it."""

    article: str
    description: str
    date: dt.date
    provisional: bool = False

    @property
    def text(self) -> str:
        """E.g. "依据条例第三十三条第一款，自收到申请之日（2025-09-25）起20个工作日内答复：2025-10-29"."""
        flag = "（暂按周一至周五计算，待公布节假日安排后重算）" if self.provisional else ""
        return f"依据{self.article}，{self.description}：{self.date.isoformat()}{flag}"


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """The due date (the reply must be given by the end of that day) and how it came about."""

    due: dt.date
    provisional: bool
    steps: tuple[DeadlineStep, ...]


class _Clock:
    """Counts working days on a calendar, remembering whether any day examined was provisional."""

    def __init__(self, calendar: WorkdayCalendar) -> None:
        self.calendar = calendar
        self.provisional = False

    def is_workday(self, day: dt.date) -> bool:
        status = self.calendar.day_kind(day)
        self.provisional = self.provisional or status.provisional
        return status.is_workday

    def after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after ``day`` (``day`` itself when n == 0)."""
        remaining = n
        while remaining > 0:
            day = _next(day)
            if self.is_workday(day):
                remaining -= 1
        return day

    def period(self, start: dt.date, n: int) -> dt.date:
        """The end of an n-working-day period starting on ``start`` (day 0, or day 1 under the
        calendar's first_day_counts setting; see core.workdays.add_workdays)."""
        if self.calendar.first_day_counts and n > 0 and self.is_workday(start):
            return self.after(start, n - 1)
        return self.after(start, n)

    def workdays_in(self, start: dt.date, end: dt.date) -> int:
        """Working days from ``start`` to ``end``, both included."""
        count = 0
        day = start
        while day <= end:
            if self.is_workday(day):
                count += 1
            day = _next(day)
        return count


def _next(day: dt.date) -> dt.date:
    try:
        return day + _ONE_DAY
    except OverflowError:
        raise DeadlineError("计算结果超出可表示的日期范围（公元9999年12月31日之后）。") from None


def merge_pauses(pauses: Sequence[Pause]) -> list[Pause]:
    """Pauses sorted and merged where they overlap or touch (3–5 and 6–8 become 3–8).

    A merged pause keeps the reason of its parts when they agree, else "consultation".
    Raises DeadlineError for a pause whose start lies after its end.
    """
    for pause in pauses:
        if pause.start > pause.end:
            raise DeadlineError(
                f"暂停期间的起始日（{pause.start.isoformat()}）晚于结束日（{pause.end.isoformat()}），"
                "请按“起始日:结束日”填写。"
            )
    merged: list[Pause] = []
    for pause in sorted(pauses, key=lambda p: (p.start, p.end)):
        if merged and pause.start <= merged[-1].end + _ONE_DAY:
            last = merged[-1]
            reason: PauseReason = last.reason if last.reason == pause.reason else "consultation"
            merged[-1] = Pause(last.start, max(last.end, pause.end), reason)
        else:
            merged.append(pause)
    return merged


def compute_deadline(
    calendar: WorkdayCalendar,
    *,
    received: dt.date,
    correction_received: dt.date | None = None,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[int] = (),
    custom_period: int | None = None,
    today: dt.date | None = None,
) -> DeadlineResult:
    """The reply deadline of a request received on ``received``.

    correction_received: the day the corrected request arrived (第三十条); the new day 0.
    pauses: consultation periods (第三十二条、第三十四条), both ends included; may overlap.
    extensions: the extensions granted, in working days (第三十三条第二款): at most one, 1–20.
    custom_period: the longer reasonable period set for an excessive request (第三十五条), in
        working days, replacing the 20; must be longer than 20.
    today: when given, the day of receipt and of the correction must not lie after it.

    Raises DeadlineError (Chinese message) when the input breaks a rule.
    """
    _check(received, correction_received, extensions, custom_period, today)
    clock = _Clock(calendar)
    steps: list[DeadlineStep] = []

    def step(article: str, description: str, date: dt.date) -> None:
        steps.append(DeadlineStep(article, description, date, clock.provisional))

    # 第三十三条第一款: 20 working days from receipt; receipt is day 0.
    due = clock.period(received, REPLY_PERIOD)
    step(ART_33_1, f"自收到申请之日（{received.isoformat()}）起{REPLY_PERIOD}个工作日内答复", due)
    day_zero = received

    # 第三十条: the period restarts on the day the corrected request is received.
    if correction_received is not None:
        day_zero = correction_received
        due = clock.period(day_zero, REPLY_PERIOD)
        step(
            ART_30,
            f"申请人补正后，答复期限自收到补正申请之日（{day_zero.isoformat()}）起重新计算{REPLY_PERIOD}个工作日",
            due,
        )

    # 第三十五条: a longer reasonable period replaces the 20 working days.
    if custom_period is not None:
        due = clock.period(day_zero, custom_period)
        step(
            ART_35,
            f"申请数量、频次明显超过合理范围，行政机关确定的合理答复期限为自{day_zero.isoformat()}起"
            f"{custom_period}个工作日",
            due,
        )

    # 第三十三条第二款: one extension of at most 20 working days.
    for days in extensions:
        due = clock.after(due, days)
        step(ART_33_2, f"经政府信息公开工作机构负责人同意，延长答复期限{days}个工作日", due)

    # 第三十二条、第三十四条: consultation time is not counted. Working days inside a pause that
    # lie after day 0 were not counted, so the due date moves later by as many working days.
    # Applied in date order, each against the due date reached so far.
    first_counted = day_zero if calendar.first_day_counts else day_zero + _ONE_DAY
    for pause in merge_pauses(pauses):
        who = _PAUSE_WHO[pause.reason]
        span = f"{pause.start.isoformat()}至{pause.end.isoformat()}"
        article = _PAUSE_ARTICLES[pause.reason]
        if pause.end < first_counted:
            step(article, f"{who}期间（{span}）在期限起算日（{day_zero.isoformat()}）之前，不影响答复期限", due)
            continue
        if pause.start > due:
            raise DeadlineError(
                f"{who}期间（{span}）开始于答复期限（{due.isoformat()}）届满之后。"
                "征求意见须在答复期限内开始，请核对暂停期间。"
            )
        paused = clock.workdays_in(max(pause.start, first_counted), pause.end)
        due = clock.after(due, paused)
        step(article, f"{who}所需时间（{span}）不计算在答复期限内，顺延{paused}个工作日", due)

    return DeadlineResult(due=due, provisional=clock.provisional, steps=tuple(steps))


#: 条例第三十二条、第三十四条: a third party or another body has 15 working days to answer.
CONSULTATION_PERIOD = 15


@dataclass(frozen=True, slots=True)
class ConsultationTimer:
    """A consultation's own timer: the consulted party answers by ``due`` (the end of the
    15th working day after ``started``, which is day 0). The third party's silence leaves the
    decision to the office (第三十二条); another body's silence counts as consent (第三十四条)."""

    reason: PauseReason
    started: dt.date
    due: dt.date
    provisional: bool
    ended: dt.date | None = None

    @property
    def article(self) -> str:
        return _PAUSE_ARTICLES[self.reason]

    @property
    def who(self) -> str:
        return _PAUSE_WHO[self.reason]

    @property
    def silence(self) -> str:
        if self.reason == "other_body":
            return "其他机关逾期未提出意见的，视为同意（条例第三十四条）"
        if self.reason == "third_party":
            return "第三方逾期未提出意见的，由行政机关依照条例规定决定是否公开（条例第三十二条）"
        return "逾期未提出意见的，依照条例第三十二条、第三十四条处理"


def consultation_timer(
    calendar: WorkdayCalendar, *, started: dt.date, reason: PauseReason = "consultation", ended: dt.date | None = None
) -> ConsultationTimer:
    """The 15-working-day timer of a consultation that began on ``started``."""
    clock = _Clock(calendar)
    due = clock.period(started, CONSULTATION_PERIOD)
    return ConsultationTimer(reason=reason, started=started, due=due, provisional=clock.provisional, ended=ended)


def _check(
    received: dt.date,
    correction_received: dt.date | None,
    extensions: Sequence[int],
    custom_period: int | None,
    today: dt.date | None,
) -> None:
    if today is not None and received > today:
        raise DeadlineError(f"收到申请之日（{received.isoformat()}）不能晚于今天（{today.isoformat()}）。")
    if correction_received is not None:
        if correction_received < received:
            raise DeadlineError(
                f"收到补正申请之日（{correction_received.isoformat()}）不能早于收到申请之日（{received.isoformat()}）。"
            )
        if today is not None and correction_received > today:
            raise DeadlineError(
                f"收到补正申请之日（{correction_received.isoformat()}）不能晚于今天（{today.isoformat()}）。"
            )
    if len(extensions) > 1:
        raise DeadlineError("答复期限只能延长一次（条例第三十三条第二款），不能再次延长。")
    for days in extensions:
        if isinstance(days, bool) or not isinstance(days, int):
            raise DeadlineError(f"延长天数“{days}”不是整数。")
        if not 1 <= days <= MAX_EXTENSION:
            raise DeadlineError(
                f"延长答复期限最长不得超过{MAX_EXTENSION}个工作日（条例第三十三条第二款），"
                f"应为1至{MAX_EXTENSION}的整数（收到 {days}）。"
            )
    if custom_period is not None:
        if isinstance(custom_period, bool) or not isinstance(custom_period, int):
            raise DeadlineError(f"合理期限“{custom_period}”不是整数。")
        if custom_period <= REPLY_PERIOD:
            raise DeadlineError(f"依条例第三十五条确定的合理期限应长于{REPLY_PERIOD}个工作日（收到 {custom_period}）。")
