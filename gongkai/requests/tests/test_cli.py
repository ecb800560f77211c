"""`gongkai requests deadline`: output, one query, overrides honoured, bad input refused.

The command is called as an instance, so these tests run whether or not the app is in
INSTALLED_APPS yet. Time is frozen at 2026-11-26 (Asia/Shanghai) so that "not in the future" is stable; dates
were worked out by hand from the official schedules (see test_deadlines).
"""

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from gongkai.core import services
from gongkai.core.models import AuditRecord, CalendarOverride
from gongkai.requests.management.commands.requests import Command

TODAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def run(*args: str, verbosity: int = 1) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(Command(), "deadline", *args, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--received", "2025-09-25"), "2025-10-29\n"),
        (("--received", "2024-02-05"), "2024-03-08\n"),
        (("--received", "2024-12-20"), "2025-01-20\n"),
        (("--received", "2026-02-13"), "2026-03-19\n"),
        (("--received", "2026-11-26"), "2026-12-24\n"),  # received today
        (("--received", "2027-03-01"), "2027-03-29 provisional\n"),  # planning ahead, beyond the data
        (("--received", "2026-11-26", "--extend", "20"), "2027-01-21 provisional\n"),
        (("--received", "2026-11-02", "--custom-period", "60"), "2027-01-25 provisional\n"),
        (("--received", "2025-09-25", "--correction-received", "2025-10-09"), "2025-11-05\n"),
        (("--received", "2024-12-25", "--correction-received", "2025-01-06"), "2025-02-08\n"),
        (("--received", "2025-09-25", "--extend", "20"), "2025-11-26\n"),
        (("--received", "2025-09-25", "--pause", "2025-10-13:2025-10-17"), "2025-11-05\n"),
        (("--received", "2025-09-25", "--pause", "2025-09-28:2025-10-11"), "2025-11-06\n"),
        (
            ("--received", "2025-09-25", "--pause", "2025-10-13:2025-10-17", "--pause", "2025-10-15:2025-10-21"),
            "2025-11-07\n",
        ),
        (("--received", "2025-09-25", "--pause", "2025-10-29:2025-10-29"), "2025-10-30\n"),
        (("--received", "2025-09-25", "--pause", "2025-11-03:2025-11-04", "--extend", "20"), "2025-11-28\n"),
        (
            ("--received", "2025-12-10", "--pause", "2025-12-22:2026-01-09", "--extend", "20"),
            "2026-03-03\n",
        ),
        (
            (
                *("--received", "2024-01-26", "--correction-received", "2024-02-02"),
                *("--pause", "2024-02-05:2024-02-08", "--extend", "5"),
            ),
            "2024-03-19\n",
        ),
        (("--received", "2025-09-25", "--custom-period", "60", "--extend", "20"), "2026-01-22\n"),
    ],
)
def test_deadline(args: tuple[str, ...], expected: str) -> None:
    out, err = run(*args)
    assert out == expected
    assert err == ""


@pytest.mark.django_db
def test_reads_the_calendar_in_one_query_and_writes_nothing(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        out, _ = run("--received", "2025-09-25", "--pause", "2025-10-13:2025-10-17", "--extend", "3")
    assert out == "2025-11-10\n"
    assert AuditRecord.objects.count() == 0
    assert CalendarOverride.objects.count() == 0


@pytest.mark.django_db
def test_steps_with_verbosity_2() -> None:
    out, err = run("--received", "2025-09-25", "--extend", "20", verbosity=2)
    assert out == "2025-11-26\n"
    assert err.splitlines() == [
        "依据条例第三十三条第一款，自收到申请之日（2025-09-25）起20个工作日内答复：2025-10-29",
        "依据条例第三十三条第二款，经政府信息公开工作机构负责人同意，延长答复期限20个工作日：2025-11-26",
    ]


@pytest.mark.django_db
def test_calendar_overrides_are_honoured() -> None:
    assert run("--received", "2026-11-26", "--extend", "20")[0] == "2027-01-21 provisional\n"
    services.calendar_override_set(
        actor=None, day=dt.date(2027, 1, 1), kind="holiday", name="元旦", source_notice=NOTICE_2027
    )
    assert run("--received", "2026-11-26", "--extend", "20")[0] == "2027-01-22\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请提供收到申请之日"),
        (("--received", "2025-02-30"), "不是存在的日期"),
        (("--received", "2025/09/25"), "格式不正确"),
        (("--received", "2025-09-25", "--correction-received", "2025-09-24"), "不能早于收到申请之日"),
        (("--received", "2025-09-25", "--correction-received", "2025-13-01"), "不是存在的日期"),
        (("--received", "2025-09-25", "--pause", "2025-10-17:2025-10-13"), "起始日晚于结束日"),
        (("--received", "2025-09-25", "--pause", "2025-10-13"), "应为 起始日:结束日"),
        (("--received", "2025-09-25", "--pause", "2025-10-13:2025-10-32"), "不是存在的日期"),
        (("--received", "2025-09-25", "--pause", "2025-10-30:2025-10-31"), "届满之后"),
        (("--received", "2025-09-25", "--extend", "21"), "最长不得超过20个工作日"),
        (("--received", "2025-09-25", "--extend", "0"), "应为1至20的整数"),
        (("--received", "2025-09-25", "--extend", "2.5"), "不是整数"),
        (("--received", "2025-09-25", "--extend", "ten"), "不是整数"),
        (("--received", "2025-09-25", "--extend", "5", "--extend", "5"), "只能延长一次"),
        (("--received", "2025-09-25", "--custom-period", "15"), "应长于20个工作日"),
        (("--received", "2025-09-25", "--custom-period", "x"), "不是整数"),
        (("--received", "2025-09-25", "--custom-period", "100000"), "不能超过"),
    ],
)
def test_bad_input_is_refused_in_chinese(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as excinfo:
        run(*args)
    assert CHINESE.search(str(excinfo.value))
    assert excinfo.value.returncode == 1
    assert AuditRecord.objects.count() == 0


@pytest.mark.django_db
def test_no_action_is_refused() -> None:
    with pytest.raises(CommandError, match="请指定操作"):
        call_command(Command(), stdout=StringIO(), stderr=StringIO())
