"""Fits the assistant's confidence model on eval/tune.jsonl (never on the held-out file).

`gongkai shell -c "from gongkai.assistant.eval import calibrate; calibrate.main()"` runs
retrieval for every tuning question, computes the confidence features (answering.features),
fits a logistic regression "answerable and the first three cited documents hold a relevant
one" against the rest (plain gradient descent, L2), and prints the weights and the refusal
threshold that keeps the most cited-right@3 while refusal recall ≥ RECALL_GOAL and
precision ≥ PRECISION_GOAL. Paste the printed constants into answering.py.
"""

import json
import math
import sys
from pathlib import Path
from typing import Any

from gongkai.assistant import answering, retrieval

HERE = Path(__file__).resolve().parent
RECALL_GOAL = 0.90
PRECISION_GOAL = 0.80
L2 = 0.01
STEPS = 3000
RATE = 0.3


def collect(path: Path = HERE / "tune.jsonl") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        text = answering.without_injection(" ".join(q["question"].split())[: answering.MAX_QUESTION_CHARS])
        found = retrieval.retrieve(text) if text else None
        cited = [d.hit.external_id for d in found.documents[:3]] if found else []
        rows.append(
            {
                "answerable": q["answerable"],
                "right3": bool(set(q["relevant_external_ids"]) & set(cited)),
                "right1": bool(set(q["relevant_external_ids"]) & set(cited[:1])),
                "features": answering.features(found, text) if found and found.units else {},
            }
        )
    return rows


def fit(rows: list[dict[str, Any]]) -> tuple[float, dict[str, float]]:
    names = sorted({k for r in rows for k in r["features"]})
    xs = [[r["features"].get(n, 0.0) for n in names] for r in rows]
    ys = [1.0 if r["answerable"] else 0.0 for r in rows]
    w = [0.0] * len(names)
    b = 0.0
    for _ in range(STEPS):
        gw = [0.0] * len(names)
        gb = 0.0
        for x, y in zip(xs, ys, strict=True):
            z = b + sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for i, xi in enumerate(x):
                gw[i] += (p - y) * xi
            gb += p - y
        w = [wi - RATE * (g / len(xs) + L2 * wi) for wi, g in zip(w, gw, strict=True)]
        b -= RATE * gb / len(xs)
    return b, dict(zip(names, w, strict=True))


def sweep(rows: list[dict[str, Any]], b: float, w: dict[str, float]) -> list[dict[str, float]]:
    scored = []
    for r in rows:
        z = b + sum(w.get(k, 0.0) * v for k, v in r["features"].items())
        scored.append((1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) if r["features"] else 0.0, r))
    answerable = sum(1 for r in rows if r["answerable"]) or 1
    unanswerable = sum(1 for r in rows if not r["answerable"]) or 1
    out = []
    for step in range(0, 100):
        t = step / 100
        refused = [r for c, r in scored if c < t]
        right = sum(1 for r in refused if not r["answerable"])
        out.append(
            {
                "threshold": t,
                "recall": right / unanswerable,
                "precision": right / len(refused) if refused else 0.0,
                "right3": sum(1 for c, r in scored if c >= t and r["answerable"] and r["right3"]) / answerable,
                "right1": sum(1 for c, r in scored if c >= t and r["answerable"] and r["right1"]) / answerable,
            }
        )
    return out


def main() -> None:
    rows = collect()
    b, w = fit(rows)
    table = sweep(rows, b, w)
    ok = [t for t in table if t["recall"] >= RECALL_GOAL and t["precision"] >= PRECISION_GOAL]
    best = max(ok or table, key=lambda t: (t["right3"], t["recall"], -t["threshold"]))
    answerable = [r for r in rows if r["answerable"]]
    out = sys.stdout
    out.write(f"CONFIDENCE_BIAS = {round(b, 4)}\n")
    out.write(f"CONFIDENCE_WEIGHTS = { {k: round(v, 4) for k, v in w.items()} }\n")
    out.write(f"retrieval-only cited-right@3: {sum(r['right3'] for r in answerable) / max(1, len(answerable)):.4f}\n")
    for t in table[::5]:
        out.write(f"{ {k: round(v, 3) for k, v in t.items()} }\n")
    verdict = "goals met" if ok else "goals NOT met"
    out.write(f"THRESHOLD = {best['threshold']} { {k: round(v, 3) for k, v in best.items()} } {verdict}\n")
