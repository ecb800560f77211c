import datetime as dt

import pytest

from gongkai.supervision.deadlines import Deadline, DeadlineKind, chinese_number, parse, shift_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10月30日前", "2022-10-30"),
        ("12月31日前", "2022-12-31"),
        ("10月30日", "2022-10-30"),
        ("于10月30日之前完成", "2022-10-30"),
        ("１０月３０日前", "2022-10-30"),  # full-width digits
        ("十月三十日前", "2022-10-30"),
        ("十二月三十一日", "2022-12-31"),
        ("十月底前", "2022-10-31"),
        ("2月底", "2022-02-28"),
        ("6月底前", "2022-06-30"),
        ("2022年第三季度", "2022-09-30"),
        ("第三季度", "2022-09-30"),
        ("三季度末", "2022-09-30"),
        ("第1季度", "2022-03-31"),
        ("上半年", "2022-06-30"),
        ("下半年", "2022-12-31"),
        ("年底前", "2022-12-31"),
        ("年内", "2022-12-31"),
        ("2023年1月31日前", "2023-01-31"),  # an explicit year wins
        ("2022-11-05", "2022-11-05"),
        ("2022/11/5", "2022-11-05"),
        ("11/5", "2022-11-05"),
        ("及时公开", "continuous"),
        ("持续推进", "continuous"),
        ("长期坚持", "continuous"),
        ("每月坚持", "monthly"),
        ("每月", "monthly"),
        ("", None),
        ("  ", None),
    ],
)
def test_readable_deadlines(text: str, expected: str | None) -> None:
    result = parse(text, year=2022)
    assert result.ok, result.error
    assert result.deadline is not None
    assert result.deadline.as_json() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("尽快", "无法识别的完成时限“尽快”"),
        ("第五季度", "第一至第四季度"),
        ("2月30日前", "不是一个存在的日期"),
        ("13月底前", "不是一个存在的日期"),
        ("6月前", "不明确"),  # before June or by the end of June? not guessed
        ("每季度", "无法识别"),
    ],
)
def test_unreadable_deadlines_are_flagged_not_guessed(text: str, message: str) -> None:
    result = parse(text, year=2022)
    assert not result.ok
    assert result.deadline is None
    assert message in result.error


def test_chinese_numbers() -> None:
    assert [chinese_number(t) for t in ("十", "十二", "二十", "三十一", "二〇二二", "7", "百")] == [
        10, 12, 20, 31, 2022, 7, None,
    ]  # fmt: skip


def test_shift_year_keeps_the_day_and_the_other_kinds() -> None:
    assert shift_year(Deadline(DeadlineKind.DATE, dt.date(2022, 10, 30)), 1) == Deadline(
        DeadlineKind.DATE, dt.date(2023, 10, 30)
    )
    assert shift_year(Deadline(DeadlineKind.DATE, dt.date(2024, 2, 29)), 1).due == dt.date(2025, 2, 28)
    monthly = Deadline(DeadlineKind.MONTHLY)
    assert shift_year(monthly, 1) == monthly
