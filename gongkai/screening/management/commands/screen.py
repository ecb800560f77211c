"""`gongkai screen FILE... [--org ORG]`: one JSON object per finding on standard output,
{"file", "kind", "value_masked", "location", "severity", "rule"}; exit status 1 when
any finding blocks publication (personal data, a secret marking, a blocking wording
rule, or a file that cannot be screened), 0 otherwise. Values are always masked."""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from gongkai.core.management.commands.orgs import find_organisation
from gongkai.screening import selectors
from gongkai.screening.detectors import ScreenContext, is_blocking
from gongkai.screening.extract import screen_document


class Command(BaseCommand):
    help = "发布前审查：检查文件中的个人信息、密级标志和表述错误，每条发现输出一行 JSON"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="要审查的文件（pdf、docx、xlsx、html、txt、csv）")
        parser.add_argument("--org", help="发布机构（编号或名称）：其公开的办公电话、地址、邮箱不视为个人信息")

    def handle(self, *args: Any, **options: Any) -> None:
        context = self._context(options.get("org"))
        blocking = False
        total = 0
        for name in options["files"]:
            findings = screen_document(Path(name).name, name, context)
            for finding in findings:
                self.stdout.write(json.dumps(finding.as_json(name), ensure_ascii=False))
            total += len(findings)
            blocking = blocking or is_blocking(findings)
        self.stderr.write(
            f"审查 {len(options['files'])} 个文件，发现 {total} 处"
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
