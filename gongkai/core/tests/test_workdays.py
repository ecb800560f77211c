"""The working-day calendar (core.workdays).

Expected dates are the official schedules (国务院办公厅关于2024/2025/2026年部分节假日安排的
通知), checked by hand against the notices, not read back from chinese_calendar.
"""

import datetime as dt
from typing import Any

import chinese_calendar
import pytest

from gongkai.core import services, workdays
from gongkai.core.models import CalendarOverride, DayKind
from gongkai.core.workdays import BUNDLED_YEARS, DayKindName, DayStatus, WorkdayCalendar, WorkdayCount, WorkdayResult

D = dt.date.fromisoformat
BUNDLED = WorkdayCalendar()
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"


# --- the example of DOMAIN.md (条例第三十三条) ----------------------------------------


def test_received_2025_09_25_plus_20_workdays_is_2025_10_29() -> None:
    assert BUNDLED.add_workdays(D("2025-09-25"), 20) == WorkdayResult(D("2025-10-29"), provisional=False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-09-25", 1, "2025-09-26"),
        ("2025-09-26", 1, "2025-09-28"),  # Sunday, make-up working day for National Day
        ("2025-09-28", 1, "2025-09-29"),
        ("2025-09-30", 1, "2025-10-09"),  # 10-01 to 10-08 are holidays
        ("2025-10-10", 1, "2025-10-11"),  # Saturday, make-up working day
        ("2025-10-11", 1, "2025-10-13"),
        ("2025-09-25", 5, "2025-10-09"),
    ],
)
def test_add_workdays_steps_over_holidays_and_counts_make_up_days(start: str, n: int, expected: str) -> None:
    assert BUNDLED.add_workdays(D(start), n).date == D(expected)


def test_zero_days_returns_the_start_even_on_a_holiday() -> None:
    assert BUNDLED.add_workdays(D("2025-10-03"), 0) == WorkdayResult(D("2025-10-03"), provisional=False)


def test_negative_days_are_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        BUNDLED.add_workdays(D("2025-09-25"), -1)


def test_counting_past_the_last_representable_date_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="超出可表示的日期范围"):
        BUNDLED.add_workdays(D("9999-12-30"), 5)


# --- day kinds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        # National Day 2025: 10-01 to 10-08 off, 09-28 (Sun) and 10-11 (Sat) worked.
        ("2025-09-25", "workday", ""),
        ("2025-09-27", "weekend", ""),
        ("2025-09-28", "workday", "国庆节"),
        ("2025-10-01", "holiday", "国庆节"),
        ("2025-10-04", "holiday", "国庆节"),  # a Saturday inside the holiday period
        ("2025-10-06", "holiday", "中秋"),
        ("2025-10-08", "holiday", "国庆节"),
        ("2025-10-11", "workday", "国庆节"),
        ("2025-10-12", "weekend", ""),
        # Spring Festival 2024: 02-10 to 02-17 off; 02-04 (Sun) and 02-18 (Sun) worked; 除夕 02-09
        # (Fri) was not a statutory holiday.
        ("2024-02-04", "workday", "春节"),
        ("2024-02-09", "workday", ""),
        ("2024-02-10", "holiday", "春节"),
        ("2024-02-17", "holiday", "春节"),
        ("2024-02-18", "workday", "春节"),
        ("2024-02-19", "workday", ""),
        # Spring Festival 2025: 01-28 (除夕) to 02-04 off; 01-26 (Sun) and 02-08 (Sat) worked.
        ("2025-01-25", "weekend", ""),
        ("2025-01-26", "workday", "春节"),
        ("2025-01-27", "workday", ""),
        ("2025-01-28", "holiday", "春节"),
        ("2025-02-04", "holiday", "春节"),
        ("2025-02-05", "workday", ""),
        ("2025-02-08", "workday", "春节"),
        ("2025-02-09", "weekend", ""),
        # Spring Festival 2026: 02-15 to 02-23 off; 02-14 (Sat) and 02-28 (Sat) worked.
        ("2026-02-14", "workday", "春节"),
        ("2026-02-15", "holiday", "春节"),
        ("2026-02-23", "holiday", "春节"),
        ("2026-02-24", "workday", ""),
        ("2026-02-28", "workday", "春节"),
        ("2026-03-01", "weekend", ""),
        # National Day 2026: 10-01 to 10-07 off; 09-20 (Sun) and 10-10 (Sat) worked.
        ("2026-09-20", "workday", "国庆节"),
        ("2026-10-01", "holiday", "国庆节"),
        ("2026-10-03", "holiday", "国庆节"),
        ("2026-10-07", "holiday", "国庆节"),
        ("2026-10-08", "workday", ""),
        ("2026-10-10", "workday", "国庆节"),
    ],
)
def test_day_kind_follows_the_official_schedule(day: str, kind: DayKindName, name: str) -> None:
    assert BUNDLED.day_kind(D(day)) == DayStatus(D(day), kind, provisional=False, name=name)
    assert BUNDLED.is_workday(D(day)) is (kind == "workday")


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        ("2027-01-01", "workday"),  # a Friday: surely 元旦, but the 2027 notice is not known yet
        ("2027-01-02", "weekend"),
        ("2003-12-31", "workday"),  # before the bundled data
        ("2003-12-27", "weekend"),
    ],
)
def test_days_outside_the_known_years_are_monday_to_friday_and_provisional(day: str, kind: DayKindName) -> None:
    assert BUNDLED.day_kind(D(day)) == DayStatus(D(day), kind, provisional=True)


def test_bundled_years_are_2004_to_2026() -> None:
    assert (BUNDLED_YEARS.start, BUNDLED_YEARS.stop) == (2004, 2027)


def test_agrees_with_chinese_calendar_on_every_bundled_day() -> None:
    day = dt.date(BUNDLED_YEARS.start, 1, 1)
    disagreements = []
    while day.year in BUNDLED_YEARS:
        if BUNDLED.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


# --- Spring Festival periods -------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2024-02-08", 1, "2024-02-09"),
        ("2024-02-09", 1, "2024-02-18"),  # over the holiday to the make-up Sunday
        ("2024-02-02", 1, "2024-02-04"),  # Friday → make-up Sunday
        ("2025-01-24", 1, "2025-01-26"),  # Friday → make-up Sunday
        ("2025-01-27", 1, "2025-02-05"),
        ("2025-02-07", 1, "2025-02-08"),  # Friday → make-up Saturday
        ("2026-02-13", 1, "2026-02-14"),  # Friday → make-up Saturday
        ("2026-02-14", 1, "2026-02-24"),
        # 02-11..13, 02-14 (Sat), 02-24..27, 02-28 (Sat), then 11 days from 03-02 → 03-16.
        ("2026-02-10", 20, "2026-03-16"),
        # 01-26 (Sun), 01-27, 02-05..07, 02-08 (Sat), 02-10..14, 02-17..21, 02-24..27 → 02-27.
        ("2025-01-24", 20, "2025-02-27"),
    ],
)
def test_spring_festival(start: str, n: int, expected: str) -> None:
    assert BUNDLED.add_workdays(D(start), n) == WorkdayResult(D(expected), provisional=False)


# --- unknown years and overrides ---------------------------------------------------


def test_crossing_into_an_unknown_year_is_provisional() -> None:
    # 2026-12-21..25, 28..31 are 9 working days; 2027 counted Monday–Friday from 01-01 (Fri).
    assert BUNDLED.add_workdays(D("2026-12-20"), 20) == WorkdayResult(D("2027-01-15"), provisional=True)


def test_staying_inside_a_known_year_is_not_provisional() -> None:
    assert BUNDLED.add_workdays(D("2026-12-01"), 20) == WorkdayResult(D("2026-12-29"), provisional=False)


def test_only_the_days_examined_make_a_result_provisional() -> None:
    assert BUNDLED.add_workdays(D("2026-12-30"), 1) == WorkdayResult(D("2026-12-31"), provisional=False)
    assert BUNDLED.add_workdays(D("2026-12-31"), 1) == WorkdayResult(D("2027-01-01"), provisional=True)
    assert BUNDLED.add_workdays(D("2027-03-01"), 0) == WorkdayResult(D("2027-03-01"), provisional=False)


def test_an_override_in_an_unknown_year_makes_the_year_known_and_moves_the_date() -> None:
    cal = WorkdayCalendar({D("2027-01-01"): DayKind.HOLIDAY}, names={D("2027-01-01"): "元旦"})
    assert cal.is_known_year(2027)
    assert cal.day_kind(D("2027-01-01")) == DayStatus(D("2027-01-01"), "holiday", provisional=False, name="元旦")
    assert cal.day_kind(D("2027-01-02")) == DayStatus(D("2027-01-02"), "weekend", provisional=False)
    assert cal.add_workdays(D("2026-12-20"), 20) == WorkdayResult(D("2027-01-18"), provisional=False)
    assert not cal.is_known_year(2028)
    assert cal.add_workdays(D("2027-12-20"), 20).provisional


def test_an_override_takes_precedence_over_the_bundled_data() -> None:
    # 2025-10-08 is a holiday in the official data; declared a working day it is counted.
    cal = WorkdayCalendar({D("2025-10-08"): "workday"})
    assert cal.day_kind(D("2025-10-08")).kind == "workday"
    assert cal.add_workdays(D("2025-09-25"), 20) == WorkdayResult(D("2025-10-28"), provisional=False)
    # And the other way round: a make-up Sunday and an ordinary Friday declared holidays.
    cal = WorkdayCalendar({D("2025-09-28"): "holiday", D("2025-09-26"): "holiday"})
    assert cal.day_kind(D("2025-09-28")).kind == "holiday"
    assert cal.add_workdays(D("2025-09-25"), 20) == WorkdayResult(D("2025-10-31"), provisional=False)


def test_an_unknown_override_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="未知的日期类型"):
        WorkdayCalendar({D("2027-01-01"): "festival"})


# --- workdays_between --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-09-25", "2025-10-29", WorkdayCount(20, False)),
        ("2025-09-25", "2025-09-25", WorkdayCount(0, False)),
        ("2025-10-29", "2025-09-25", WorkdayCount(0, False)),
        ("2025-09-30", "2025-10-08", WorkdayCount(0, False)),
        ("2025-09-30", "2025-10-09", WorkdayCount(1, False)),
        ("2025-09-26", "2025-09-28", WorkdayCount(1, False)),
        ("2026-12-20", "2027-01-15", WorkdayCount(20, True)),
        ("2026-12-20", "2026-12-31", WorkdayCount(9, False)),
    ],
)
def test_workdays_between(start: str, end: str, expected: WorkdayCount) -> None:
    assert BUNDLED.workdays_between(D(start), D(end)) == expected


@pytest.mark.parametrize("first_day_counts", [False, True])
@pytest.mark.parametrize("start", ["2024-02-01", "2025-09-25", "2025-09-27", "2026-12-15"])
def test_workdays_between_inverts_add_workdays(start: str, first_day_counts: bool) -> None:
    cal = WorkdayCalendar(first_day_counts=first_day_counts)
    for n in range(1, 61):
        result = cal.add_workdays(D(start), n)
        assert cal.workdays_between(D(start), result.date) == WorkdayCount(n, result.provisional)


# --- the first-day rule (OPEN setting) ---------------------------------------------


def test_when_the_first_day_counts_the_day_of_receipt_is_day_one() -> None:
    cal = WorkdayCalendar(first_day_counts=True)
    assert cal.add_workdays(D("2025-09-25"), 20).date == D("2025-10-28")
    assert cal.add_workdays(D("2025-09-25"), 1).date == D("2025-09-25")
    assert cal.add_workdays(D("2025-09-25"), 0).date == D("2025-09-25")
    # Received on a Saturday: the first working day after it is day 1.
    assert cal.add_workdays(D("2025-09-27"), 1).date == D("2025-09-28")
    assert cal.workdays_between(D("2025-09-25"), D("2025-09-25")) == WorkdayCount(1, False)


# --- with the database -------------------------------------------------------------


def _set(day: str, kind: str, name: str = "元旦") -> CalendarOverride:
    return services.calendar_override_set(actor=None, day=D(day), kind=kind, name=name, source_notice=NOTICE_2027)


@pytest.mark.django_db
def test_calendar_loads_the_overrides_from_the_database() -> None:
    assert workdays.add_workdays(D("2026-12-20"), 20) == WorkdayResult(D("2027-01-15"), provisional=True)
    _set("2027-01-01", DayKind.HOLIDAY)
    assert workdays.add_workdays(D("2026-12-20"), 20) == WorkdayResult(D("2027-01-18"), provisional=False)
    assert workdays.day_kind(D("2027-01-01")) == DayStatus(D("2027-01-01"), "holiday", provisional=False, name="元旦")
    assert workdays.is_workday(D("2027-01-01")) is False
    assert workdays.workdays_between(D("2026-12-20"), D("2027-01-18")) == WorkdayCount(20, False)


@pytest.mark.django_db
def test_a_database_override_beats_the_bundled_data() -> None:
    _set("2025-10-08", DayKind.WORKDAY, name="国庆节")
    assert workdays.add_workdays(D("2025-09-25"), 20) == WorkdayResult(D("2025-10-28"), provisional=False)


@pytest.mark.django_db
def test_add_workdays_issues_one_query(django_assert_num_queries: Any) -> None:
    _set("2027-01-01", DayKind.HOLIDAY)
    _set("2027-02-06", DayKind.WORKDAY, name="春节")
    with django_assert_num_queries(1):
        cal = workdays.calendar()
        result = cal.add_workdays(D("2026-06-01"), 400)
        count = cal.workdays_between(D("2026-06-01"), result.date)
    assert count.count == 400
    with django_assert_num_queries(1):
        workdays.add_workdays(D("2026-06-01"), 400)


@pytest.mark.django_db
def test_the_first_day_setting_is_read_by_calendar(settings: Any) -> None:
    assert workdays.calendar().add_workdays(D("2025-09-25"), 20).date == D("2025-10-29")
    settings.GONGKAI_DEADLINE_FIRST_DAY_COUNTS = True
    assert workdays.calendar().add_workdays(D("2025-09-25"), 20).date == D("2025-10-28")


@pytest.mark.django_db
def test_calendar_changed_is_sent_once_on_commit(django_capture_on_commit_callbacks: Any) -> None:
    received: list[list[dt.date]] = []

    def listener(sender: Any, dates: list[dt.date], **kwargs: Any) -> None:
        received.append(dates)

    services.calendar_changed.connect(listener, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _set("2027-01-01", DayKind.HOLIDAY)
            assert received == []  # not before the commit
        assert len(callbacks) == 1
        assert received == [[D("2027-01-01")]]

        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_override_delete(actor=None, override=CalendarOverride.objects.get())
        assert received == [[D("2027-01-01")], [D("2027-01-01")]]
    finally:
        services.calendar_changed.disconnect(listener)
