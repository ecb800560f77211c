"""Builds the civil-law part of the search evaluation set from the shared data.

`python -m gongkai.search.eval.build ../shared/data` maps each real question of
dev_questions.jsonl.gz to the corpus documents that hold the articles it cites (the
Civil Code is stored in the corpus as one document per 编), and writes
civil_tune.jsonl (questions 0–299, used while tuning the analyzer and the query) and
civil_heldout.jsonl (questions 300–999, never looked at while tuning).
"""

import gzip
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TUNE = 300
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百千零]+条)", re.M)


def article_index(corpus: Path, law_title: str) -> dict[str, str]:
    """article (第X条) → external id of the corpus document holding it."""
    where: dict[str, str] = {}
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["title"] != law_title:
                continue
            for article in _ARTICLE.findall(doc["body"]):
                where.setdefault(article, doc["id"])
    return where


def build(data_dir: Path) -> tuple[int, int]:
    where = article_index(data_dir / "corpus.jsonl.gz", "中华人民共和国民法典")
    rows: list[dict[str, object]] = []
    with gzip.open(data_dir / "dev_questions.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            question = json.loads(line)
            relevant: list[str] = []
            for citation in question["citations"]:
                found = where.get(citation["article"]) if citation["law"] == "民法典" else None
                if found and found not in relevant:
                    relevant.append(found)
            if relevant:
                rows.append({"id": question["id"], "question": question["question"], "relevant_external_ids": relevant})
    for name, part in (("civil_tune.jsonl", rows[:TUNE]), ("civil_heldout.jsonl", rows[TUNE:])):
        with (HERE / name).open("w", encoding="utf-8") as out:
            for row in part:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows[:TUNE]), len(rows[TUNE:])


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")))  # noqa: T201
