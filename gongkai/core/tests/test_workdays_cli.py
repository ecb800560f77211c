"""`gongkai workdays`: output formats, overrides through the service, bad input refused."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.management.commands.workdays import Command
from gongkai.core.models import AuditRecord, CalendarOverride

NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "--from", "2025-09-25", "--days", "20"), "2025-10-29\n"),
        (("add", "--from", "2025-09-25", "--days", "0"), "2025-09-25\n"),
        (("add", "--from", "2026-12-20", "--days", "20"), "2027-01-15 provisional\n"),
        (("add", "--from", "2024-02-09", "--days", "1"), "2024-02-18\n"),
        (("is", "2025-09-28"), "workday\n"),
        (("is", "2025-09-27"), "weekend\n"),
        (("is", "2025-10-01"), "holiday\n"),
        (("is", "2025-10-04"), "holiday\n"),
        (("is", "2026-02-14"), "workday\n"),
        (("is", "2027-01-02"), "weekend provisional\n"),
        (("is", "2027-01-04"), "workday provisional\n"),
        (("between", "--from", "2025-09-25", "--to", "2025-10-29"), "20\n"),
        (("between", "--from", "2025-10-29", "--to", "2025-09-25"), "0\n"),
        (("between", "--from", "2026-12-20", "--to", "2027-01-15"), "20 provisional\n"),
    ],
)
def test_computations(args: tuple[str, ...], expected: str) -> None:
    assert run(*args) == expected


@pytest.mark.django_db
def test_set_makes_2027_known_and_moves_the_deadline() -> None:
    assert run("add", "--from", "2026-12-20", "--days", "20") == "2027-01-15 provisional\n"
    out = run("set", "2027-01-01", "--kind", "holiday", "--name", "元旦", "--source", NOTICE_2027)
    assert out == f"已登记：2027-01-01 节假日 元旦（依据：{NOTICE_2027}）\n"
    override = CalendarOverride.objects.get()
    assert (override.date.isoformat(), override.kind, override.name, override.source_notice) == (
        "2027-01-01",
        "holiday",
        "元旦",
        NOTICE_2027,
    )
    assert AuditRecord.objects.filter(action="calendar.override_set", actor=None).count() == 1
    assert run("is", "2027-01-01") == "holiday\n"
    assert run("is", "2027-01-02") == "weekend\n"
    assert run("add", "--from", "2026-12-20", "--days", "20") == "2027-01-18\n"


@pytest.mark.django_db
def test_set_overrides_the_bundled_data_and_can_be_changed_again() -> None:
    run("set", "2025-10-08", "--kind", "workday", "--name", "国庆节", "--source", "某地补充通知")
    assert run("is", "2025-10-08") == "workday\n"
    assert run("add", "--from", "2025-09-25", "--days", "20") == "2025-10-28\n"
    run("set", "2025-10-08", "--kind", "holiday", "--name", "国庆节", "--source", "某地补充通知")
    assert CalendarOverride.objects.get().kind == "holiday"
    assert run("add", "--from", "2025-09-25", "--days", "20") == "2025-10-29\n"


@pytest.mark.django_db
def test_unset_removes_the_override() -> None:
    run("set", "2027-01-01", "--kind", "holiday", "--name", "元旦", "--source", NOTICE_2027)
    assert run("unset", "2027-01-01") == "已删除：2027-01-01 节假日 元旦\n"
    assert not CalendarOverride.objects.exists()
    assert AuditRecord.objects.filter(action="calendar.override_delete").count() == 1
    assert run("is", "2027-01-01") == "workday provisional\n"
    with pytest.raises(CommandError, match="没有节假日调整记录"):
        run("unset", "2027-01-01")


@pytest.mark.django_db
def test_list_shows_the_overrides_by_year() -> None:
    run("set", "2027-02-06", "--kind", "holiday", "--name", "春节", "--source", NOTICE_2027)
    run("set", "2027-01-01", "--kind", "holiday", "--name", "元旦", "--source", NOTICE_2027)
    run("set", "2026-10-08", "--kind", "workday", "--name", "国庆节", "--source", "某地补充通知")
    assert run("list", "--year", "2027") == (
        f"2027-01-01\tholiday\t元旦\t{NOTICE_2027}\n2027-02-06\tholiday\t春节\t{NOTICE_2027}\n"
    )
    assert run("list").splitlines()[0] == "2026-10-08\tworkday\t国庆节\t某地补充通知"
    assert len(run("list").splitlines()) == 3
    err = StringIO()
    call_command("workdays", "list", "--year", "2030", stdout=StringIO(), stderr=err)
    assert err.getvalue() == "2030年没有节假日调整记录。\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "--from", "2025-02-30", "--days", "20"), "“2025-02-30”不是存在的日期"),
        (("add", "--from", "2025-9-25", "--days", "20"), "格式不正确"),
        (("add", "--from", "2025-09-25", "--days", "二十"), "“二十”不是整数"),
        (("add", "--from", "2025-09-25", "--days", "2.5"), "不是整数"),
        (("add", "--from", "2025-09-25", "--days", "-1"), "不能小于 0"),
        (("add", "--days", "20"), "请提供起算日"),
        (("add", "--from", "2025-09-25"), "请提供工作日天数"),
        (("add", "--from", "9999-12-30", "--days", "20"), "超出可表示的日期范围"),
        (("is", "2025-13-01"), "不是存在的日期"),
        (("is", "2025/09/28"), "格式不正确"),
        (("is",), "请提供日期"),
        (("between", "--from", "2025-09-25", "--to", "2025-02-29"), "“2025-02-29”不是存在的日期"),
        (("set", "2025-02-30", "--kind", "holiday", "--name", "春节", "--source", NOTICE_2027), "不是存在的日期"),
        (("set", "2027-01-01", "--kind", "festival", "--name", "元旦", "--source", NOTICE_2027), "“festival”无效"),
        (("set", "2027-01-01", "--name", "元旦", "--source", NOTICE_2027), "请用 --kind"),
        (("set", "2027-01-01", "--kind", "holiday", "--source", NOTICE_2027), "请用 --name"),
        (("set", "2027-01-01", "--kind", "holiday", "--name", "元旦", "--source", "  "), "请用 --source"),
        (("unset", "2027-02-29"), "不是存在的日期"),
        (("list", "--year", "abc"), "不是整数"),
        ((), "请指定操作"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)) as excinfo:
        run(*args)
    assert CHINESE.search(str(excinfo.value))
    assert excinfo.value.returncode == 1
    assert not CalendarOverride.objects.exists()
    assert not AuditRecord.objects.exists()


def test_from_the_command_line_an_impossible_date_exits_1_with_a_chinese_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No database marker: the date is refused before the database is touched.
    with pytest.raises(SystemExit) as excinfo:
        Command().run_from_argv(["gongkai", "workdays", "is", "2025-02-30"])
    assert excinfo.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "“2025-02-30”不是存在的日期" in captured.err
