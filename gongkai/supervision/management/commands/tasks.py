"""`gongkai tasks …`: the year's key tasks (重点工作任务) from the command line.

  import FILE --year 2022 [--plan-title T] [--issuer ORG] [--dry-run] [--json] …
  list [--plan ID [--status S] [--json]]
  export --plan ID -o FILE.xlsx
  remind
  schedule
  lookback --plan ID [--carry]
  scores --plan ID [-o FILE.xlsx]

`schedule` queues the daily reminders for the task worker (`gongkai db_worker`) unless a run
is already waiting; each run queues the next morning's.

`--today YYYY-MM-DD` computes statuses as of another day. With `--json`, stdout carries only
the JSON lines; messages go to stderr.
"""

import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.core.management.commands.orgs import find_organisation
from gongkai.core.models import Organisation

from ... import excel, selectors, services, tasks
from ...annex import AnnexError, ParsedAnnex, parse_file
from ...models import TaskPlan
from ...status import UnitStatus


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"日期“{value}”应写成 YYYY-MM-DD。") from exc


def _year(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ArgumentTypeError(f"年度“{value}”不正确，应为四位数字，如 2022。")
    return int(value)


class Command(BaseCommand):
    help = "重点工作督办：导入责任分工表、查看完成情况、导出、提醒、回头看、考核得分"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        imp = sub.add_parser("import", help="导入责任分工表（文本、.xlsx 或 .docx）")
        imp.add_argument("file", type=Path, help="文件：政策文件全文（附件后的表格）、.xlsx 或 .docx")
        imp.add_argument("--year", type=_year, required=True, help="计划年度，如 2022")
        imp.add_argument("--plan-title", default="", help="计划名称（默认取表格标题）")
        imp.add_argument("--issuer", default="", help="印发机关（编号或名称；默认为市政府办公室）")
        imp.add_argument("--starts-on", type=_date, help="印发日期，按月和持续任务从此日起算（默认1月1日）")
        imp.add_argument("--doc-number", default="", help="文号，如 达市府办发〔2022〕37号")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        imp.add_argument("--json", action="store_true", help="每行输出一项任务的 JSON")
        imp.add_argument(
            "--keep-unresolved",
            action="store_true",
            help="找不到机构的单位、无法识别的时限保留原文并标记待确认，而不是拒绝导入",
        )
        imp.add_argument("--replace", action="store_true", help="重新导入同名计划（尚无报送时）")

        ls = sub.add_parser("list", help="列出计划；指定 --plan 时列出各单位的完成情况")
        ls.add_argument("--plan", type=int)
        ls.add_argument("--status", choices=UnitStatus.values)
        ls.add_argument("--json", action="store_true")
        ls.add_argument("--today", type=_date)

        ex = sub.add_parser("export", help="按原表格式导出 Excel（增加完成情况列）")
        ex.add_argument("--plan", type=int, required=True)
        ex.add_argument("-o", "--output", type=Path, required=True)
        ex.add_argument("--today", type=_date)

        rm = sub.add_parser("remind", help="发送到期、逾期和每月报送提醒（可每天运行）")
        rm.add_argument("--today", type=_date)

        sub.add_parser("schedule", help="安排任务进程每天发送提醒（已安排则不重复）")

        lb = sub.add_parser("lookback", help="回头看：列出年底未完成的任务，--carry 结转到下一年度")
        lb.add_argument("--plan", type=int, required=True)
        lb.add_argument("--carry", action="store_true")
        lb.add_argument("--today", type=_date)

        sc = sub.add_parser("scores", help="各责任单位的考核得分")
        sc.add_argument("--plan", type=int, required=True)
        sc.add_argument("-o", "--output", type=Path)
        sc.add_argument("--today", type=_date)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        today = options.get("today") or timezone.localdate()
        if action == "import":
            self.do_import(options)
        elif action == "list":
            self.do_list(options, today)
        elif action == "export":
            board = selectors.plan_board(self.plan(options), today=today)
            options["output"].write_bytes(excel.plan_workbook(board))
            self.stdout.write(f"已导出 {len(board.tasks)} 项任务到 {options['output']}。")
        elif action == "remind":
            outcome = services.reminders_send(today=today)
            self.stdout.write(f"已发送 {outcome.sent} 条提醒（{outcome.units} 个任务单位）。")
        elif action == "schedule":
            self.do_schedule()
        elif action == "lookback":
            self.do_lookback(options, today)
        elif action == "scores":
            plan = self.plan(options)
            rows = selectors.plan_scores(plan, today=today)
            for rank, row in enumerate(rows, 1):
                s = row.score
                self.stdout.write(
                    f"{rank:>3}  {row.label:<16} 得分 {s.score:>6}  完成 {s.done}/{s.tasks}  逾期 {s.overdue}"
                    f"  逾期完成 {s.late}  退回 {s.returned}"
                )
            if options.get("output"):
                options["output"].write_bytes(excel.scores_workbook(plan.title, rows, as_of=today.isoformat()))
                self.stdout.write(f"已导出到 {options['output']}。")

    def plan(self, options: dict[str, Any]) -> TaskPlan:
        try:
            return selectors.plan_any(options["plan"])
        except TaskPlan.DoesNotExist as exc:
            raise CommandError(f"{exc} 用 gongkai tasks list 查看全部计划。") from exc

    # --- import -----------------------------------------------------------------------

    def do_import(self, options: dict[str, Any]) -> None:
        issuer: Organisation | None = (
            find_organisation(options["issuer"]) if options["issuer"] else selectors.default_issuer()
        )
        if issuer is None and not options["dry_run"]:
            raise CommandError("找不到印发机关：请用 --issuer 指定，如 --issuer 达州市人民政府办公室。")
        path: Path = options["file"]
        try:
            parsed = parse_file(
                path,
                year=options["year"],
                directory=selectors.unit_directory(issuer),
                keep_unresolved=options["keep_unresolved"],
            )
        except AnnexError as exc:
            raise CommandError(str(exc)) from exc

        out = self.stderr if options["json"] else self.stdout
        if options["json"]:
            for task in parsed.tasks:
                self.stdout.write(json.dumps(task.as_json(), ensure_ascii=False))
        self.report(parsed, out)
        if parsed.errors:
            raise CommandError(
                f"导入未执行：共 {len(parsed.errors)} 处错误（见上），请修改表格后重新导入。未写入任何数据。"
            )
        title = (options["plan_title"] or parsed.title or f"{options['year']}年政务公开重点工作任务").strip()
        if options["dry_run"]:
            if issuer is not None and selectors.plan_exists(issuer=issuer, year=options["year"], title=title):
                out.write(f"注意：“{title}”已导入过，正式导入时需加 --replace。")
            out.write("试运行（--dry-run）：未写入任何数据。")
            return
        assert issuer is not None  # noqa: S101 (checked above for a real import)
        try:
            plan = services.plan_import(
                actor=None,
                parsed=parsed,
                issuer=issuer,
                year=options["year"],
                title=title,
                starts_on=options["starts_on"],
                doc_number=options["doc_number"],
                source_name=path.name,
                replace=options["replace"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        out.write(f"已导入“{plan.title}”（计划编号 {plan.pk}，印发机关 {issuer.name}）。")

    def report(self, parsed: ParsedAnnex, out: OutputWrapper) -> None:
        for problem in parsed.problems:
            out.write(("错误  " if problem.blocking else "提示  ") + str(problem))
        units = sum(len(t.units) for t in parsed.tasks)
        flagged = sum(1 for t in parsed.tasks for u in t.units if u.flagged)
        groups = len({t.group_no for t in parsed.tasks})
        out.write(
            f"“{parsed.title or '（无标题）'}”：{groups} 组，{len(parsed.tasks)} 项任务，"
            f"{units} 个任务单位（其中待确认 {flagged} 个）；"
            f"错误 {len(parsed.errors)} 处，提示 {len(parsed.warnings)} 处。"
        )

    def do_schedule(self) -> None:
        when = tasks.schedule_daily_reminders()
        if when is None:
            self.stderr.write(
                "每日提醒已在任务队列中（或当前任务后端不支持定时任务，请每天运行 gongkai tasks remind）。"
            )
        else:
            self.stderr.write(
                f"已安排每日提醒：{timezone.localtime(when):%Y-%m-%d %H:%M} 起，每天 {tasks.REMIND_AT:%H:%M}。"
            )

    # --- list and look-back -----------------------------------------------------------

    def do_list(self, options: dict[str, Any], today: dt.date) -> None:
        if not options.get("plan"):
            for plan in TaskPlan.objects.select_related("issuer").order_by("-year", "id"):
                tasks = plan.tasks.count()
                self.stdout.write(f"{plan.pk:>5}  {plan.year}  {plan.title}  [{plan.issuer.name}，{tasks} 项任务]")
            return
        board = selectors.plan_board(self.plan(options), today=today, status=options.get("status") or "")
        for row in board.rows:
            if options["json"]:
                data = {
                    "seq": row.task.seq,
                    "unit": row.unit.name,
                    "org_id": row.unit.organisation_id,
                    "status": str(row.status),
                    "reason": row.result.reason,
                    "percent": row.result.percent,
                }
                self.stdout.write(json.dumps(data, ensure_ascii=False))
            else:
                label = UnitStatus(row.status).label
                self.stdout.write(f"{row.task.seq:>3}  {row.unit.name:<16} {label}  {row.result.reason}")

    def do_lookback(self, options: dict[str, Any], today: dt.date) -> None:
        plan = self.plan(options)
        entries = selectors.lookback(plan, as_of=today)
        for entry in entries:
            names = "、".join(r.unit.name for r in entry.rows)
            mark = "（已结转）" if entry.carried else ""
            self.stdout.write(f"{entry.task.seq:>3}  {entry.task.text[:30]}…  未完成：{names}{mark}")
        self.stdout.write(f"未完成的任务 {len(entries)} 项。")
        if options["carry"]:
            try:
                result = services.plan_carry_over(actor=None, plan=plan, as_of=today)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"已结转 {result.tasks} 项任务、{result.units} 个任务单位"
                f"到“{result.plan.title}”（计划编号 {result.plan.pk}）。"
            )
