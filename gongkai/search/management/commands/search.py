"""`gongkai search`: query the index, rebuild it, measure relevance.

gongkai search "QUERY" [--json] [--limit N] [--site SLUG]   one hit per line
gongkai search query WORDS...                                the same, for a query such as "rebuild"
gongkai search rebuild [--restart] [--workers N]             new index from the database (resumable)
gongkai search eval FILE.jsonl [--json]                      Recall@1/@10, MRR@10, nDCG@10
gongkai search apply                                         apply the outbox now (the worker does it too)
gongkai search status                                        index size, pending outbox rows
"""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gongkai.core.models import Site
from gongkai.core.selectors import site_organisations
from gongkai.search import evaluation, index, outbox, rebuild
from gongkai.search.engine import SearchRequest, search

ACTIONS = {"rebuild", "eval", "apply", "status", "query"}


class Command(BaseCommand):
    help = "全文检索：检索（每行一条结果）、重建索引（可续传）、评测相关性"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("words", nargs="+", help="检索词，或 rebuild / eval FILE / apply / status")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（每行一个对象）")
        parser.add_argument("--limit", type=int, default=10, help="最多显示的结果数（默认 10）")
        parser.add_argument("--site", help="只检索该网站（标识）的信息；默认检索全部网站")
        parser.add_argument("--restart", action="store_true", help="rebuild：放弃未完成的重建，从头开始")
        parser.add_argument("--workers", type=int, default=1, help="rebuild：分词所用的进程数")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["words"]
        action = words[0] if words[0] in ACTIONS else "query_text"
        if action == "rebuild" and len(words) == 1:
            self.rebuild(options)
        elif action == "eval" and len(words) == 2:
            self.evaluate(Path(words[1]), as_json=options["json"])
        elif action == "apply" and len(words) == 1:
            result = outbox.apply_pending()
            self.stdout.write(
                f"已处理待办 {result.rows} 条：写入 {result.indexed} 条，"
                f"移除 {result.removed} 条，延后 {result.deferred} 条。"
            )
        elif action == "status" and len(words) == 1:
            self.status()
        elif action == "query":
            self.query(" ".join(words[1:]), options)
        else:
            self.query(" ".join(words), options)

    def query(self, text: str, options: dict[str, Any]) -> None:
        limit = options["limit"]
        if not 1 <= limit <= 1000:
            raise CommandError("--limit 应为 1 至 1000 之间的整数。")
        scope = None
        if options.get("site"):
            site = Site.objects.filter(slug=options["site"]).select_related("organisation").first()
            if site is None:
                slugs = "、".join(Site.objects.values_list("slug", flat=True)) or "（还没有网站）"
                raise CommandError(f"没有标识为“{options['site']}”的网站。可用的网站标识：{slugs}")
            scope = list(site_organisations(site).values_list("pk", flat=True))
        response = search(SearchRequest(q=text, page_size=min(limit, 50), scope=scope, facets=False, snippets=False))
        hits = ([response.direct] if response.direct is not None else []) + [
            h for h in response.hits if response.direct is None or h.id != response.direct.id
        ]
        page = 2
        while len(hits) < min(limit, response.total) and (page - 1) * 50 < min(limit, 1000):
            more = search(SearchRequest(q=text, page=page, page_size=50, scope=scope, facets=False, snippets=False))
            if not more.hits:
                break
            hits.extend(more.hits)
            page += 1
        for notice in response.notices:
            self.stderr.write(notice)
        for hit in hits[:limit]:
            if options["json"]:
                row = {
                    "id": hit.id,
                    "external_id": hit.external_id,
                    "title": hit.title,
                    "doc_number": hit.doc_number,
                    "score": hit.score,
                }
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                self.stdout.write(f"{hit.id}\t{hit.external_id}\t{hit.title}\t{hit.doc_number}\t{hit.score:.4f}")
        if not hits and not options["json"]:
            self.stderr.write("没有找到结果。")
            for suggestion in response.suggestions:
                self.stderr.write(f"您是不是要找：{suggestion}")

    def rebuild(self, options: dict[str, Any]) -> None:
        state = rebuild.status()
        if state is not None and not options["restart"]:
            self.stderr.write(f"继续上次未完成的重建（已完成 {state['done']} 条）。")
        bar = tqdm(total=0, unit="条", desc="重建索引", file=sys.stderr, disable=options["no_progress"])

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            with bar:
                result = rebuild.rebuild(restart=options["restart"], workers=options["workers"], progress=progress)
        except KeyboardInterrupt:
            raise CommandError("重建已中断。重新运行 gongkai search rebuild 即可从中断处继续。") from None
        self.stdout.write(
            f"重建完成：{result.generation}，共 {result.total} 条，本次写入 {result.indexed} 条"
            f"（续传自 {result.resumed_from} 条），补写期间变化 {result.caught_up} 条，用时 {result.seconds:.1f} 秒。"
        )

    def evaluate(self, path: Path, *, as_json: bool) -> None:
        def each(question: evaluation.Question, ranked: list[str]) -> None:
            if as_json:
                self.stdout.write(
                    json.dumps({"question": question.question, "top10_external_ids": ranked}, ensure_ascii=False)
                )

        try:
            summary = evaluation.evaluate(path, each=each)
        except evaluation.EvalFileError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"问题 {summary['questions']} 个：Recall@1 {summary['recall@1']:.4f}，"
            f"Recall@10 {summary['recall@10']:.4f}，MRR@10 {summary['mrr@10']:.4f}，nDCG@10 {summary['ndcg@10']:.4f}"
        )

    def status(self) -> None:
        info = index.stats()
        state = rebuild.status()
        self.stdout.write(
            f"索引 {info['generation'] or '（尚未建立）'}：{info['documents']} 条，{info['segments']} 个段，"
            f"{info['bytes'] / 1024 / 1024:.1f} MiB；待处理 {outbox.pending_count()} 条。"
        )
        if state is not None:
            self.stdout.write(f"有未完成的重建：已完成 {state['done']} 条，运行 gongkai search rebuild 继续。")
