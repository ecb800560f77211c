"""`gongkai requests`: the request desk's tools for staff.

    gongkai requests deadline --received 2025-09-25                     → 2025-10-29
    gongkai requests deadline --received 2025-09-25 --correction-received 2025-10-09
    gongkai requests deadline --received 2025-09-25 --pause 2025-10-13:2025-10-17 --pause ...
    gongkai requests deadline --received 2025-09-25 --extend 20
    gongkai requests deadline --received 2025-09-25 --custom-period 40   (条例第三十五条)
    gongkai requests export --org 12 --format xlsx|csv [--output FILE]   (台账; stdout by default)
    gongkai requests import FILE --org 12                                (台账 .xlsx or .csv)
    gongkai requests remind [--today YYYY-MM-DD]     (lapse unpaid fee notices, send deadline reminders)
    gongkai requests schedule                        (queue the daily run for the task worker)

Prints the due date (ISO), followed by " provisional" when a year without a known official
holiday schedule was involved. With -v 2 the steps, each citing its article, go to stderr.
A pause FROM:TO stops the clock from FROM to TO, both included; `deadline` writes nothing.
Import checks every row first: any error and nothing is imported, the errors (row and column)
are listed. Bad input ends with a Chinese message and exit status 1.
"""

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core import workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation
from gongkai.requests import fee_services, ledger, reminders, tasks
from gongkai.requests.deadlines import DeadlineError, Pause, compute_deadline

ACTIONS = ("deadline", "export", "import", "remind", "schedule")
_DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
#: Upper bound for an Art. 35 period on the command line (about four years of working days).
MAX_CUSTOM_PERIOD = 1000


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


def _int(value: str, label: str) -> int:
    value = value.strip()
    if not _INTEGER.fullmatch(value):
        raise CommandError(f"{label}“{value}”不是整数。")
    return int(value)


def _pause(value: str) -> Pause:
    parts = value.split(":")
    if len(parts) != 2:
        raise CommandError(f"暂停期间（--pause）“{value}”格式不正确，应为 起始日:结束日，例如 2025-10-13:2025-10-17。")
    start = _date(parts[0], "暂停起始日（--pause）")
    end = _date(parts[1], "暂停结束日（--pause）")
    if start > end:
        raise CommandError(f"暂停期间（--pause）“{value}”的起始日晚于结束日，请按 起始日:结束日 填写。")
    return Pause(start, end)


class Command(BaseCommand):
    help = "依申请公开：计算答复期限（条例第三十条、第三十二条至第三十五条）。"

    def add_arguments(self, parser: CommandParser) -> None:
        # Options are optional for argparse and checked in handle(), so that a missing or
        # malformed value gets a Chinese message rather than argparse's English one.
        sub = parser.add_subparsers(dest="action", title="操作", metavar="{" + ",".join(ACTIONS) + "}")
        deadline = sub.add_parser("deadline", help="计算答复期限（收到申请之日为第 0 日，不计入）")
        deadline.add_argument("--received", metavar="YYYY-MM-DD", help="收到申请之日（必填）")
        deadline.add_argument(
            "--correction-received", metavar="YYYY-MM-DD", help="收到补正申请之日（条例第三十条，期限重新计算）"
        )
        deadline.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="FROM:TO",
            help="征求第三方或其他机关意见的期间，首尾两日均不计入（条例第三十二条、第三十四条），可重复",
        )
        deadline.add_argument(
            "--extend", action="append", default=[], metavar="N", help="延长的工作日数，1至20（条例第三十三条第二款）"
        )
        deadline.add_argument(
            "--custom-period", metavar="N", help="依条例第三十五条确定的合理期限（工作日数，长于20），代替20个工作日"
        )

        export = sub.add_parser("export", help="导出依申请公开台账")
        export.add_argument("--org", metavar="ID", help="机构编号（必填）")
        export.add_argument("--format", dest="fmt", choices=("xlsx", "csv"), default="xlsx", help="文件格式")
        export.add_argument("--output", metavar="FILE", help="输出文件；省略时写到标准输出")
        imp = sub.add_parser("import", help="导入依申请公开台账（.xlsx 或 .csv；申请编号相同的记录更新）")
        imp.add_argument("file", metavar="FILE", help="台账文件")
        imp.add_argument("--org", metavar="ID", help="机构编号（必填）")
        remind = sub.add_parser("remind", help="处理逾期未缴费的收费通知，发送答复期限提醒（每天运行一次）")
        remind.add_argument("--today", metavar="YYYY-MM-DD", help="按指定日期处理（默认今天）")
        sub.add_parser("schedule", help="为后台任务进程排定每日提醒（已排定时不重复）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action not in ACTIONS:
            raise CommandError(
                f"请指定操作：{'、'.join(ACTIONS)}。例如：gongkai requests deadline --received 2025-09-25"
            )
        getattr(self, f"_handle_{action}")(options)

    def _organisation(self, value: str | None) -> Organisation:
        if value is None or not value.strip():
            raise CommandError("请用 --org 指定机构编号。")
        org = Organisation.objects.filter(pk=_int(value, "机构编号（--org）")).first()
        if org is None:
            raise CommandError(f"机构编号“{value}”不存在。")
        return org

    def _handle_export(self, options: dict[str, Any]) -> None:
        org = self._organisation(options["org"])
        data = ledger.export_file(org, options["fmt"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"已导出 {len(ledger.ledger_rows(org))} 条记录到 {options['output']}。")
        elif options["fmt"] == "csv":
            self.stdout.write(data.decode("utf-8-sig"), ending="")
        else:
            sys.stdout.buffer.write(data)

    def _handle_import(self, options: dict[str, Any]) -> None:
        org = self._organisation(options["org"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”。")
        try:
            table = ledger.read_table(path)
            result = ledger.ledger_import(actor=None, organisation=org, table=table, today=timezone.localdate())
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        except (OSError, ValueError, KeyError) as exc:  # unreadable or corrupt file
            raise CommandError(f"无法读取文件“{path}”：{exc}") from exc
        self.stdout.write(f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，未变 {result.unchanged} 条。")

    def _handle_remind(self, options: dict[str, Any]) -> None:
        today = _date(options["today"], "日期（--today）") if options.get("today") else timezone.localdate()
        lapsed = fee_services.fee_notices_lapse(today=today)
        sent = reminders.request_reminders_send(today=today)
        self.stdout.write(f"{today.isoformat()}：逾期未缴费视为放弃 {lapsed} 件，发送期限提醒 {sent} 条。")

    def _handle_schedule(self, options: dict[str, Any]) -> None:
        when = tasks.schedule_daily()
        if when is None:
            self.stdout.write("每日提醒已在队列中（或任务后端不支持定时）；未重复排定。")
        else:
            self.stdout.write(f"已排定每日提醒：{timezone.localtime(when):%Y-%m-%d %H:%M}。")

    def _handle_deadline(self, options: dict[str, Any]) -> None:
        received = _date(options["received"], "收到申请之日（--received）")
        correction = options["correction_received"]
        correction_received = None
        if correction is not None:
            correction_received = _date(correction, "收到补正申请之日（--correction-received）")
        pauses = [_pause(value) for value in options["pause"]]
        if len(options["extend"]) > 1:
            raise CommandError("答复期限只能延长一次（条例第三十三条第二款），请只给出一个 --extend。")
        extensions = [_int(value, "延长天数（--extend）") for value in options["extend"]]
        custom_period = None
        if options["custom_period"] is not None:
            custom_period = _int(options["custom_period"], "合理期限（--custom-period）")
            if custom_period > MAX_CUSTOM_PERIOD:
                raise CommandError(
                    f"合理期限（--custom-period）不能超过 {MAX_CUSTOM_PERIOD} 个工作日（收到 {custom_period}）。"
                )
        try:
            result = compute_deadline(
                workdays.calendar(),
                received=received,
                correction_received=correction_received,
                pauses=pauses,
                extensions=extensions,
                custom_period=custom_period,
                # No `today`: the command is a calculator, and offices plan ahead ("if it
                # arrives on 2027-03-01 …"); registering a request refuses future dates.
            )
        except DeadlineError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.due.isoformat()}{' provisional' if result.provisional else ''}")
        if options.get("verbosity", 1) >= 2:
            for step in result.steps:
                self.stderr.write(step.text)
