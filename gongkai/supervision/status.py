"""The status of one unit on one task, from the task's deadline and the unit's reports.

Pure: `today` is an argument and reports arrive as `ReportFact`s. Only reports submitted on
or before `today` and not returned by the office count, so a status can be computed as of
any day (the look-back computes it as of 31 December).

The rules, by the kind of deadline (deadlines.py):

- date (10月30日前): done once a counted report marks the task completed; overdue after the
  date while it is not; in progress once the unit has reported; otherwise not started. A task
  completed after its date is done, and marked late (the assessment deducts for it).
- monthly (每月坚持): a report is expected in every month from the month the plan took effect
  (`starts_on`; the next month when it took effect after the 1st) to December. A month that
  has ended without a report makes the unit overdue; when the year has ended with every
  month reported, done; otherwise in progress (or not started when nothing was reported yet).
- continuous (及时公开): judged by the evidence. Evidence (a published item, a link or a
  file) reported within the last EVIDENCE_FRESH_DAYS (a quarter) means done; none for that
  long once the plan has run a quarter means overdue; otherwise in progress or not started.
  After the year ends it is judged as of 31 December.
- none (完成时限 empty): like a dated task due on 31 December of the plan's year, the end of
  the annual plan.
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .deadlines import DeadlineKind

# A continuous task needs fresh evidence at least once a quarter.
EVIDENCE_FRESH_DAYS = 92


class UnitStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("逾期")


@dataclass(frozen=True, slots=True)
class ReportFact:
    submitted_on: dt.date
    percent: int | None = None
    completed: bool = False
    has_evidence: bool = False
    returned: bool = False


@dataclass(frozen=True, slots=True)
class StatusResult:
    status: UnitStatus
    reason: str
    percent: int | None = None
    completed_on: dt.date | None = None
    late: bool = False
    missing_months: tuple[str, ...] = ()
    last_report_on: dt.date | None = None


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def compute(
    *,
    kind: str,
    due: dt.date | None,
    year: int,
    starts_on: dt.date,
    reports: Iterable[ReportFact],
    today: dt.date,
) -> StatusResult:
    counted = sorted((r for r in reports if not r.returned and r.submitted_on <= today), key=lambda r: r.submitted_on)
    last = counted[-1] if counted else None
    percent = last.percent if last is not None else None
    last_on = last.submitted_on if last is not None else None
    year_end = dt.date(year, 12, 31)

    if kind == DeadlineKind.MONTHLY:
        return _monthly(counted, year, starts_on, today, percent, last_on)
    if kind == DeadlineKind.CONTINUOUS:
        return _continuous(counted, year, starts_on, today, percent, last_on)

    # A dated task, or one without a deadline: due at the end of the plan's year.
    deadline = due if kind == DeadlineKind.DATE and due is not None else year_end
    done = next((r for r in counted if r.completed or r.percent == 100), None)
    if done is not None:
        late = done.submitted_on > deadline
        reason = f"已于 {done.submitted_on:%Y-%m-%d} 完成" + ("（逾期完成）" if late else "")
        return StatusResult(UnitStatus.DONE, reason, 100, done.submitted_on, late, (), last_on)
    if today > deadline:
        return StatusResult(
            UnitStatus.OVERDUE, f"已超过完成时限 {deadline:%Y-%m-%d}，尚未完成", percent, last_report_on=last_on
        )
    if counted:
        progress = f"，完成 {percent}%" if percent is not None else ""
        return StatusResult(
            UnitStatus.IN_PROGRESS, f"已报送进展{progress}，时限 {deadline:%Y-%m-%d}", percent, last_report_on=last_on
        )
    days = (deadline - today).days
    return StatusResult(UnitStatus.NOT_STARTED, f"尚未报送，距完成时限还有 {days} 天", None)


def _monthly(
    counted: list[ReportFact],
    year: int,
    starts_on: dt.date,
    today: dt.date,
    percent: int | None,
    last_on: dt.date | None,
) -> StatusResult:
    # The first month that owes a report is the one the plan starts in, or the next one when
    # the plan was issued after the first of the month (a plan of 26 May asks from June).
    first = max(starts_on, dt.date(year, 1, 1))
    if first.day != 1:
        first = _month_end(first.year, first.month) + dt.timedelta(days=1)
    year_end = dt.date(year, 12, 31)
    covered = {(r.submitted_on.year, r.submitted_on.month) for r in counted}
    # Months that have ended (the report for a month is due by its last day).
    required = [m for m in _months(first, year_end) if _month_end(*m) < today]
    missing = tuple(f"{y}-{m:02d}" for y, m in required if (y, m) not in covered)
    if missing:
        shown = "、".join(f"{int(m[5:])}月" for m in missing[:6]) + ("等" if len(missing) > 6 else "")
        return StatusResult(
            UnitStatus.OVERDUE, f"缺少 {shown} 的月度报送", percent, missing_months=missing, last_report_on=last_on
        )
    if today > year_end:
        return StatusResult(UnitStatus.DONE, "全年每月均已报送", 100, last_on, last_report_on=last_on)
    if counted:
        this_month = (today.year, today.month) in covered
        reason = "本月已报送" if this_month else "以前各月均已报送，本月尚未报送"
        return StatusResult(UnitStatus.IN_PROGRESS, reason, percent, last_report_on=last_on)
    return StatusResult(UnitStatus.NOT_STARTED, "尚未报送，每月须报送一次", None)


def _continuous(
    counted: list[ReportFact],
    year: int,
    starts_on: dt.date,
    today: dt.date,
    percent: int | None,
    last_on: dt.date | None,
) -> StatusResult:
    judged_on = min(today, dt.date(year, 12, 31))
    with_evidence = [r for r in counted if r.has_evidence and r.submitted_on <= judged_on]
    latest = with_evidence[-1].submitted_on if with_evidence else None
    if latest is not None and (judged_on - latest).days < EVIDENCE_FRESH_DAYS:
        return StatusResult(
            UnitStatus.DONE, f"持续公开，最近佐证材料 {latest:%Y-%m-%d}", percent, latest, last_report_on=last_on
        )
    if (judged_on - starts_on).days >= EVIDENCE_FRESH_DAYS or today > dt.date(year, 12, 31):
        reason = (
            f"最近佐证材料 {latest:%Y-%m-%d}，已超过三个月" if latest is not None else "已超过三个月没有报送佐证材料"
        )
        return StatusResult(UnitStatus.OVERDUE, reason, percent, last_report_on=last_on)
    if counted:
        return StatusResult(UnitStatus.IN_PROGRESS, "已报送进展，尚无佐证材料", percent, last_report_on=last_on)
    return StatusResult(UnitStatus.NOT_STARTED, "尚未报送，须附公开信息等佐证材料", None)


def is_finished(result: StatusResult) -> bool:
    return result.status == UnitStatus.DONE
