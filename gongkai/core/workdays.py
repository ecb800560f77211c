"""The working-day calendar (工作日历) that every statutory period is counted in.

《政府信息公开条例》counts its periods in working days: the reply within 20 working days of
receipt and one extension of at most 20 more (第三十三条), the correction request within 7
(第三十条), third parties' 15 (第三十二条). A working day is a day the offices work on
under the State Council's annual holiday notice (国务院办公厅关于××年部分节假日安排的通知),
which moves weekends around the holidays (调休): some Saturdays and Sundays become
make-up working days and some weekdays become holidays.

Where a day's status comes from, in this order:

1. An override (core.models.CalendarOverride, edited in the admin or with
   ``gongkai workdays set``): a holiday or a make-up working day. Always wins.
2. The bundled data of the ``chinese_calendar`` package (2004–2026 in version 1.11.0),
   which carries the official notices including make-up working days.
3. Otherwise Monday–Friday is a working day, Saturday and Sunday are not. Such an answer
   is *provisional*: the official schedule for that year is not known yet.

The "known year" rule: a year is known when the bundled data covers it OR at least one
override lies in it. An administrator who enters the first day of a new year's notice
therefore declares the whole year known; the notice should be entered completely (all
holidays and all make-up working days) in one sitting.

Everything here is pure: ``WorkdayCalendar`` is built from a mapping date → kind and never
touches the database. ``calendar()`` loads the overrides in one query. For many
computations (e.g. recomputing every open deadline after ``calendar_changed``), call
``calendar()`` once and reuse the object.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from chinese_calendar import Holiday
from chinese_calendar.constants import holidays as _BUNDLED_HOLIDAYS
from chinese_calendar.constants import workdays as _BUNDLED_WORKDAYS
from django.conf import settings

from .models.calendar import CalendarOverride, DayKind

DayKindName = Literal["workday", "weekend", "holiday"]

#: The years for which the bundled chinese_calendar data holds the official schedule
#: (the same bounds the package itself checks before answering).
BUNDLED_YEARS = range(min(_BUNDLED_HOLIDAYS).year, max(_BUNDLED_HOLIDAYS).year + 1)

#: Setting (OPEN question in DOMAIN.md): whether the first day of a period counts.
FIRST_DAY_COUNTS_SETTING = "GONGKAI_DEADLINE_FIRST_DAY_COUNTS"

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayStatus:
    """What kind of day ``day`` is.

    kind: "workday" (including a make-up working weekend), "holiday" (a statutory holiday
    or a weekend inside a holiday period, e.g. 2025-10-04) or "weekend" (a plain one).
    provisional: the year's official schedule is unknown; Monday–Friday was assumed.
    name: the holiday a day belongs to (春节, 国庆节 ...; for a make-up working day, the
    holiday it makes up for), or "" when none.
    """

    day: dt.date
    kind: DayKindName
    provisional: bool
    name: str = ""

    @property
    def is_workday(self) -> bool:
        return self.kind == "workday"


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    """A date computed by counting working days; provisional when any day examined on
    the way lay in a year whose official schedule is unknown."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    """A number of working days; provisional as in WorkdayResult."""

    count: int
    provisional: bool


def _bundled_name(english: str) -> str:
    return str(Holiday(english).chinese)


class WorkdayCalendar:
    """Working days from overrides (consulted first) and the bundled official data.

    overrides: date → "holiday" | "workday" (core.models.DayKind values).
    names: optional date → holiday name for the overrides (shown in DayStatus.name).
    first_day_counts: whether the start day of a period is itself day 1 (see add_workdays).
    """

    def __init__(
        self,
        overrides: Mapping[dt.date, str] | None = None,
        *,
        names: Mapping[dt.date, str] | None = None,
        first_day_counts: bool = False,
    ) -> None:
        self._overrides: dict[dt.date, str] = {}
        for day, kind in (overrides or {}).items():
            if kind not in DayKind.values:
                raise ValueError(f"未知的日期类型“{kind}”（{day.isoformat()}）。可选：holiday、workday。")
            self._overrides[day] = str(kind)
        self._names: dict[dt.date, str] = dict(names or {})
        self._override_years = frozenset(day.year for day in self._overrides)
        self.first_day_counts = first_day_counts

    def is_known_year(self, year: int) -> bool:
        """True when the official schedule of ``year`` is known: the bundled data covers it
        or at least one override lies in it (see the module docstring)."""
        return year in BUNDLED_YEARS or year in self._override_years

    def day_kind(self, day: dt.date) -> DayStatus:
        """The status of ``day``: override first, then the bundled data, then Monday–Friday
        (provisional). A weekday holiday is "holiday"; a weekend made a working day is
        "workday"; a weekend inside a named holiday period is "holiday"; any other
        Saturday or Sunday is "weekend"."""
        override = self._overrides.get(day)
        if override is not None:
            kind: DayKindName = "holiday" if override == DayKind.HOLIDAY else "workday"
            return DayStatus(day, kind, provisional=False, name=self._names.get(day, ""))
        weekend = day.weekday() >= 5
        if day.year in BUNDLED_YEARS:
            if day in _BUNDLED_WORKDAYS:  # a make-up working day (调休上班)
                return DayStatus(day, "workday", False, _bundled_name(_BUNDLED_WORKDAYS[day]))
            if day in _BUNDLED_HOLIDAYS:  # a holiday, on a weekday or inside the holiday period
                return DayStatus(day, "holiday", False, _bundled_name(_BUNDLED_HOLIDAYS[day]))
            return DayStatus(day, "weekend" if weekend else "workday", False)
        provisional = not self.is_known_year(day.year)
        return DayStatus(day, "weekend" if weekend else "workday", provisional)

    def is_workday(self, day: dt.date) -> bool:
        """Whether the offices work on ``day`` (day_kind(day) tells whether it is provisional)."""
        return self.day_kind(day).is_workday

    def add_workdays(self, start: dt.date, n: int) -> WorkdayResult:
        """The date of the n-th working day after ``start``.

        条例第三十三条: "自收到申请之日起20个工作日内予以答复". ``start`` (the day of receipt)
        is day 0 and not counted, after the general rule that the first day of a period is
        not counted (民法典第二百零一条: 开始的当日不计入，自下一日开始计算); the period ends at
        the end of the returned day. Example: 2025-09-25 + 20 → 2025-10-29 (2025-09-28 and
        2025-10-11 are make-up working days; 10-01 to 10-08 are holidays).

        With ``first_day_counts`` (setting GONGKAI_DEADLINE_FIRST_DAY_COUNTS, OPEN in DOMAIN.md)
        ``start`` itself is day 1 if it is a working day.

        n = 0 returns ``start``. Negative n raises ValueError: count backwards is not
        supported. The result is provisional if any day examined lay in an unknown year.
        """
        if n < 0:
            raise ValueError(f"工作日天数不能为负数（收到 {n}）。")
        day = start
        remaining = n
        provisional = False
        if self.first_day_counts and remaining > 0:
            status = self.day_kind(start)
            provisional = status.provisional
            if status.is_workday:
                remaining -= 1
        while remaining > 0:
            day = _next_day(day)
            status = self.day_kind(day)
            provisional = provisional or status.provisional
            if status.is_workday:
                remaining -= 1
        return WorkdayResult(day, provisional)

    def workdays_between(self, start: dt.date, end: dt.date) -> WorkdayCount:
        """How many working days lie after ``start`` up to and including ``end`` (0 when
        end <= start): the working days of a 条例第三十三条 period used up by ``end``.

        It is the inverse of add_workdays: for n >= 1, workdays_between(a, add_workdays(a, n))
        == n. With ``first_day_counts`` ``start`` is included too (so end == start on a working
        day gives 1). Provisional if any day counted over lay in an unknown year.
        """
        if end < start or (end == start and not self.first_day_counts):
            return WorkdayCount(0, False)
        day = start if self.first_day_counts else start + _ONE_DAY
        count = 0
        provisional = False
        while True:
            status = self.day_kind(day)
            provisional = provisional or status.provisional
            if status.is_workday:
                count += 1
            if day >= end:
                return WorkdayCount(count, provisional)
            day += _ONE_DAY


def _next_day(day: dt.date) -> dt.date:
    try:
        return day + _ONE_DAY
    except OverflowError:
        raise ValueError("计算结果超出可表示的日期范围（公元9999年12月31日之后）。") from None


def first_day_counts() -> bool:
    """The setting GONGKAI_DEADLINE_FIRST_DAY_COUNTS (default False: the start day is day 0)."""
    return bool(getattr(settings, FIRST_DAY_COUNTS_SETTING, False))


def calendar() -> WorkdayCalendar:
    """The calendar with the overrides from the database, loaded in exactly one query."""
    kinds: dict[dt.date, str] = {}
    names: dict[dt.date, str] = {}
    for day, kind, name in CalendarOverride.objects.values_list("date", "kind", "name"):
        kinds[day] = kind
        names[day] = name
    return WorkdayCalendar(kinds, names=names, first_day_counts=first_day_counts())


# Shortcuts that load the overrides on each call (one query). For more than one
# computation, use calendar() once and call its methods.


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day (see WorkdayCalendar.day_kind)."""
    return calendar().is_workday(day)


def day_kind(day: dt.date) -> DayStatus:
    """The status of ``day`` with the provisional flag (see WorkdayCalendar.day_kind)."""
    return calendar().day_kind(day)


def add_workdays(start: dt.date, n: int) -> WorkdayResult:
    """The n-th working day after ``start`` (day 0); see WorkdayCalendar.add_workdays."""
    return calendar().add_workdays(start, n)


def workdays_between(start: dt.date, end: dt.date) -> WorkdayCount:
    """Working days after ``start`` up to ``end``; see WorkdayCalendar.workdays_between."""
    return calendar().workdays_between(start, end)
