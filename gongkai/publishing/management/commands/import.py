"""`gongkai import documents FILE.jsonl[.gz] --org ID --column SLUG [--limit N]`: import
published documents in the corpus format (../shared/data/README.md) into a catalog column.
Resumable: run the same command again after an interruption."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from gongkai.core.errors import DomainError
from gongkai.core.management.commands.orgs import find_organisation
from gongkai.core.models import Organisation
from gongkai.publishing import importing
from gongkai.publishing.models import CatalogColumn


class _Raw:
    """tqdm writes carriage returns; Django's OutputWrapper would add a newline to each."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=lambda x: x, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


def find_column(organisation: Organisation, slug: str) -> CatalogColumn:
    column = CatalogColumn.objects.filter(organisation=organisation, slug=slug).first()
    if column is not None:
        return column
    slugs = list(CatalogColumn.objects.filter(organisation=organisation).values_list("slug", flat=True))
    available = "、".join(slugs) if slugs else "（该机构还没有目录栏目）"
    raise CommandError(f"{organisation.name}没有标识为“{slug}”的栏目。可用的栏目标识：{available}")


class Command(BaseCommand):
    help = "导入：把已发布的文件（JSON Lines，可为 .gz）导入某机构的目录栏目，可中断后续传"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        documents = sub.add_parser("documents", help="导入文件库格式的已发布文件（见 shared/data/README.md）")
        documents.add_argument("file", help="JSON Lines 文件，每行一条记录（.jsonl 或 .jsonl.gz）")
        documents.add_argument("--org", required=True, help="发布机构编号或名称")
        documents.add_argument("--column", required=True, help="栏目标识（slug）")
        documents.add_argument("--limit", type=int, help="只处理文件的前 N 条记录")
        documents.add_argument(
            "--batch-size", type=int, default=importing.DEFAULT_BATCH_SIZE, help="每批写入的条数（每批一个事务）"
        )
        documents.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "documents":
            self.import_documents(options)

    def import_documents(self, options: dict[str, Any]) -> None:
        organisation = find_organisation(str(options["org"]))
        column = find_column(organisation, options["column"])
        limit: int | None = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit 应为正整数。")
        path = Path(options["file"])
        try:
            total = importing.scan_corpus(path, limit=limit)
            run = importing.DocumentImport(
                actor=None,
                organisation=organisation,
                column=column,
                source=str(path.resolve()),
                batch_size=options["batch_size"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(
            total=total,
            unit="篇",
            desc="导入",
            file=_Raw(self.stderr),
            disable=options["no_progress"],
            dynamic_ncols=sys.stderr.isatty(),
        )
        try:
            with bar:
                result = run.execute(importing.read_corpus(path, limit=limit), progress=bar.update)
        except KeyboardInterrupt:
            raise CommandError(
                f"导入已中断：本次已写入 {run.result.imported} 条。重新运行同一命令即可从中断处继续。"
            ) from None
        except DomainError as exc:
            raise CommandError(f"{exc} 本次已写入 {run.result.imported} 条，修正后重新运行即可继续。") from exc
        self.report(result, column)

    def report(self, result: importing.ImportResult, column: CatalogColumn) -> None:
        self.stdout.write(
            f"导入完成（{column}）：读取 {result.read} 条，新增 {result.imported} 条，"
            f"跳过已有 {result.skipped} 条；用时 {result.seconds:.1f} 秒，每秒 {result.per_second:.0f} 篇。"
        )
        self.stdout.write(
            f"索引号：沿用原索引号 {result.index_numbers_kept} 条，新编 {result.index_numbers_assigned} 条。"
        )
        if result.invalid_doc_numbers:
            shown = "、".join(result.invalid_doc_numbers[: importing.LISTED])
            more = " 等" if len(result.invalid_doc_numbers) > importing.LISTED else ""
            self.stdout.write(f"文号无法识别 {len(result.invalid_doc_numbers)} 条（已导入，未填文号）：{shown}{more}")
        if result.subjects_created:
            names = "、".join(f"“{name}”" for name in result.subjects_created)
            self.stdout.write(f"新建主题分类 {len(result.subjects_created)} 个：{names}")
        if result.rejected:
            self.stdout.write(f"正文不安全未导入 {len(result.rejected)} 条：")
            for external_id, reason in list(result.rejected.items())[: importing.LISTED]:
                self.stdout.write(f"  {external_id}：{reason}")
