"""`gongkai screen FILE... [--org ORG]`: one JSON object per finding on standard output,
{"file", "kind", "value_masked", "location", "severity", "rule"}; exit status 1 when
any finding blocks publication (personal data, a secret marking, a blocking wording
rule, or a file that cannot be screened), 0 otherwise. Values are always masked.

`gongkai screen sweep [--org ORG] [--since DATE] [--if-due] [--restart]`: the site-wide
sweep (个人信息泄露排查) over every published item and its attachments; incremental
(unchanged content is not screened again) and resumable (an interrupted sweep of the
same scope continues where it stopped). Progress on standard error, the open findings
per body on standard output; exit status 0 (the findings are in the workspace,
/staff/screening/). `--if-due`: only when the last full sweep is a week old or more.

`gongkai screen schedule`: make sure the weekly sweep is queued for the task worker.

(A file literally named "sweep" or "schedule" is screened as ./sweep.)
"""

import json
import sys
import time
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from gongkai.core.management.commands.orgs import find_organisation
from gongkai.screening import selectors, services, tasks
from gongkai.screening.detectors import ScreenContext, is_blocking
from gongkai.screening.extract import screen_document

SUBCOMMANDS = ("sweep", "schedule")


class Command(BaseCommand):
    help = "发布前审查：检查文件中的个人信息、密级标志和表述错误，每条发现输出一行 JSON；sweep：全站个人信息泄露排查"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="要审查的文件（pdf、docx、xlsx、html、txt、csv）；或 sweep（全站排查）、schedule（安排每周排查）",
        )
        parser.add_argument(
            "--org", help="发布机构（编号或名称）：其公开的办公电话、地址、邮箱不视为个人信息；排查时限于该机构及下级"
        )
        parser.add_argument(
            "--since", type=date.fromisoformat, metavar="DATE", help="sweep：只排查此日期（含）以后发布的信息"
        )
        parser.add_argument("--if-due", action="store_true", help="sweep：距上次全站排查不足7天则不运行")
        parser.add_argument("--restart", action="store_true", help="sweep：不接续未完成的排查，从头开始")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        if len(files) == 1 and files[0] in SUBCOMMANDS:
            if files[0] == "sweep":
                self._sweep(options)
            else:
                self._schedule()
            return
        self._files(files, options)

    # --- files -------------------------------------------------------------------------

    def _files(self, files: list[str], options: dict[str, Any]) -> None:
        context = self._context(options.get("org"))
        blocking = False
        total = 0
        for name in files:
            findings = screen_document(Path(name).name, name, context)
            for finding in findings:
                self.stdout.write(json.dumps(finding.as_json(name), ensure_ascii=False))
            total += len(findings)
            blocking = blocking or is_blocking(findings)
        self.stderr.write(
            f"审查 {len(files)} 个文件，发现 {total} 处"
            + ("，其中有须处理后方可发布的问题。" if blocking else "，无阻止发布的问题。")
        )
        if blocking:
            sys.stdout.flush()
            raise SystemExit(1)

    def _context(self, org_ref: str | None) -> ScreenContext:
        organisation = find_organisation(org_ref) if org_ref else None
        try:
            return selectors.screen_context(organisation=organisation)
        except DatabaseError:
            # No database yet (or not migrated): screen without the wording rules.
            self.stderr.write("注意：无法读取表述规则（数据库未就绪），本次不检查表述错误。")
            return ScreenContext.build()

    # --- the sweep ---------------------------------------------------------------------

    def _sweep(self, options: dict[str, Any]) -> None:
        organisation = find_organisation(options["org"]) if options.get("org") else None
        since: date | None = options.get("since")
        if options.get("if_due"):
            if organisation is not None or since is not None:
                raise CommandError("--if-due 只用于全站排查，不能与 --org、--since 同用。")
            if not services.sweep_is_due():
                due = timezone.localtime(services.next_sweep_due())
                self.stderr.write(f"上次全站排查未满7天，下次排查时间：{due:%Y-%m-%d %H:%M}。")
                return
        started = time.monotonic()
        last_report = 0.0

        def progress(state: services.SweepProgress) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report < 2 and state.done < state.total:
                return
            last_report = now
            self.stderr.write(
                f"排查进度 {state.done}/{state.total} 条信息，重新审查 {state.items_screened} 条"
                f"（{state.parts_screened} 个正文或附件），新发现 {state.new_findings} 处，用时 {now - started:.0f} 秒"
            )

        sweep = services.sweep_run(
            organisation=organisation, since=since, restart=bool(options.get("restart")), progress=progress
        )
        self.stderr.write(
            f"排查完成：{sweep.items_seen} 条已发布信息，重新审查 {sweep.items_screened} 条，"
            f"新发现 {sweep.new_findings} 处，用时 {time.monotonic() - started:.0f} 秒。"
        )
        rows = selectors.open_findings_per_body(organisation=organisation)
        if not rows:
            self.stdout.write("已发布信息中没有待处理的审查发现。")
        for row in rows:
            self.stdout.write(
                f"{row.organisation_name}\t信息 {row.items} 条\t阻止发布 {row.blocking} 处"
                f"\t已确认 {row.overridden} 处\t提示 {row.warnings} 处"
            )

    def _schedule(self) -> None:
        when = tasks.schedule_weekly_sweep()
        if when is None:
            self.stderr.write("每周排查已在任务队列中（或当前任务后端不支持定时任务）。")
        else:
            self.stderr.write(f"已安排全站排查：{timezone.localtime(when):%Y-%m-%d %H:%M}。")
