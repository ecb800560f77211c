"""The evaluation file format and the summary figures."""

import json
from pathlib import Path

import pytest

from gongkai.assistant import evaluation
from gongkai.assistant.answering import Answer, Citation


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "eval.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "第 1 行不是有效的 JSON"),
        ('{"relevant_external_ids": []}', "第 1 行缺少 question"),
        ('{"question": "q", "relevant_external_ids": "x"}', "应为字符串列表"),
        ('{"question": "q", "relevant_external_ids": [], "answerable": true}', "须给出 relevant_external_ids"),
    ],
)
def test_bad_lines_are_named(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(evaluation.EvalFileError, match=message):
        list(evaluation.read_questions(write(tmp_path, line)))


def test_answerable_defaults_to_having_relevant_ids(tmp_path: Path) -> None:
    path = write(tmp_path, '{"question": "a", "relevant_external_ids": ["x"]}', "", '{"question": "b"}')
    assert [(q.question, q.answerable) for q in evaluation.read_questions(path)] == [("a", True), ("b", False)]


def test_percentile() -> None:
    assert evaluation.percentile([], 0.95) == 0.0
    assert evaluation.percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert evaluation.percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_summary_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        {"question": "first right", "relevant_external_ids": ["a"], "answerable": True},
        {"question": "third right", "relevant_external_ids": ["c"], "answerable": True},
        {"question": "wrongly refused", "relevant_external_ids": ["a"], "answerable": True},
        {"question": "rightly refused", "relevant_external_ids": [], "answerable": False},
        {"question": "wrongly answered", "relevant_external_ids": [], "answerable": False},
    ]
    cited = {"first right": ["a", "b"], "third right": ["x", "y", "c"], "wrongly answered": ["z"]}

    def fake(question: str, **_: object) -> Answer:
        ids = cited.get(question, [])
        return Answer(
            question=question,
            refused=not ids,
            message="",
            citations=[Citation(i, "t", "", "", "", "") for i in ids],
            took_ms=float(len(question)),
        )

    monkeypatch.setattr(evaluation, "answer", fake)
    seen: list[str] = []
    summary = evaluation.evaluate(
        write(tmp_path, *(json.dumps(r) for r in rows)), each=lambda q, a: seen.append(q.question)
    )
    assert seen == [r["question"] for r in rows]
    assert summary["cited_right@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert summary["cited_right@3"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["refusal_precision"] == 0.5 and summary["refusal_recall"] == 0.5
    assert (summary["answerable"], summary["unanswerable"], summary["refused"]) == (3, 2, 2)
