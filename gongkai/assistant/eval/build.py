"""Builds the assistant's evaluation set.

`python -m gongkai.assistant.eval.build ../shared/data [--heldout] [--heldout2] [--heldout3]
[--heldout4] [--heldout5]` writes
- tune.jsonl: real civil-law questions 0–299 of dev_questions.jsonl.gz (the first
  CIVIL_TUNE that cite a Civil Code article held in the corpus: all 300 of them since the
  refusal work, so the confidence model sees three times as many real questions), all the policy
  questions of the search evaluation (written by the project, not asked by citizens),
  the first UNANSWERABLE_TUNE questions of unanswerable.txt, all of
  unanswerable_tune.txt and unanswerable_tune2.txt (written for tuning only; the second
  widens the kinds that sound like policy questions) and the answerable policy questions of
  answerable_tune2.jsonl (written with them, so that policy words alone do not mean "refuse";
  each labelled with the corpus documents whose text answers it), the civil questions after
  the fourth held-out file's (dev questions 900 on), and unanswerable_tune3.txt and
  unanswerable_tune4.txt, unanswerable_tune5.txt and unanswerable_tune6.txt (four more
  writers, each blind to the others' files, in other voices: calibrate.py holds out one writer
  at a time); the confidence model and the refusal
  threshold are fitted on this file only;
- heldout.jsonl: real citizens' questions only — civil questions from 300 on (the first
  CIVIL_HELDOUT) — and the rest of unanswerable.txt (≥ 20 % of the file); never looked
  at while tuning. It is written only with `--heldout` (the file is frozen: rebuilding the
  tuning file must never touch it);
- heldout2.jsonl, a second confirmation file written with `--heldout2` (frozen like the first):
  the next CIVIL_HELDOUT2 civil questions after the held-out file's (dev questions 450–599,
  used by neither file) and all of unanswerable2.txt (written for it before the operating
  point that leans toward recall was evaluated; ≥ 20 % of the file);
- heldout3.jsonl, a third confirmation file written with `--heldout3` (frozen like the others):
  the next CIVIL_HELDOUT3 civil questions (dev questions 600–749, used by no other file) and all
  of unanswerable3.txt (60 questions written blind by a session that saw neither the other
  unanswerable files nor the assistant's answers; ≥ 20 % of the file);
- heldout4.jsonl, a fourth confirmation file written with `--heldout4` (frozen like the others):
  the next CIVIL_HELDOUT4 civil questions (dev questions 750–899, used by no other file) and all
  of unanswerable4.txt (60 questions written blind by a session that opened no other
  unanswerable, tuning or held-out file and never ran the assistant; ≥ 20 % of the file);
- heldout5.jsonl, written with `--heldout5`: the 80 questions of unanswerable5.txt only (written
  blind like the fourth file's; every dev question being taken, it measures refusal recall, and
  the false refusals are those of the other files' answerable questions).
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
CIVIL_HELDOUT2 = 150
CIVIL_HELDOUT3 = 150
CIVIL_HELDOUT4 = 150
UNANSWERABLE_TUNE = 40


Rows = list[dict[str, object]]


def _civil(data_dir: Path) -> tuple[Rows, Rows, Rows, Rows, Rows, Rows]:
    """The labelled civil questions of the tuning file and of the four held-out files:
    disjoint, each held-out file's taken after the one before; and the questions after the
    fourth held-out file's (dev questions 900 on), which go to the tuning file too."""
    where = search_build.article_index(data_dir / "corpus.jsonl.gz", "中华人民共和国民法典")
    tune: list[dict[str, object]] = []
    later: list[dict[str, object]] = []
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
                (tune if number < TUNE_SPLIT else later).append({**row, "answerable": True})
    heldout2 = later[CIVIL_HELDOUT : CIVIL_HELDOUT + CIVIL_HELDOUT2]
    third = CIVIL_HELDOUT + CIVIL_HELDOUT2
    heldout3 = later[third : third + CIVIL_HELDOUT3]
    fourth = third + CIVIL_HELDOUT3
    heldout4 = later[fourth : fourth + CIVIL_HELDOUT4]
    rest = later[fourth + CIVIL_HELDOUT4 :]
    return tune[:CIVIL_TUNE], later[:CIVIL_HELDOUT], heldout2, heldout3, heldout4, rest


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _unanswerable(name: str, prefix: str) -> Rows:
    return [
        {"id": f"{prefix}-{n:03d}", "question": q, "relevant_external_ids": [], "answerable": False}
        for n, q in enumerate(_lines(name), start=1)
    ]


def _labelled(name: str) -> Rows:
    """Answerable questions written for tuning, each with the corpus documents answering it."""
    return [
        {**json.loads(line), "answerable": True}
        for line in (HERE / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def build(
    data_dir: Path,
    *,
    heldout: bool = False,
    heldout2: bool = False,
    heldout3: bool = False,
    heldout4: bool = False,
    heldout5: bool = False,
    out_dir: Path = HERE,
) -> dict[str, int]:
    """Writes tune.jsonl, and the frozen held-out files only when asked; returns the number
    of questions of each file written."""
    civil_tune, civil_heldout, civil_heldout2, civil_heldout3, civil_heldout4, civil_rest = _civil(data_dir)
    policy = [
        {**json.loads(line), "answerable": True}
        for line in POLICY.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    unanswerable = _unanswerable("unanswerable.txt", "unanswerable")
    parts = {
        "tune.jsonl": civil_tune
        + policy
        + unanswerable[:UNANSWERABLE_TUNE]
        + _unanswerable("unanswerable_tune.txt", "unanswerable-tune")
        + _labelled("answerable_tune2.jsonl")
        + _unanswerable("unanswerable_tune2.txt", "unanswerable-tune2")
        + civil_rest
        + _unanswerable("unanswerable_tune3.txt", "unanswerable-tune3")
        + _unanswerable("unanswerable_tune4.txt", "unanswerable-tune4")
        + _unanswerable("unanswerable_tune5.txt", "unanswerable-tune5")
        + _unanswerable("unanswerable_tune6.txt", "unanswerable-tune6"),
        "heldout.jsonl": civil_heldout + unanswerable[UNANSWERABLE_TUNE:],
        "heldout2.jsonl": civil_heldout2 + _unanswerable("unanswerable2.txt", "unanswerable2"),
        "heldout3.jsonl": civil_heldout3 + _unanswerable("unanswerable3.txt", "unanswerable3"),
        "heldout4.jsonl": civil_heldout4 + _unanswerable("unanswerable4.txt", "unanswerable4"),
        # unanswerable only (every dev question is taken): refusal recall on a fifth writer
        "heldout5.jsonl": _unanswerable("unanswerable5.txt", "unanswerable5"),
    }
    wanted = {
        "tune.jsonl": True,
        "heldout.jsonl": heldout,
        "heldout2.jsonl": heldout2,
        "heldout3.jsonl": heldout3,
        "heldout4.jsonl": heldout4,
        "heldout5.jsonl": heldout5,
    }
    for name, rows in parts.items():
        if name != "tune.jsonl" and sum(1 for r in rows if not r["answerable"]) < 0.2 * len(rows):
            raise ValueError(f"{name} needs at least 20 % unanswerable questions")
    written: dict[str, int] = {}
    for name, rows in parts.items():
        if not wanted[name]:
            continue
        with (out_dir / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        written[name] = len(rows)
    return written


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(  # noqa: T201
        build(
            Path(arguments[0] if arguments else "../shared/data"),
            heldout="--heldout" in sys.argv,
            heldout2="--heldout2" in sys.argv,
            heldout3="--heldout3" in sys.argv,
            heldout4="--heldout4" in sys.argv,
            heldout5="--heldout5" in sys.argv,
        )
    )
