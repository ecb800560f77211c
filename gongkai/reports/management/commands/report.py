"""`gongkai report`: the statutory annual report (条例第四十九条、第五十条) from the data.

    gongkai report annual --org 12 --year 2025 --format json|docx|xlsx|html [--output FILE]
    gongkai report annual --org 1 --year 2025 --with-departments --format json
    gongkai report figures FILE.csv          (Table II figures entered by bodies; see below)

`annual` computes Tables II–IV and the reconciliation checks (2019 format for 2019–2020,
2021 format from 2021) and prints JSON or HTML to stdout, or writes any format to --output
(.docx and .xlsx need --output, or go to stdout as bytes when piped). A year or body without
data gives a valid all-zero report. A future year, or one before 2019, ends with a Chinese
message and exit status 1. When a reconciliation check fails the report is still written
(offices need it to find the error, and the JSON lists every check), each failing check is
printed on stderr naming its cell and rule, and the command ends with exit status 1: the
report is refused for publication until the data are corrected.

`figures` imports a CSV with the header 机构编号,年度,行政许可处理决定数,行政处罚处理决定数,
行政强制处理决定数,行政事业性收费金额（万元）,政府集中采购项目数,政府集中采购金额（万元）:
every row is checked first, any error and nothing is imported.
"""

import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation
from gongkai.reports import selectors, services
from gongkai.reports.annual import render

ACTIONS = ("annual", "figures")
FORMATS = ("json", "html", "docx", "xlsx")
_INTEGER = re.compile(r"[0-9]+")


def _int(value: str | None, label: str) -> int:
    if value is None or not value.strip():
        raise CommandError(f"请用 {label} 指定。")
    value = value.strip()
    if not _INTEGER.fullmatch(value):
        raise CommandError(f"{label}“{value}”不是正整数。")
    return int(value)


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：生成报告（json、html、docx、xlsx）、导入自填数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", title="操作", metavar="{" + ",".join(ACTIONS) + "}")
        annual = sub.add_parser("annual", help="生成某机构某年度的政府信息公开工作年度报告")
        annual.add_argument("--org", metavar="ID", help="机构编号（必填）")
        annual.add_argument("--year", metavar="YYYY", help="报告年度（必填）")
        annual.add_argument(
            "--format", dest="fmt", default="json", help="输出格式：json、html、docx、xlsx（默认 json）"
        )
        annual.add_argument("--output", metavar="FILE", help="输出文件；省略时 json、html 写到标准输出")
        annual.add_argument(
            "--with-departments", action="store_true", help="汇总本机构及其所属部门、下级机构的数据（政府汇总报告）"
        )
        figures = sub.add_parser("figures", help="导入表二自填数据（CSV：行政许可、处罚、强制决定数和收费金额）")
        figures.add_argument("file", metavar="FILE", help="CSV 文件（UTF-8 或 GBK）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action not in ACTIONS:
            raise CommandError(f"请指定操作：{'、'.join(ACTIONS)}。例如：gongkai report annual --org 1 --year 2025")
        getattr(self, f"_handle_{action}")(options)

    def _handle_annual(self, options: dict[str, Any]) -> None:
        org_id = _int(options["org"], "机构编号（--org）")
        year = _int(options["year"], "报告年度（--year）")
        fmt = (options["fmt"] or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(f"不支持的输出格式“{options['fmt']}”，可选：{'、'.join(FORMATS)}。")
        org = Organisation.objects.filter(pk=org_id).first()
        if org is None:
            raise CommandError(f"机构编号“{org_id}”不存在。")
        try:
            view = selectors.report_view(
                org, year, with_departments=options["with_departments"], today=timezone.localdate()
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        title = render.report_title(org.name, year)
        if fmt == "json":
            data = (render.to_json(view.figures) + "\n").encode()
        elif fmt == "html":
            data = render.to_html(view.figures, view.texts, view.fmt, title=title).encode()
        elif fmt == "docx":
            data = render.to_docx(view.figures, view.texts, view.fmt, title=title)
        else:
            data = render.to_xlsx(view.figures, view.fmt, title=title)
        for check in view.failing:
            self.stderr.write(f"核对未通过：{check['message']}（规则：{check['rule']}）")
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"已生成 {title}（{fmt}）：{options['output']}")
        elif fmt in ("json", "html"):
            self.stdout.write(data.decode(), ending="")
        elif sys.stdout.isatty():
            raise CommandError(f"{fmt} 是二进制文件，请用 --output 指定输出文件。")
        else:
            self.stdout.flush()
            sys.stdout.buffer.write(data)
        if view.failing:
            cells = "、".join(dict.fromkeys(check["cell"] for check in view.failing))
            raise CommandError(f"{title}未通过核对（{len(view.failing)}项），不能发布：{cells}。请更正台账后重新生成。")

    def _handle_figures(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”。")
        try:
            table = services.read_figures_csv(path.read_bytes())
            result = services.annual_figures_import(actor=None, table=table, today=timezone.localdate())
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"导入完成：新增 {result.created} 条，更新 {result.updated} 条。")
