"""`gongkai workdays`: count working days, ask what a day is, keep the holiday overrides.

    gongkai workdays add --from 2025-09-25 --days 20     → 2025-10-29
    gongkai workdays is 2025-09-28                       → workday | weekend | holiday
    gongkai workdays between --from 2025-09-25 --to 2025-10-29  → 20
    gongkai workdays set 2027-02-06 --kind holiday --name 春节 --source "国务院办公厅关于…的通知"
    gongkai workdays unset 2027-02-06
    gongkai workdays list [--year 2027]

Computed answers are followed by " provisional" when a year without a known official
schedule was involved (see core.workdays). All input is checked here, before anything is
read or written; bad input ends with a Chinese message and exit status 1.
"""

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import services, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import CalendarOverride, DayKind

ACTIONS = ("add", "is", "between", "set", "unset", "list")
_DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: str | None, label: str) -> dt.date:
    if value is None or not value.strip():
        raise CommandError(f"请提供{label}，格式为 YYYY-MM-DD，例如 2025-09-25。")
    value = value.strip()
    if not _DATE_FORMAT.fullmatch(value):
        raise CommandError(f"{label}“{value}”格式不正确，应为 YYYY-MM-DD，例如 2025-09-25。")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{label}“{value}”不是存在的日期，请检查年、月、日。") from None


def _int(value: str | None, label: str, *, minimum: int, maximum: int) -> int:
    if value is None or not value.strip():
        raise CommandError(f"请提供{label}。")
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"{label}“{value}”不是整数。") from None
    if number < minimum:
        raise CommandError(f"{label}不能小于 {minimum}（收到 {number}）。")
    if number > maximum:
        raise CommandError(f"{label}不能大于 {maximum}（收到 {number}）。")
    return number


def _flag(provisional: bool) -> str:
    return " provisional" if provisional else ""


class Command(BaseCommand):
    help = "工作日历：按工作日计算期限、查询某日是否工作日、维护节假日调整（调休）。"

    def add_arguments(self, parser: CommandParser) -> None:
        # Options are optional for argparse and checked in handle(), so that a missing or
        # malformed value gets a Chinese message rather than argparse's English one.
        sub = parser.add_subparsers(dest="action", title="操作", metavar="{" + ",".join(ACTIONS) + "}")

        add = sub.add_parser("add", help="从某日起数 N 个工作日（当日为第 0 日，不计入）")
        add.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="起算日（必填），如收到申请之日")
        add.add_argument("--days", metavar="N", help="工作日天数（必填，非负整数）")

        is_ = sub.add_parser("is", help="某日是 workday（工作日）、weekend（周末）还是 holiday（节假日）")
        is_.add_argument("day", nargs="?", metavar="YYYY-MM-DD")

        between = sub.add_parser("between", help="两日之间的工作日数（不含起始日，含结束日）")
        between.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="起始日（必填）")
        between.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="结束日（必填）")

        set_ = sub.add_parser("set", help="登记节假日或调休工作日（以国务院办公厅通知为准）")
        set_.add_argument("day", nargs="?", metavar="YYYY-MM-DD")
        set_.add_argument("--kind", help="holiday（节假日）或 workday（调休工作日），必填")
        set_.add_argument("--name", help="节日名称，如 春节（必填）")
        set_.add_argument("--source", help="依据文件，如 国务院办公厅关于2027年部分节假日安排的通知（必填）")

        unset = sub.add_parser("unset", help="删除某日的节假日调整")
        unset.add_argument("day", nargs="?", metavar="YYYY-MM-DD")

        list_ = sub.add_parser("list", help="列出节假日调整")
        list_.add_argument("--year", help="只列出该年")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action not in ACTIONS:
            raise CommandError(
                f"请指定操作：{'、'.join(ACTIONS)}。例如：gongkai workdays add --from 2025-09-25 --days 20"
            )
        getattr(self, f"_handle_{action}")(options)

    def _handle_add(self, options: dict[str, Any]) -> None:
        start = _date(options["start"], "起算日（--from）")
        days = _int(options["days"], "工作日天数（--days）", minimum=0, maximum=100_000)
        try:
            result = workdays.calendar().add_workdays(start, days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.date.isoformat()}{_flag(result.provisional)}")

    def _handle_is(self, options: dict[str, Any]) -> None:
        day = _date(options["day"], "日期")
        status = workdays.calendar().day_kind(day)
        self.stdout.write(f"{status.kind}{_flag(status.provisional)}")

    def _handle_between(self, options: dict[str, Any]) -> None:
        start = _date(options["start"], "起始日（--from）")
        end = _date(options["end"], "结束日（--to）")
        result = workdays.calendar().workdays_between(start, end)
        self.stdout.write(f"{result.count}{_flag(result.provisional)}")

    def _handle_set(self, options: dict[str, Any]) -> None:
        day = _date(options["day"], "日期")
        kind = (options["kind"] or "").strip()
        if kind not in DayKind.values:
            raise CommandError(
                f"日期类型（--kind）“{kind}”无效，可选：holiday（节假日）、workday（调休工作日）。"
                if kind
                else "请用 --kind 指定日期类型：holiday（节假日）或 workday（调休工作日）。"
            )
        name = (options["name"] or "").strip()
        source = (options["source"] or "").strip()
        if not name:
            raise CommandError("请用 --name 填写节日名称，如 春节。")
        if not source:
            raise CommandError("请用 --source 填写依据文件，如 国务院办公厅关于2027年部分节假日安排的通知。")
        try:
            override = services.calendar_override_set(actor=None, day=day, kind=kind, name=name, source_notice=source)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已登记：{override.date.isoformat()} {DayKind(override.kind).label} "
            f"{override.name}（依据：{override.source_notice}）"
        )

    def _handle_unset(self, options: dict[str, Any]) -> None:
        day = _date(options["day"], "日期")
        override = CalendarOverride.objects.filter(date=day).first()
        if override is None:
            raise CommandError(f"{day.isoformat()} 没有节假日调整记录，无需删除。")
        try:
            services.calendar_override_delete(actor=None, override=override)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已删除：{day.isoformat()} {DayKind(override.kind).label} {override.name}")

    def _handle_list(self, options: dict[str, Any]) -> None:
        overrides = CalendarOverride.objects.order_by("date")
        year = None
        if options["year"] is not None:
            year = _int(options["year"], "年份（--year）", minimum=1, maximum=9999)
            overrides = overrides.filter(date__year=year)
        rows = [f"{o.date.isoformat()}\t{o.kind}\t{o.name}\t{o.source_notice}" for o in overrides]
        if not rows:
            self.stderr.write(f"{year}年没有节假日调整记录。" if year else "没有节假日调整记录。")
        for row in rows:
            self.stdout.write(row)
