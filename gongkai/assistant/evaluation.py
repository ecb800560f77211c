"""The assistant measured on a file of questions.

File format (JSON Lines): {"question", "relevant_external_ids": [...], "answerable": true|false}
(relevant_external_ids may be empty for an unanswerable question; answerable defaults to
true when relevant ids are given). Reported:
- cited-right@1 / @3: over answerable questions, a relevant document is the first
  citation / among the first three (a refusal cites nothing, so counts as wrong);
- refusal precision and recall, the unanswerable questions being the positives;
- latency p50 / p95 in milliseconds (the whole answer, FAQ lookup and search included).
"""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import services
from .answering import Answer


class EvalFileError(ValueError):
    """The evaluation file cannot be read; the message names the line."""


@dataclass(frozen=True)
class Question:
    question: str
    relevant: tuple[str, ...]
    answerable: bool
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
            relevant = row.get("relevant_external_ids", [])
            if not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant):
                raise EvalFileError(f"第 {number} 行的 relevant_external_ids 应为字符串列表。")
            answerable = row.get("answerable", bool(relevant))
            if not isinstance(answerable, bool) or (answerable and not relevant):
                raise EvalFileError(
                    f"第 {number} 行的 answerable 应为 true/false，可回答的问题须给出 relevant_external_ids。"
                )
            yield Question(row["question"], tuple(relevant), answerable, str(row.get("id", "")))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def answer(question: str) -> Answer:
    """The answer every surface gives (FAQ exact match, then the extractive answer), not
    recorded: an evaluation run is not a citizen's question."""
    return services.question_ask(question, record=False).answer


def evaluate(path: Path, *, each: Callable[[Question, Answer], None] | None = None) -> dict[str, Any]:
    answerable = right1 = right3 = 0
    refused_right = refused_all = unanswerable = 0
    latencies: list[float] = []
    for question in read_questions(path):
        result = answer(question.question)
        if each is not None:
            each(question, result)
        latencies.append(result.took_ms)
        cited = result.cited_external_ids
        if question.answerable:
            answerable += 1
            wanted = set(question.relevant)
            right1 += bool(wanted & set(cited[:1]))
            right3 += bool(wanted & set(cited[:3]))
        else:
            unanswerable += 1
        if result.refused:
            refused_all += 1
            refused_right += not question.answerable
    return {
        "questions": len(latencies),
        "answerable": answerable,
        "unanswerable": unanswerable,
        "cited_right@1": round(right1 / answerable, 4) if answerable else 0.0,
        "cited_right@3": round(right3 / answerable, 4) if answerable else 0.0,
        "refusal_precision": round(refused_right / refused_all, 4) if refused_all else 0.0,
        "refusal_recall": round(refused_right / unanswerable, 4) if unanswerable else 0.0,
        "refused": refused_all,
        "latency_p50_ms": round(percentile(latencies, 0.5), 2),
        "latency_p95_ms": round(percentile(latencies, 0.95), 2),
    }
