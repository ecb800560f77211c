"""Relevance measured: Recall@1, Recall@10, MRR@10 and nDCG@10 of the search over a file
of questions with their known relevant documents (by external id).

File format (JSON Lines): {"question": "...", "relevant_external_ids": ["...", ...]};
other keys (e.g. "id") are carried along. Questions are asked through the same query
path as the search page, over every site, ranked by relevance.
"""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import SearchRequest, search

K = 10


class EvalFileError(ValueError):
    """The evaluation file cannot be read; the message names the line."""


@dataclass(frozen=True)
class Question:
    question: str
    relevant: tuple[str, ...]
    id: str = ""


def read_questions(path: Path) -> Iterator[Question]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvalFileError(f"无法打开文件“{path}”：{exc.strerror or exc}。") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise EvalFileError(f"第 {number} 行不是有效的 JSON：{exc.msg}。") from exc
            if not isinstance(row, dict) or not isinstance(row.get("question"), str):
                raise EvalFileError(f"第 {number} 行缺少 question。")
            relevant = row.get("relevant_external_ids")
            if not isinstance(relevant, list) or not relevant or not all(isinstance(r, str) for r in relevant):
                raise EvalFileError(f"第 {number} 行的 relevant_external_ids 应为非空的字符串列表。")
            yield Question(question=row["question"], relevant=tuple(relevant), id=str(row.get("id", "")))


def ranked_external_ids(question: str, k: int = K) -> list[str]:
    response = search(SearchRequest(q=question, page_size=k, facets=False, snippets=False))
    ids: list[str] = []
    if response.direct is not None and response.direct.external_id:
        ids.append(response.direct.external_id)
    for hit in response.hits:
        if hit.external_id and hit.external_id not in ids:
            ids.append(hit.external_id)
    return ids[:k]


def scores(ranked: list[str], relevant: tuple[str, ...]) -> dict[str, float]:
    wanted = set(relevant)
    found10 = wanted & set(ranked[:K])
    rank = next((i for i, e in enumerate(ranked[:K]) if e in wanted), None)
    dcg = sum(1.0 / math.log2(i + 2) for i, e in enumerate(ranked[:K]) if e in wanted)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(wanted), K)))
    return {
        "recall@1": len(wanted & set(ranked[:1])) / len(wanted),
        "recall@10": len(found10) / len(wanted),
        "mrr@10": 1.0 / (rank + 1) if rank is not None else 0.0,
        "ndcg@10": dcg / ideal if ideal else 0.0,
    }


def evaluate(path: Path, *, each: Callable[[Question, list[str]], None] | None = None) -> dict[str, Any]:
    totals = {"recall@1": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}
    count = 0
    for question in read_questions(path):
        ranked = ranked_external_ids(question.question)
        if each is not None:
            each(question, ranked)
        for name, value in scores(ranked, question.relevant).items():
            totals[name] += value
        count += 1
    summary: dict[str, Any] = {"questions": count}
    summary.update({name: round(value / count, 4) if count else 0.0 for name, value in totals.items()})
    return summary
