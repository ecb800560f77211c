"""Builds the assistant's evaluation set.

`python -m gongkai.assistant.eval.build ../shared/data` writes
- tune.jsonl: real civil-law questions 0–299 of dev_questions.jsonl.gz (the first
  CIVIL_TUNE that cite a Civil Code article held in the corpus: all 300 of them since the
  refusal work, so the confidence model sees three times as many real questions), all the policy
  questions of the search evaluation (written by the project, not asked by citizens),
  the first UNANSWERABLE_TUNE questions of unanswerable.txt and all of
  unanswerable_tune.txt (written for tuning only); the confidence model and
  the refusal threshold are fitted on this file only;
- heldout.jsonl: real citizens' questions only — civil questions from 300 on (the first
  CIVIL_HELDOUT) — and the rest of unanswerable.txt (≥ 20 % of the file); never looked
  at while tuning. It is written only with `--heldout` (the file is frozen: rebuilding the
  tuning file must never touch it).
Each line: {"id", "question", "relevant_external_ids", "answerable"}.

Labels: a civil question's relevant documents are the corpus documents holding the
Civil Code articles it cites. The corpus stores the Code as eight documents, one per 编
(总则, 物权编, 合同编, 人格权编, 婚姻家庭编, 继承编, 侵权责任编, 附则); each cited article is mapped
to the 编 that holds it (all 3,000 citations of the 1,000 questions resolve), so a question
citing articles of two 编 has both documents, and citing another 编 of the Code is wrong.
"""

import gzip
import json
import sys
from pathlib import Path

from gongkai.search.eval import build as search_build

HERE = Path(__file__).resolve().parent
POLICY = Path(search_build.__file__).resolve().parent / "policy.jsonl"
TUNE_SPLIT = 300
CIVIL_TUNE = 300
CIVIL_HELDOUT = 150
UNANSWERABLE_TUNE = 40


def _civil(data_dir: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    where = search_build.article_index(data_dir / "corpus.jsonl.gz", "中华人民共和国民法典")
    tune: list[dict[str, object]] = []
    heldout: list[dict[str, object]] = []
    with gzip.open(data_dir / "dev_questions.jsonl.gz", "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            question = json.loads(line)
            relevant: list[str] = []
            for citation in question["citations"]:
                found = where.get(citation["article"]) if citation["law"] == "民法典" else None
                if found and found not in relevant:
                    relevant.append(found)
            if relevant:
                row = {"id": question["id"], "question": question["question"], "relevant_external_ids": relevant}
                (tune if number < TUNE_SPLIT else heldout).append({**row, "answerable": True})
    return tune[:CIVIL_TUNE], heldout[:CIVIL_HELDOUT]


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def build(data_dir: Path, *, heldout: bool = False) -> tuple[int, int]:
    civil_tune, civil_heldout = _civil(data_dir)
    policy = [
        {**json.loads(line), "answerable": True}
        for line in POLICY.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    lines = _lines("unanswerable.txt")
    unanswerable = [
        {"id": f"unanswerable-{n:03d}", "question": q, "relevant_external_ids": [], "answerable": False}
        for n, q in enumerate(lines, start=1)
    ]
    extra = [
        {"id": f"unanswerable-tune-{n:03d}", "question": q, "relevant_external_ids": [], "answerable": False}
        for n, q in enumerate(_lines("unanswerable_tune.txt"), start=1)
    ]
    parts = {
        "tune.jsonl": civil_tune + policy + unanswerable[:UNANSWERABLE_TUNE] + extra,
        "heldout.jsonl": civil_heldout + unanswerable[UNANSWERABLE_TUNE:],
    }
    held_unanswerable = len(parts["heldout.jsonl"]) - len(civil_heldout)
    if held_unanswerable < 0.2 * len(parts["heldout.jsonl"]):
        raise ValueError("the held-out file needs at least 20 % unanswerable questions")
    for name, rows in parts.items():
        if name == "heldout.jsonl" and not heldout:
            continue
        with (HERE / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(parts["tune.jsonl"]), len(parts["heldout.jsonl"])


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(build(Path(arguments[0] if arguments else "../shared/data"), heldout="--heldout" in sys.argv))  # noqa: T201
