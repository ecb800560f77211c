"""`python -m gongkai.screening.bench` (`make bench-screen`): throughput and accuracy.

- text: a generated corpus of at least 20 MB of government prose in which a fifth of
  the documents carry planted personal data (valid identifiers) and every document
  carries distractors (invalid check digits, 统一社会信用代码, 索引号, 文号, dates,
  amounts, 案号, postal codes, the body's own phone and address); MB/s of screen_text
  and of screen_document on the same text as a .txt file; precision and recall per kind.
- dense: a beneficiary-list style corpus where every line is a record (the worst case).
- pdf: a generated 100-page text PDF through screen_document.
- xlsx: a generated 20,000-row workbook through screen_document.
- real: the 3,531 published documents of ../shared/data/corpus.jsonl.gz (when present):
  MB/s and what is flagged in text that was published (false positives, mostly).

Needs no database: the wording rules are the seeded list of migration 0002.
"""

import argparse
import gzip
import importlib
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import corpus
from .detectors import ScreenContext, WordingTerm, screen_text
from .extract import screen_document

MB = 1_000_000  # throughput in decimal megabytes of UTF-8 input


def seeded_wording() -> list[WordingTerm]:
    seed = importlib.import_module("gongkai.screening.migrations.0002_seed_wording_rules")
    return [WordingTerm(t, c, s, sug) for t, c, s, sug, _note in seed.RULES]


def bench_context() -> ScreenContext:
    return ScreenContext.build(phones=[corpus.OWN_PHONE], addresses=[corpus.OWN_ADDRESS], wording=seeded_wording())


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    return f"{os.cpu_count()} CPUs (nproc), {model}, Python {platform.python_version()}, {platform.system()}"


def _filler(rng: random.Random, lines: int) -> str:
    return "\n".join(rng.choice(corpus.FILLER) for _ in range(lines)) + "\n"


def build_corpus(rng: random.Random, size: int, *, dense: bool = False) -> list[tuple[corpus.Planted, str]]:
    """Documents (with what was planted) and their text, until `size` bytes."""
    docs: list[tuple[corpus.Planted, str]] = []
    total = 0
    while total < size:
        if dense:
            doc = corpus.generate_document(rng, records=60, table=rng.random() < 0.5)
            text = doc.text()
        else:
            planted = rng.random() < 0.2
            doc = corpus.generate_document(rng, records=8 if planted else 0, table=rng.random() < 0.3)
            if not planted:
                for _ in range(4):
                    corpus.distractor_line(rng, doc)
            text = _filler(rng, 15) + doc.text() + _filler(rng, 15)
        docs.append((doc, text))
        total += len(text.encode("utf-8"))
    return docs


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(*, size_mb: float = 20.0, seed: int = 20260101, real: bool = True) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311  (synthetic test data)
    context = bench_context()
    out: dict[str, Any] = {"machine": machine(), "rows": [], "kinds": {}}

    docs = build_corpus(rng, int(size_mb * MB))
    text = "".join(t for _d, t in docs)
    nbytes = len(text.encode("utf-8"))
    seconds, findings = timed(lambda: screen_text(text, context=context))
    out["rows"].append(("text, screen_text", nbytes, seconds, len(findings)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.txt"
        path.write_text(text, encoding="utf-8")
        seconds, findings = timed(lambda: screen_document("corpus.txt", path, context))
        out["rows"].append(("text, screen_document .txt", nbytes, seconds, len(findings)))

        evaluation = corpus.Evaluation()
        for doc, doc_text in docs:
            evaluation.add(doc, [(f.kind, f.value) for f in screen_text(doc_text, context=context)])
        out["kinds"] = {k: (s.precision, s.recall, s.tp, s.fp, s.fn) for k, s in sorted(evaluation.by_kind.items())}
        o = evaluation.overall
        out["overall"] = (o.precision, o.recall, o.tp, o.fp, o.fn)
        out["distractors_flagged"] = len(evaluation.distractors_flagged)
        out["distractors"] = sum(len(d.distractors) for d, _t in docs)

        dense = "".join(t for _d, t in build_corpus(rng, int(size_mb * MB / 4), dense=True))
        seconds, findings = timed(lambda: screen_text(dense, context=context))
        out["rows"].append(("dense lists, screen_text", len(dense.encode("utf-8")), seconds, len(findings)))

        pages = [[rng.choice(corpus.FILLER) for _ in range(38)] for _ in range(100)]
        for page in pages[::10]:
            page[5] = f"申请人张三，身份证号：{corpus.valid_id(rng)}，手机：{corpus.mobile(rng)}"
        pdf = Path(tmp) / "100pages.pdf"
        pdf.write_bytes(corpus.make_pdf(pages))
        seconds, findings = timed(lambda: screen_document("100pages.pdf", pdf, context), repeat=2)
        out["rows"].append(("PDF, 100 text pages", pdf.stat().st_size, seconds, len(findings)))

        xlsx = Path(tmp) / "rows.xlsx"
        rows = 20_000 if size_mb >= 20 else 500
        xlsx.write_bytes(_big_xlsx(rng, rows))
        seconds, findings = timed(lambda: screen_document("rows.xlsx", xlsx, context), repeat=1)
        out["rows"].append((f"XLSX, {rows:,} rows x 6 columns", xlsx.stat().st_size, seconds, len(findings)))

    shared = Path(os.environ.get("GONGKAI_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
    corpus_file = shared / "data" / "corpus.jsonl.gz"
    if real and corpus_file.exists():
        with gzip.open(corpus_file, "rt", encoding="utf-8") as fh:
            bodies = [json.loads(line)["body"] for line in fh]
        real_text = "\n".join(bodies)
        seconds, findings = timed(lambda: screen_text(real_text, context=context), repeat=1)
        out["rows"].append(
            (f"real: {len(bodies)} published documents", len(real_text.encode()), seconds, len(findings))
        )
        out["real_findings"] = Counter(f"{f.kind} ({f.severity})" for f in findings)
    return out


def _big_xlsx(rng: random.Random, rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("发放名册")
    ws.append(["序号", "姓名", "身份证号码", "联系电话", "银行卡号", "金额（元）"])
    for n in range(1, rows + 1):
        ws.append(
            [
                n,
                corpus.person_name(rng),
                corpus.valid_id(rng),
                corpus.mobile(rng),
                corpus.bank_card(rng),
                rng.randint(100, 5000),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Machine: {result['machine']}",
        "",
        "| input | size | time | throughput | findings |",
        "|---|---|---|---|---|",
    ]
    for label, nbytes, seconds, count in result["rows"]:
        lines.append(
            f"| {label} | {nbytes / MB:.1f} MB | {seconds:.3f} s | {nbytes / MB / seconds:.1f} MB/s | {count} |"
        )
    lines += ["", "| kind | precision | recall | TP | FP | FN |", "|---|---|---|---|---|---|"]
    for kind, (p, r, tp, fp, fn) in result["kinds"].items():
        lines.append(f"| {kind} | {p:.4f} | {r:.4f} | {tp} | {fp} | {fn} |")
    p, r, tp, fp, fn = result["overall"]
    lines.append(f"| **all kinds** | **{p:.4f}** | **{r:.4f}** | {tp} | {fp} | {fn} |")
    lines.append("")
    lines.append(f"Distractor lines planted: {result['distractors']}; flagged: {result['distractors_flagged']}.")
    if "real_findings" in result:
        found = ", ".join(f"{k}: {v}" for k, v in sorted(result["real_findings"].items())) or "none"
        lines.append(f"Flagged in the real published documents: {found}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai.screening.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="size of the generated text corpus (default 20)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--no-real", action="store_true", help="skip the shared corpus of real documents")
    args = parser.parse_args(argv)
    result = run(size_mb=args.size_mb, seed=args.seed, real=not args.no_real)
    sys.stdout.write(report(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
