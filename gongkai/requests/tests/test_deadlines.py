"""The reply deadline (requests.deadlines), without the database.

Expected dates were worked out by hand from the official schedules (国务院办公厅关于2024/2025/
2026年部分节假日安排的通知) and cross-checked once with chinese_calendar in exploratory code; they
are hard-coded here, never read back from a calendar. Reminders of the schedules used:
2024 春节 02-10..02-17 (make-up Sun 02-04, Sun 02-18), 国庆 10-01..10-07 (make-up Sun 09-29, Sat 10-12),
中秋 09-15..09-17 (make-up Sat 09-14); 2025 元旦 01-01, 春节 01-28..02-04 (make-up Sun 01-26, Sat 02-08),
劳动节 05-01..05-05 (make-up Sun 04-27), 国庆中秋 10-01..10-08 (make-up Sun 09-28, Sat 10-11);
2026 元旦 01-01..01-03 (make-up Sun 01-04), 春节 02-15..02-23 (make-up Sat 02-14, Sat 02-28),
劳动节 05-01..05-05 (make-up Sat 05-09), 中秋 09-25..09-27, 国庆 10-01..10-07 (make-up Sun 09-20,
Sat 10-10). 2027 is not in the bundled data: Monday–Friday, provisional.
"""

import datetime as dt

import pytest

from gongkai.core.workdays import WorkdayCalendar
from gongkai.requests.deadlines import (
    ART_30,
    ART_32,
    ART_33_1,
    ART_33_2,
    ART_34,
    ART_35,
    DeadlineError,
    DeadlineResult,
    DeadlineStep,
    Pause,
    compute_deadline,
    merge_pauses,
)

D = dt.date.fromisoformat
BUNDLED = WorkdayCalendar()


def P(span: str) -> Pause:
    start, end = span.split(":")
    return Pause(D(start), D(end))


def due(
    received: str,
    *,
    correction: str | None = None,
    pauses: tuple[str, ...] = (),
    extend: int | None = None,
    custom: int | None = None,
    calendar: WorkdayCalendar = BUNDLED,
) -> str:
    result = compute_deadline(
        calendar,
        received=D(received),
        correction_received=None if correction is None else D(correction),
        pauses=[P(p) for p in pauses],
        extensions=[] if extend is None else [extend],
        custom_period=custom,
    )
    return result.due.isoformat() + (" provisional" if result.provisional else "")


# The scenario table. Each row: (received, correction, pauses, extension, Art. 35 period, expected).
SCENARIOS = [
    # -- 第三十三条: 20 working days, receipt is day 0 --
    ("2025-09-25", None, (), None, None, "2025-10-29"),  # DOMAIN.md: make-up 09-28, 10-11; 10-01..08 off
    ("2024-02-05", None, (), None, None, "2024-03-08"),  # 春节 2024, make-up Sunday 02-18 counts
    ("2024-02-08", None, (), None, None, "2024-03-13"),
    ("2024-09-13", None, (), None, None, "2024-10-17"),  # 中秋 + 国庆 2024, make-up 09-14, 09-29, 10-12
    ("2024-09-27", None, (), None, None, "2024-10-30"),
    ("2024-12-20", None, (), None, None, "2025-01-20"),  # year boundary, 元旦 2025
    ("2025-01-20", None, (), None, None, "2025-02-21"),  # 春节 2025, make-up 01-26 and 02-08
    ("2025-04-25", None, (), None, None, "2025-05-27"),  # 劳动节 2025, make-up 04-27
    ("2025-12-15", None, (), None, None, "2026-01-13"),  # year boundary, 元旦 2026 (01-01..03), make-up 01-04
    ("2026-01-04", None, (), None, None, "2026-01-30"),  # receipt on a make-up Sunday
    ("2026-02-13", None, (), None, None, "2026-03-19"),  # 春节 2026, make-up Saturdays 02-14 and 02-28
    ("2026-04-30", None, (), None, None, "2026-06-01"),  # 劳动节 2026, make-up 05-09
    ("2026-09-18", None, (), None, None, "2026-10-22"),  # 中秋 + 国庆 2026, make-up 09-20, 10-10
    ("2026-12-01", None, (), None, None, "2026-12-29"),
    # -- beyond the known calendar: Monday–Friday, provisional --
    ("2026-12-04", None, (), None, None, "2027-01-01 provisional"),  # 2027-01-01 assumed a working day
    ("2026-11-26", None, (), 20, None, "2027-01-21 provisional"),
    # -- 第三十条: correction restarts the period from its day of receipt --
    ("2025-09-25", "2025-10-09", (), None, None, "2025-11-05"),
    ("2025-09-25", "2025-09-25", (), None, None, "2025-10-29"),  # corrected the same day: no change
    ("2024-12-25", "2025-01-06", (), None, None, "2025-02-08"),  # year boundary; ends on make-up Sat 02-08
    # -- 第三十三条第二款: one extension of at most 20 working days --
    ("2025-09-25", None, (), 20, None, "2025-11-26"),
    ("2025-09-25", None, (), 1, None, "2025-10-30"),
    # -- 第三十二条 / 第三十四条: pauses, both ends included --
    ("2025-09-25", None, ("2025-10-13:2025-10-17",), None, None, "2025-11-05"),  # 5 working days
    ("2025-09-25", None, ("2025-09-28:2025-10-11",), None, None, "2025-11-06"),  # holidays inside: 6 working days
    ("2025-09-25", None, ("2025-10-04:2025-10-05",), None, None, "2025-10-29"),  # only holidays: no effect
    ("2025-09-25", None, ("2025-10-13:2025-10-17", "2025-10-15:2025-10-21"), None, None, "2025-11-07"),  # overlap
    ("2025-09-25", None, ("2025-10-15:2025-10-21", "2025-10-13:2025-10-17"), None, None, "2025-11-07"),  # any order
    ("2025-09-25", None, ("2025-10-13:2025-10-15", "2025-10-16:2025-10-17"), None, None, "2025-11-05"),  # adjacent
    ("2025-09-25", None, ("2025-10-13:2025-10-13", "2025-10-17:2025-10-17"), None, None, "2025-10-31"),  # disjoint
    ("2025-09-25", None, ("2025-10-27:2025-11-14",), None, None, "2025-11-19"),  # runs past the due date
    ("2025-09-25", None, ("2025-10-29:2025-10-29",), None, None, "2025-10-30"),  # starts on the due date
    ("2025-09-25", None, ("2025-09-20:2025-09-25",), None, None, "2025-10-29"),  # ends on day 0: ignored
    ("2025-09-25", None, ("2025-09-20:2025-09-26",), None, None, "2025-10-30"),  # straddles day 0: 09-26 counts
    ("2025-09-25", "2025-10-09", ("2025-09-26:2025-09-30",), None, None, "2025-11-05"),  # before the restart
    ("2025-09-25", "2025-10-09", ("2025-10-09:2025-10-10",), None, None, "2025-11-06"),  # restart day is day 0
    ("2025-09-25", None, ("2025-11-03:2025-11-04",), 20, None, "2025-11-28"),  # during the extension
    ("2025-09-25", None, ("2025-10-13:2025-10-17",), 10, None, "2025-11-19"),
    ("2025-12-10", None, ("2025-12-22:2026-01-09",), 20, None, "2026-03-03"),  # across 元旦 and 春节 2026
    ("2026-11-20", None, ("2026-12-14:2026-12-31",), None, None, "2027-01-07 provisional"),
    ("2026-11-20", None, ("2026-12-14:2027-01-08",), None, None, "2027-01-15 provisional"),
    # -- 第三十五条: a longer reasonable period replaces the 20 days --
    ("2025-09-25", None, (), None, 60, "2025-12-24"),
    ("2025-09-25", None, (), 20, 60, "2026-01-22"),
    ("2026-11-02", None, (), None, 60, "2027-01-25 provisional"),
    # -- everything at once --
    ("2024-01-26", "2024-02-02", ("2024-02-05:2024-02-08",), 5, None, "2024-03-19"),
]


@pytest.mark.parametrize(("received", "correction", "pauses", "extend", "custom", "expected"), SCENARIOS)
def test_scenarios(
    received: str,
    correction: str | None,
    pauses: tuple[str, ...],
    extend: int | None,
    custom: int | None,
    expected: str,
) -> None:
    assert due(received, correction=correction, pauses=pauses, extend=extend, custom=custom) == expected


def test_domain_example_result_and_step_text() -> None:
    result = compute_deadline(BUNDLED, received=D("2025-09-25"))
    assert result == DeadlineResult(
        due=D("2025-10-29"),
        provisional=False,
        steps=(DeadlineStep(ART_33_1, "自收到申请之日（2025-09-25）起20个工作日内答复", D("2025-10-29")),),
    )
    assert result.steps[0].text == (
        "依据条例第三十三条第一款，自收到申请之日（2025-09-25）起20个工作日内答复：2025-10-29"
    )


def test_result_is_frozen() -> None:
    result = compute_deadline(BUNDLED, received=D("2025-09-25"))
    with pytest.raises(AttributeError):
        result.due = D("2025-11-01")  # type: ignore[misc]


def test_every_step_cites_its_article_with_the_date_after_it() -> None:
    result = compute_deadline(
        BUNDLED,
        received=D("2025-09-25"),
        correction_received=D("2025-10-09"),
        custom_period=30,
        extensions=[10],
        pauses=[
            Pause(D("2025-09-26"), D("2025-09-30"), "third_party"),
            Pause(D("2025-10-20"), D("2025-10-24"), "third_party"),
            Pause(D("2025-11-10"), D("2025-11-11"), "other_body"),
        ],
    )
    assert [(s.article, s.date.isoformat()) for s in result.steps] == [
        (ART_33_1, "2025-10-29"),
        (ART_30, "2025-11-05"),  # restart from 10-09
        (ART_35, "2025-11-19"),  # 30 working days from 10-09
        (ART_33_2, "2025-12-03"),  # + 10
        (ART_32, "2025-12-03"),  # before the restart: ignored
        (ART_32, "2025-12-10"),  # 5 working days
        (ART_34, "2025-12-12"),  # 2 working days
    ]
    assert result.due == D("2025-12-12")
    texts = [s.text for s in result.steps]
    assert texts[1].startswith("依据条例第三十条，申请人补正后")
    assert "不影响答复期限" in texts[4]
    assert texts[5] == (
        "依据条例第三十二条，征求第三方意见所需时间（2025-10-20至2025-10-24）不计算在答复期限内，顺延5个工作日：2025-12-10"
    )
    assert texts[6].startswith("依据条例第三十四条，征求其他机关意见")


def test_provisional_step_says_so() -> None:
    result = compute_deadline(BUNDLED, received=D("2026-11-26"), extensions=[20])
    assert [s.provisional for s in result.steps] == [False, True]
    assert result.provisional
    assert "暂按周一至周五计算" in result.steps[1].text
    assert "暂按" not in result.steps[0].text


# --- the calendar is an argument: overrides change the result (what calendar_changed triggers) ---


def test_2027_notice_entered_makes_the_deadline_official() -> None:
    assert due("2026-12-04") == "2027-01-01 provisional"
    known = WorkdayCalendar({D("2027-01-01"): "holiday"})
    assert due("2026-12-04", calendar=known) == "2027-01-04"


def test_override_inside_the_period_moves_the_deadline() -> None:
    extra_holiday = WorkdayCalendar({D("2025-10-20"): "holiday"})
    assert due("2025-09-25", calendar=extra_holiday) == "2025-10-30"
    make_up_day = WorkdayCalendar({D("2025-10-04"): "workday"})
    assert due("2025-09-25", calendar=make_up_day) == "2025-10-28"


def test_first_day_counts_setting() -> None:
    # Decision 0002: with the setting on, the day of receipt is day 1 when it is a working day.
    first = WorkdayCalendar(first_day_counts=True)
    assert due("2025-09-25", calendar=first) == "2025-10-28"
    # A pause on the day of receipt then stops the clock on that day.
    assert due("2025-09-25", pauses=("2025-09-25:2025-09-25",), calendar=first) == "2025-10-29"
    assert due("2025-09-25", pauses=("2025-09-25:2025-09-25",)) == "2025-10-29"


# --- merging pauses ---


def test_merge_pauses() -> None:
    merged = merge_pauses(
        [
            Pause(D("2025-10-20"), D("2025-10-22"), "other_body"),
            Pause(D("2025-10-13"), D("2025-10-15"), "third_party"),
            Pause(D("2025-10-16"), D("2025-10-17"), "third_party"),
            Pause(D("2025-10-21"), D("2025-10-21"), "third_party"),
        ]
    )
    assert merged == [
        Pause(D("2025-10-13"), D("2025-10-17"), "third_party"),
        Pause(D("2025-10-20"), D("2025-10-22"), "consultation"),
    ]
    assert merge_pauses([]) == []


# --- refused input ---


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"correction_received": D("2025-09-24")}, "不能早于收到申请之日"),
        ({"pauses": [Pause(D("2025-10-17"), D("2025-10-13"))]}, "起始日（2025-10-17）晚于结束日"),
        ({"pauses": [Pause(D("2025-10-30"), D("2025-10-31"))]}, "开始于答复期限（2025-10-29）届满之后"),
        ({"extensions": [21]}, "最长不得超过20个工作日"),
        ({"extensions": [0]}, "应为1至20的整数"),
        ({"extensions": [-3]}, "应为1至20的整数"),
        ({"extensions": [10, 5]}, "只能延长一次"),
        ({"extensions": [True]}, "不是整数"),
        ({"custom_period": 20}, "应长于20个工作日"),
        ({"today": D("2025-09-24")}, "不能晚于今天"),
        ({"correction_received": D("2025-10-09"), "today": D("2025-10-08")}, "收到补正申请之日.*不能晚于今天"),
    ],
)
def test_bad_input_is_refused_in_chinese(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DeadlineError, match=message):
        compute_deadline(BUNDLED, received=D("2025-09-25"), **kwargs)  # type: ignore[arg-type]


def test_pause_after_the_base_due_date_is_accepted_only_with_the_extension() -> None:
    with pytest.raises(DeadlineError):
        due("2025-09-25", pauses=("2025-11-03:2025-11-04",))
    assert due("2025-09-25", pauses=("2025-11-03:2025-11-04",), extend=20) == "2025-11-28"


def test_a_later_pause_is_checked_against_the_due_date_moved_by_earlier_ones() -> None:
    # 10-13..17 moves the due date to 11-05, so a consultation starting 11-03 is in time.
    assert due("2025-09-25", pauses=("2025-10-13:2025-10-17", "2025-11-03:2025-11-03")) == "2025-11-06"


def test_today_allows_receipt_today() -> None:
    result = compute_deadline(BUNDLED, received=D("2025-09-25"), today=D("2025-09-25"))
    assert result.due == D("2025-10-29")
