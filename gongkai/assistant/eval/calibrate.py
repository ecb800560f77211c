"""Fits the assistant's confidence model on eval/tune.jsonl (never on the held-out files).

`gongkai shell -c "from gongkai.assistant.eval import calibrate; calibrate.main()"` runs
retrieval for every tuning question, computes the confidence features (answering.features)
and fits a logistic regression "answerable" against "unanswerable" (standardised features,
L2, Newton's method) on the features named in FEATURES.

The threshold is chosen on out-of-fold confidences, not on the questions the model was fitted
on: the tuning file is split into FOLDS stratified folds (REPEATS times, fixed seeds), each
fold is scored by a model fitted on the others. The operating point leans toward refusal
recall, the target that new questions miss first (the refusal work's threshold had recall
0.94 out-of-fold and 0.896 on the held-out file, while its precision carried over): the
threshold is the one with the most out-of-fold refusal recall while
- the refusal precision expected at the issue's lowest share of unanswerable questions
  (UNANSWERABLE_SHARE, 20 %: for given recall and false-refusal rates, the mix with the
  lowest precision; tune's own mix, 32 %, would flatter it) is at least PRECISION_GOAL +
  PRECISION_MARGIN, and
- cited-right@3 (an answerable question answered, with a right citation) is at least
  RIGHT3_GOAL + RIGHT3_MARGIN;
failing that (a weaker model), the most recall with both at their goals without margins.
The k-fold figures at that threshold are printed with the constants to paste into
answering.py; the final weights are fitted on the whole tuning file. Before anything is
refitted, the shipped constants (answering.py and data/scope.json as they are) are measured on
the tuning file, overall and per source file (questions added since they were fitted are new
to them), and the k-fold figures are also printed at the shipped thresholds, so that a new
tuning file can be compared with the old operating point.
"""

import json
import math
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gongkai.assistant import answering, dense, retrieval

HERE = Path(__file__).resolve().parent
# Issue #8's targets: refusal recall ≥ 0.90 at precision ≥ 0.80, cited-right@3 ≥ 0.70, on a
# file with at least 20 % unanswerable questions.
RECALL_GOAL = 0.90
PRECISION_GOAL = 0.80
RIGHT3_GOAL = 0.70
UNANSWERABLE_SHARE = 0.20
# Margins kept on the two constraints while recall is maximised.
PRECISION_MARGIN = 0.05
RIGHT3_MARGIN = 0.05
L2 = 1.0
FOLDS = 5
REPEATS = 4
# L2 of the scope model on the 384 embedding weights, chosen by k-fold on tune: on the tuning
# file of 723 questions, 5-fold × 8 at threshold 0.5, recall 0.911 / 0.915 / 0.923 / 0.931 /
# 0.933 / 0.932 with 5.3-6.0 % of answerable questions refused for 1.0 / 0.3 / 0.1 / 0.03 / 0.01 /
# 0.003 (L2 1.0): 0.03 is the most regularised value on the plateau (was 1.0 with 514 questions).
SCOPE_L2 = 0.03
# The features the model uses: answering.features() without the question's length and the
# out-of-scope word pattern (they describe the wording of the tuning questions, not whether
# the documents answer them), then backward elimination on tune's 5-fold figures (precision
# at recall ≥ 0.92) dropped absent, margin, passage_agree, top_prior, search_score, doc_idf
# and coverage_doc (see decision 0008).
FEATURES = (
    "best_raw",
    "best_score",
    "concentration",
    "coverage_best",
    "coverage_docs3",
    "coverage_top3",
    "doc_units",
    "domain",
    "domain_units",
    "hits",
    "margin5",
    "missing_idf",
    "rank_agree",
    "rare",
    "rarest_df",
    "rarest_in_doc",
    "search_raw",
)


def collect(path: Path = HERE / "tune.jsonl") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        text = answering.without_injection(" ".join(q["question"].split())[: answering.MAX_QUESTION_CHARS])
        found = retrieval.retrieve(text) if text else None
        vector = _embed(text)
        by_title: dict[str, str] = {}
        for document in found.documents if found else []:
            by_title.setdefault(document.hit.title, document.hit.external_id)
        cited = list(by_title.values())[: answering.MAX_CITATIONS]
        rows.append(
            {
                "id": q.get("id", ""),
                "answerable": q["answerable"],
                "right3": bool(set(q["relevant_external_ids"]) & set(cited)),
                "right1": bool(set(q["relevant_external_ids"]) & set(cited[:1])),
                "features": answering.features(found, text) if found and found.units else {},
                "embedding": vector,
            }
        )
    return rows


def _embed(text: str) -> list[float] | None:
    if not text or not dense.available():
        return None
    dense.warm()
    return [float(v) for v in dense.embed_query(text)]


# --- the scope model: logistic regression on the question's e5 embedding -------------------


def fit_scope(rows: Sequence[dict[str, Any]], l2: float | None = None) -> tuple[float, list[float]]:
    """answerable ~ embedding (Newton's method, L2 on the weights, SCOPE_L2 unless given);
    the embeddings are unit vectors, so they are used as they are."""
    l2 = SCOPE_L2 if l2 is None else l2
    usable = [r for r in rows if r.get("embedding") is not None]
    x = np.array([r["embedding"] for r in usable], dtype=float)
    y = np.array([1.0 if r["answerable"] else 0.0 for r in usable])
    beta = _newton(np.hstack([np.ones((len(x), 1)), x]), y, l2)
    return float(beta[0]), [float(w) for w in beta[1:]]


def scope_feature(model: tuple[float, list[float]], row: dict[str, Any]) -> float:
    if row.get("embedding") is None:
        return 0.0  # no text left to embed: refused before the model is asked
    bias, weights = model
    return (bias + float(np.dot(weights, row["embedding"]))) / answering.SCOPE_SCALE


def with_semantic(rows: Sequence[dict[str, Any]], values: Sequence[float]) -> list[dict[str, Any]]:
    """Copies of the rows whose features carry these semantic values (rows without features
    stay without: they are refused before the model is asked)."""
    return [
        {**r, "features": {**r["features"], "semantic": v}} if r["features"] else r
        for r, v in zip(rows, values, strict=True)
    ]


def semantic_out_of_fold(
    rows: Sequence[dict[str, Any]], seed: int, *, by_writer: bool = False, scope_l2: float | None = None
) -> list[float]:
    """Each row's semantic feature from a scope model fitted without its fold, so that the
    confidence model is fitted on semantic values as good as those of new questions (by
    writer: as those of questions by a writer the scope model has not seen)."""
    values = [0.0] * len(rows)
    for held in (writer_folds if by_writer else folds)(rows, seed=seed):
        held_set = set(held)
        model = fit_scope([r for i, r in enumerate(rows) if i not in held_set], scope_l2)
        for i in held:
            values[i] = scope_feature(model, rows[i])
    return values


# --- the confidence model ------------------------------------------------------------------


def _newton(z: Any, y: Any, l2: float) -> Any:
    penalty = np.eye(z.shape[1]) * l2
    penalty[0, 0] = 0.0
    beta = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (p - y) + penalty @ beta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return beta


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]  # on the raw feature values, as answering.confidence uses them

    def confidence(self, features: dict[str, float]) -> float:
        if not features:
            return 0.0  # nothing to search for: refused before the model is asked
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows: Sequence[dict[str, Any]], names: Sequence[str] = FEATURES, l2: float = L2) -> Model:
    """Logistic regression on standardised features (Newton's method with an L2 penalty on
    the weights, not the bias), returned as weights on the raw values."""
    usable = [r for r in rows if r["features"]]
    x = np.array([[r["features"].get(n, 0.0) for n in names] for r in usable], dtype=float)
    y = np.array([1.0 if r["answerable"] else 0.0 for r in usable])
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    beta = _newton(np.hstack([np.ones((len(x), 1)), (x - mean) / std]), y, l2)
    weights = beta[1:] / std
    bias = float(beta[0] - (weights * mean).sum())
    return Model(bias, {n: float(w) for n, w in zip(names, weights, strict=True)})


def folds(rows: Sequence[dict[str, Any]], k: int = FOLDS, seed: int = 0) -> list[list[int]]:
    """k folds of row indexes, stratified by answerable, shuffled with a fixed seed."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    out: list[list[int]] = [[] for _ in range(k)]
    for label in (True, False):
        indexes = [i for i, r in enumerate(rows) if r["answerable"] is label]
        rng.shuffle(indexes)
        for position, i in enumerate(indexes):
            out[position % k].append(i)
    return out


# Who wrote each file of unanswerable tuning questions. Questions by one hand share a style,
# and a model fitted on them learns the style as much as the kind: questions written by
# another hand (a blind held-out file) were refused far less often than tune's k-fold figures
# promised (decision 0008). So the threshold is chosen on folds that each hold out one
# writer's unanswerable questions: confidences of questions whose writer the model never saw.
WRITERS = {
    "unanswerable": "project",
    "unanswerable-tune": "project",
    "unanswerable-tune2": "second",
    "unanswerable-tune3": "third",
    "unanswerable-tune4": "fourth",
    "unanswerable-tune5": "fifth",
    "unanswerable-tune6": "sixth",
}


def writer(row: dict[str, Any]) -> str:
    """The writer of an unanswerable question ("" for an answerable one)."""
    if row["answerable"]:
        return ""
    name = source(row)
    return WRITERS.get(name, name)


def writer_folds(rows: Sequence[dict[str, Any]], seed: int = 0) -> list[list[int]]:
    """One fold per writer of unanswerable questions, each with an equal share of the
    answerable questions (shuffled with the seed); plain folds when fewer than three writers
    are among the rows (two folds would fit each model on half the questions)."""
    writers = sorted({writer(r) for r in rows if not r["answerable"]})
    if len(writers) < 3:
        return folds(rows, seed=seed)
    out: list[list[int]] = [[] for _ in writers]
    answerable: list[int] = []
    for i, r in enumerate(rows):
        if r["answerable"]:
            answerable.append(i)
        else:
            out[writers.index(writer(r))].append(i)
    random.Random(seed).shuffle(answerable)  # noqa: S311 - a reproducible split
    for position, i in enumerate(answerable):
        out[position % len(writers)].append(i)
    return out


def out_of_fold(
    rows: Sequence[dict[str, Any]],
    names: Sequence[str] = FEATURES,
    *,
    repeats: int = REPEATS,
    l2: float = L2,
    by_writer: bool = False,
    scope_l2: float | None = None,
) -> list[list[float]]:
    """For each repeat, every row's confidence from a model fitted without its fold (by
    writer: the folds of writer_folds). With "semantic" among the names, the scope model is
    fitted without the fold too, and the training rows' semantic values are themselves
    out-of-fold (nested, the same way)."""
    runs: list[list[float]] = []
    semantic = "semantic" in names
    for seed in range(repeats):
        scores = [0.0] * len(rows)
        for held in (writer_folds if by_writer else folds)(rows, seed=seed):
            held_set = set(held)
            train = [r for i, r in enumerate(rows) if i not in held_set]
            test = [rows[i] for i in held]
            if semantic:
                train = with_semantic(
                    train, semantic_out_of_fold(train, seed=100 + seed, by_writer=by_writer, scope_l2=scope_l2)
                )
                scope = fit_scope(train, scope_l2)
                test = with_semantic(test, [scope_feature(scope, r) for r in test])
            model = fit(train, names, l2)
            for i, row in zip(held, test, strict=True):
                scores[i] = model.confidence(row["features"])
        runs.append(scores)
    return runs


def precision_at_share(recall: float, false_refusals: float, share: float = UNANSWERABLE_SHARE) -> float:
    """The refusal precision expected on a file with this share of unanswerable questions,
    from the recall and the share of answerable questions refused."""
    refused = recall * share + false_refusals * (1 - share)
    return recall * share / refused if refused else 0.0


def measure(rows: Sequence[dict[str, Any]], scores: Sequence[float], threshold: float) -> dict[str, float]:
    answerable = sum(1 for r in rows if r["answerable"]) or 1
    unanswerable = sum(1 for r in rows if not r["answerable"]) or 1
    refused = [r for c, r in zip(scores, rows, strict=True) if c < threshold]
    right = sum(1 for r in refused if not r["answerable"])
    kept = [r for c, r in zip(scores, rows, strict=True) if c >= threshold and r["answerable"]]
    recall = right / unanswerable
    false_refusals = (len(refused) - right) / answerable
    return {
        "threshold": threshold,
        "recall": recall,
        "precision": right / len(refused) if refused else 0.0,
        "false_refusals": false_refusals,
        "precision_at_share": precision_at_share(recall, false_refusals),
        "right3": sum(1 for r in kept if r["right3"]) / answerable,
        "right1": sum(1 for r in kept if r["right1"]) / answerable,
    }


def averaged(rows: Sequence[dict[str, Any]], runs: Sequence[Sequence[float]], threshold: float) -> dict[str, float]:
    each = [measure(rows, scores, threshold) for scores in runs]
    return {key: sum(m[key] for m in each) / len(each) for key in each[0]}


def choose(rows: Sequence[dict[str, Any]], runs: Sequence[Sequence[float]]) -> tuple[dict[str, float], str]:
    """The out-of-fold threshold: the most refusal recall with the precision expected at
    UNANSWERABLE_SHARE ≥ goal + margin and cited-right@3 ≥ goal + margin; failing that, the
    most recall with both at their goals; failing that (the recall goal out of reach), the
    most recall that keeps both goals, else the precision goal alone. Among equal recalls
    the most cited-right@3 (the lowest threshold)."""
    table = [averaged(rows, runs, step / 100) for step in range(1, 100)]
    for margin, verdict in (
        (True, "recall maximised with the precision and cited-right@3 margins"),
        (False, "recall maximised at the precision and cited-right@3 goals"),
    ):
        ok = [
            t
            for t in table
            if t["precision_at_share"] >= PRECISION_GOAL + (PRECISION_MARGIN if margin else 0.0)
            and t["right3"] >= RIGHT3_GOAL + (RIGHT3_MARGIN if margin else 0.0)
        ]
        if ok:
            chosen = max(ok, key=lambda t: (t["recall"], t["right3"], -t["threshold"]))
            if chosen["recall"] >= RECALL_GOAL:
                return chosen, verdict
    both = [t for t in table if t["precision_at_share"] >= PRECISION_GOAL and t["right3"] >= RIGHT3_GOAL]
    precise = both or [t for t in table if t["precision_at_share"] >= PRECISION_GOAL] or table
    return max(precise, key=lambda t: (t["recall"], t["right3"], -t["threshold"])), "recall goal NOT met"


def source(row: dict[str, Any]) -> str:
    """The file a tuning question comes from: its id without the running number."""
    return re.sub(r"[-_]?\d+$", "", str(row["id"]))


def shipped_confidences(rows: Sequence[dict[str, Any]]) -> tuple[list[float], list[float]] | None:
    """The confidences the shipped constants give the tuning questions (full model with
    data/scope.json as it is, and the retrieval-only model), or None without the scope model."""
    scope = answering._scope_model()
    if scope is None or any(r.get("embedding") is None for r in rows if r["features"]):
        return None
    bias, weights = scope
    full: list[float] = []
    retrieval_only: list[float] = []
    for r in rows:
        if not r["features"]:
            full.append(0.0)
            retrieval_only.append(0.0)
            continue
        semantic = (bias + float(np.dot(weights, r["embedding"]))) / answering.SCOPE_SCALE
        full.append(answering.confidence({**r["features"], "semantic": semantic}))
        retrieval_only.append(answering.confidence(r["features"]))
    return full, retrieval_only


def by_source(rows: Sequence[dict[str, Any]], scores: Sequence[float], threshold: float) -> dict[str, str]:
    """Per source file, how many questions are handled right at this threshold: the
    unanswerable ones refused, the answerable ones kept (and how many of those cite right)."""
    out: dict[str, str] = {}
    for name in dict.fromkeys(source(r) for r in rows):
        part = [(c, r) for c, r in zip(scores, rows, strict=True) if source(r) == name]
        answerable = [(c, r) for c, r in part if r["answerable"]]
        unanswerable = [c for c, r in part if not r["answerable"]]
        said = []
        if answerable:
            kept = [r for c, r in answerable if c >= threshold]
            right = sum(1 for r in kept if r["right3"])
            said.append(f"{len(kept)}/{len(answerable)} answered ({right} cited right@3)")
        if unanswerable:
            said.append(f"{sum(1 for c in unanswerable if c < threshold)}/{len(unanswerable)} refused")
        out[name] = ", ".join(said)
    return out


def _shipped_report(out: Any, rows: Sequence[dict[str, Any]]) -> None:
    scores = shipped_confidences(rows)
    if scores is None:
        out.write("shipped constants: not measured (no scope model or embeddings)\n")
        return
    for title, values, threshold in (
        ("full model", scores[0], answering.THRESHOLD),
        ("retrieval-only model", scores[1], answering.RETRIEVAL_ONLY_THRESHOLD),
    ):
        measured = measure(rows, values, threshold)
        out.write(f"shipped {title} on tune as it is: { {k: round(v, 3) for k, v in measured.items()} }\n")
        out.write(f"  per source: {by_source(rows, values, threshold)}\n")


def _report(
    out: Any,
    title: str,
    rows: Sequence[dict[str, Any]],
    names: Sequence[str],
    prefix: str,
    threshold: str,
    shipped_threshold: float,
) -> None:
    runs = out_of_fold(rows, names)
    writers = out_of_fold(rows, names, by_writer=True)
    chosen, verdict = choose(rows, writers)
    model = fit(rows, names)
    shipped = averaged(rows, writers, shipped_threshold)
    out.write(f"{title}: by writer × {REPEATS} on tune at the shipped threshold: ")
    out.write(f"{ {k: round(v, 3) for k, v in shipped.items()} }\n")
    out.write(f"{title}: by writer × {REPEATS} on tune at the chosen threshold: ")
    out.write(f"{ {k: round(v, 3) for k, v in chosen.items()} } {verdict}\n")
    out.write(f"  per source, by writer: {by_source(rows, writers[0], chosen['threshold'])}\n")
    mixed = averaged(rows, runs, chosen["threshold"])
    out.write(f"  {FOLDS}-fold × {REPEATS} (writers mixed) at the chosen threshold: ")
    out.write(f"{ {k: round(v, 3) for k, v in mixed.items()} }\n")
    fitted = measure(rows, [model.confidence(r["features"]) for r in rows], chosen["threshold"])
    out.write(f"  whole tune, fitted on itself: { {k: round(v, 3) for k, v in fitted.items()} }\n")
    out.write(f"{prefix}BIAS = {round(model.bias, 4)}\n")
    out.write(f"{prefix}WEIGHTS: dict[str, float] = {{\n")
    for name, weight in sorted(model.weights.items()):
        out.write(f'    "{name}": {round(weight, 4)},\n')
    out.write("}\n")
    out.write(f"{threshold} = {chosen['threshold']}\n")


def main() -> None:
    rows = collect()
    answerable = [r for r in rows if r["answerable"]]
    out = sys.stdout
    out.write(f"tuning questions: {len(rows)} ({len(rows) - len(answerable)} unanswerable)\n")
    out.write(f"retrieval-only cited-right@3: {sum(r['right3'] for r in answerable) / max(1, len(answerable)):.4f}\n")
    _shipped_report(out, rows)
    _report(
        out,
        "retrieval features only",
        rows,
        FEATURES,
        "RETRIEVAL_ONLY_",
        "RETRIEVAL_ONLY_THRESHOLD",
        answering.RETRIEVAL_ONLY_THRESHOLD,
    )
    if all(r.get("embedding") is not None for r in rows if r["features"]):
        scope = fit_scope(rows)
        answering.SCOPE_FILE.parent.mkdir(exist_ok=True)
        answering.SCOPE_FILE.write_text(
            json.dumps({"bias": scope[0], "weights": scope[1], "l2": SCOPE_L2, "questions": len(rows)}),
            encoding="utf-8",
        )
        out.write(f"scope model written to {answering.SCOPE_FILE}\n")
        # The confidence model is fitted on out-of-fold semantic values, as new questions get.
        semantic_rows = with_semantic(rows, semantic_out_of_fold(rows, seed=99, by_writer=True))
        _report(
            out,
            "with the semantic scope",
            semantic_rows,
            (*FEATURES, "semantic"),
            "CONFIDENCE_",
            "THRESHOLD",
            answering.THRESHOLD,
        )


def scan(values: Sequence[float] = (0.03, 0.3, 1.0, 3.0)) -> None:
    """The operating point chosen by writer for each L2 of the scope model (tune only):
    `gongkai shell -c "from gongkai.assistant.eval import calibrate; calibrate.scan()"`."""
    rows = collect()
    names = (*FEATURES, "semantic")
    for value in values:
        chosen, verdict = choose(rows, out_of_fold(rows, names, by_writer=True, scope_l2=value))
        sys.stdout.write(f"SCOPE_L2 {value}: { {k: round(v, 3) for k, v in chosen.items()} } {verdict}\n")
