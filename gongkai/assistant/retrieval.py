"""Retrieval for the assistant: documents from the search engine, then passages.

1. Candidates: the search engine (#5: word and character-bigram BM25 with synonym
   expansion, every hit public now) returns the best CANDIDATES documents.
2. Their stored passages (knowledge.py; split on the fly for an item the worker has not
   reached yet) are scored with BM25 over the question's units (each with its synonyms;
   a unit matches as a word, as a phrase, or as all of its bigrams), with IDF from the
   whole index (document frequency in the search index's word field), times a bonus for
   the cue words of the question's type (条件, 材料, 流程, 时限, 费用, 地点, 依据).
3. Optionally (dense.enabled()) the question's e5 embedding ranks the same passages by
   cosine, and the two rankings are fused by reciprocal rank.
4. Documents are ranked by SEARCH_WEIGHT × their search score (normalised to the best
   hit) + (1 − SEARCH_WEIGHT) × their best passage's score (normalised likewise).

Everything here reads; nothing is written. The weights were tuned on eval/tune.jsonl only.
"""

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Max

from gongkai.search import analysis, index
from gongkai.search.engine import Hit, SearchRequest, search

from . import dense
from . import passages as splitting
from .knowledge import stored_passages
from .models import AssistantPassage

CANDIDATES = 20
BM25_K1 = 1.2
BM25_B = 0.75
TYPE_BONUS = 0.15
SEARCH_WEIGHT = 0.8
# Priors on a document's combined score. The corpus holds the local regulations of other
# provinces (上海、北京、山东…); they do not govern a Dazhou citizen's question unless the
# question names that place. Judicial interpretations come after the law they interpret.
OTHER_REGION_FACTOR = 0.5
INTERPRETATION_FACTOR = 0.7
_REGIONS = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南"
    "|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆|深圳|厦门|珠海|汕头"
)
_OTHER_REGION = re.compile(rf"^(?:{_REGIONS})|^(?!四川|达州)[\u4e00-\u9fff]{{2,4}}(?:市|县|自治州|经济特区)")
_REGION_NAME = re.compile(rf"^(?:{_REGIONS}|[\u4e00-\u9fff]{{2,4}}?(?=市|县|自治州|经济特区))")
# A unit matched only through its bigrams counts this share of its weight.
BIGRAM_SHARE = 0.6
RRF_K = 60
# Dense retrieval re-ranks this many of the best BM25 passages.
DENSE_DEPTH = 50
CACHE_ITEMS = 512

QUESTION_TYPES: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "条件": (
        re.compile(r"条件|资格|符合|能不能|能否|可不可以|可以.*吗|是否可以|有权"),
        ("条件", "具备", "符合", "下列情形", "应当", "可以", "有权"),
    ),
    "材料": (
        re.compile(r"材料|证明|证件|手续|需要带|提交|提供什么|要什么"),
        ("材料", "提交", "提供", "证明", "证件", "申请书", "复印件"),
    ),
    "流程": (
        re.compile(r"流程|程序|步骤|手续|怎么办理|如何办理|怎么申请|如何申请|怎样申请|怎么办|办理"),
        ("程序", "申请", "受理", "审核", "办理", "决定", "登记"),
    ),
    "时限": (
        re.compile(r"多久|多长时间|期限|时限|几天|多少天|什么时候|时效|期间|几年|多少年"),
        ("日内", "期限", "工作日", "之日起", "时效", "期间", "年"),
    ),
    "费用": (
        re.compile(r"多少钱|费用|收费|缴费|交多少|标准|补贴多少|赔偿多少|赔多少"),
        ("费用", "收费", "缴纳", "标准", "赔偿", "补偿", "元"),
    ),
    "地点": (
        re.compile(r"哪里|哪儿|在哪|什么地方|哪个部门|找谁|向谁|哪个法院|哪个机关"),
        ("所在地", "住所地", "机关", "部门", "人民法院", "向"),
    ),
    "依据": (
        re.compile(r"依据|根据|法律规定|哪条|什么规定|有没有规定|合法吗|违法吗"),
        ("依据", "根据", "规定", "依照"),
    ),
}


def question_types(question: str) -> list[str]:
    return [name for name, (pattern, _) in QUESTION_TYPES.items() if pattern.search(question)]


# --- passages with their token streams ----------------------------------------------------


@dataclass(frozen=True)
class Passage:
    item_id: int
    position: int
    heading: str
    article: str
    text: str
    normalised: str
    words: Counter[str]
    length: int


@dataclass(frozen=True)
class Document:
    """One item's passages with a word → passages index, built once per item version."""

    passages: tuple[Passage, ...]
    postings: dict[str, list[int]]  # word → indexes of the passages holding it
    normalised: str  # every passage's normalised text, joined by newlines


def _passage(
    item_id: int, position: int, heading: str, article: str, text: str, terms: str | None, normalised: str = ""
) -> Passage:
    normalised = normalised or analysis.normalize(text)
    words = Counter(terms.split() if terms else analysis.words(normalised))
    return Passage(item_id, position, heading, article, text, normalised, words, sum(words.values()))


def _document(passages: Sequence[Passage]) -> Document:
    postings: dict[str, list[int]] = {}
    for i, passage in enumerate(passages):
        for word in passage.words:
            postings.setdefault(word, []).append(i)
    return Document(tuple(passages), postings, "\n".join(p.normalised for p in passages))


class _Cache:
    """The analysed documents of recently used items, keyed by (item id, item version)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[tuple[int, str], Document] = OrderedDict()

    def get(self, key: tuple[int, str]) -> Document | None:
        found = self.data.get(key)
        if found is not None:
            self.data.move_to_end(key)
        return found

    def put(self, key: tuple[int, str], value: Document) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.size:
            self.data.popitem(last=False)

    def clear(self) -> None:
        self.data.clear()


_cache = _Cache(CACHE_ITEMS)


def _versions(hits: Sequence[Hit]) -> dict[int, str]:
    """Each item's cache key: its stored passages' newest row id (a re-sync writes new rows),
    or, while it has none, a fingerprint of its body (one query for all the hits)."""
    stored = dict(
        AssistantPassage.objects.filter(item_id__in=[h.id for h in hits])
        .values("item_id")
        .annotate(newest=Max("id"))
        .values_list("item_id", "newest")
    )
    out: dict[int, str] = {}
    for hit in hits:
        body = hit.body
        out[hit.id] = f"{stored.get(hit.id, 'body')}:{len(body)}:{hash(body)}"
    return out


def documents_of(hits: Sequence[Hit]) -> dict[int, Document]:
    """The analysed passages of these (public) items: stored rows in one query for those not
    cached; an item without stored rows yet (the worker has not reached it) is split on the fly."""
    out: dict[int, Document] = {}
    missing: dict[int, Hit] = {}
    versions = _versions(hits)
    for hit in hits:
        found = _cache.get((hit.id, versions[hit.id]))
        if found is not None:
            out[hit.id] = found
        else:
            missing[hit.id] = hit
    if missing:
        rows: dict[int, list[Passage]] = {}
        fields = ("item_id", "position", "heading", "article", "text", "terms", "normalised")
        for values in stored_passages(missing).values_list(*fields):
            passage = _passage(*values)
            rows.setdefault(passage.item_id, []).append(passage)
        for pk, hit in missing.items():
            if pk in rows:
                value = _document(rows[pk])
            else:
                body = hit.body
                split = splitting.split(body)
                value = _document([_passage(pk, p.index, p.heading, p.label.rstrip("、"), p.text, None) for p in split])
            _cache.put((pk, versions[pk]), value)
            out[pk] = value
    return out


# --- the question ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryUnit:
    text: str
    alternatives: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]  # (words, bigrams, weight)
    idf: float
    # How many indexed documents use the unit in its commonest form (a phrase counts as its
    # rarest word): 0 means no published document speaks of it at all.
    df: int = 0


def _idf(df: int, n: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def query_units(question: str) -> list[QueryUnit]:
    """The question's content units, each with its alternatives and its IDF over the index."""
    aq = analysis.analyse_query(question)
    searcher = index.reader().searcher()
    n = max(1, searcher.num_docs)
    out: list[QueryUnit] = []
    for unit in aq.units:
        alternatives = tuple((alt.words, alt.bigrams, alt.weight) for alt in unit.alternatives)
        best = 0.0
        commonest = 0
        for words, _grams, _weight in alternatives:
            if not words:
                continue
            # A phrase is as rare as its rarest word.
            df = min(searcher.doc_freq("body_w", w) for w in words)
            best = max(best, _idf(df, n))
            commonest = max(commonest, df)
        out.append(QueryUnit(unit.text, alternatives, best, commonest))
    return out


def _unit_matches(unit: QueryUnit, document: Document) -> dict[int, tuple[float, float]]:
    """passage index → (weight of the best matching alternative, its term frequency)."""
    best: dict[int, tuple[float, float]] = {}

    def offer(i: int, weight: float, tf: float) -> None:
        if weight > best.get(i, (0.0, 0.0))[0]:
            best[i] = (weight, tf)

    for words, grams, weight in unit.alternatives:
        if len(words) == 1:
            for i in document.postings.get(words[0], ()):
                offer(i, weight, float(document.passages[i].words[words[0]]))
        joined = "".join(words)
        if len(words) > 1 and joined in document.normalised:
            for i, passage in enumerate(document.passages):
                if joined in passage.normalised:
                    offer(i, weight, float(passage.normalised.count(joined)))
        # A unit the segmenter cut differently still matches when all its bigrams occur.
        if len(grams) > 1 and all(g in document.normalised for g in grams):
            for i, passage in enumerate(document.passages):
                if i not in best and all(g in passage.normalised for g in grams):
                    offer(i, weight * BIGRAM_SHARE, 1.0)
    return best


# --- ranking ----------------------------------------------------------------------------------


@dataclass
class ScoredPassage:
    hit: Hit
    passage: Passage
    score: float
    matched: frozenset[str]
    bm25_rank: int = 0
    dense_rank: int | None = None
    cosine: float | None = None


@dataclass
class RankedDocument:
    hit: Hit
    search_rank: int
    score: float
    best: ScoredPassage
    passages: list[ScoredPassage] = field(default_factory=list)


@dataclass
class Retrieval:
    units: list[QueryUnit]
    types: list[str]
    hits: list[Hit]
    passages: list[ScoredPassage]  # best first
    documents: list[RankedDocument]  # best first
    dense_used: bool = False

    @property
    def total_idf(self) -> float:
        return sum(u.idf for u in self.units)

    def coverage(self, passages: Sequence[ScoredPassage]) -> float:
        """The share of the question's IDF that these passages match."""
        matched = frozenset().union(*(p.matched for p in passages)) if passages else frozenset()
        total = self.total_idf
        return sum(u.idf for u in self.units if u.text in matched) / total if total else 0.0


def candidates(question: str, *, scope: list[int] | None, depth: int = CANDIDATES) -> list[Hit]:
    response = search(SearchRequest(q=question, page_size=depth, scope=scope, facets=False, snippets=False))
    unique: dict[int, Hit] = {}
    for hit in ([response.direct] if response.direct else []) + response.hits:
        if hit is not None:
            unique.setdefault(hit.id, hit)
    return list(unique.values())[:depth]


def score_passages(hits: Sequence[Hit], units: Sequence[QueryUnit], types: Sequence[str]) -> list[ScoredPassage]:
    by_item = documents_of(hits)
    total = sum(len(d.passages) for d in by_item.values())
    if not total:
        return []
    average = sum(p.length for d in by_item.values() for p in d.passages) / total or 1.0
    cues = {cue for name in types for cue in QUESTION_TYPES[name][1]}
    scored: list[ScoredPassage] = []
    for hit in hits:
        document = by_item.get(hit.id)
        if document is None:
            continue
        scores: dict[int, float] = {}
        matched: dict[int, set[str]] = {}
        for unit in units:
            for i, (weight, tf) in _unit_matches(unit, document).items():
                passage = document.passages[i]
                norm = BM25_K1 * (1 - BM25_B + BM25_B * passage.length / average)
                scores[i] = scores.get(i, 0.0) + weight * unit.idf * tf * (BM25_K1 + 1) / (tf + norm)
                matched.setdefault(i, set()).add(unit.text)
        for i, score in scores.items():
            if score <= 0:
                continue
            passage = document.passages[i]
            cue_hits = sum(1 for cue in cues if cue in passage.normalised)
            score *= 1 + TYPE_BONUS * min(cue_hits, 2)
            scored.append(ScoredPassage(hit, passage, score, frozenset(matched[i])))
    scored.sort(key=lambda s: (-s.score, s.passage.item_id, s.passage.position))
    for rank, item in enumerate(scored):
        item.bm25_rank = rank
    return scored


def _fuse_dense(question: str, scored: list[ScoredPassage]) -> bool:
    """Re-rank the passages by reciprocal-rank fusion of BM25 and e5 cosine; False when the
    candidates carry no embeddings yet."""
    import time

    if not scored:
        return False
    # Only the best DENSE_DEPTH passages by BM25 are re-ranked (one query for their vectors).
    head = scored[:DENSE_DEPTH]
    wanted = {(s.passage.item_id, s.passage.position) for s in head}
    rows = AssistantPassage.objects.filter(
        item_id__in={i for i, _ in wanted}, position__in={p for _, p in wanted}, embedding__isnull=False
    ).values_list("item_id", "position", "embedding")
    lookup = {(i, p): bytes(e) for i, p, e in rows if (i, p) in wanted and e is not None}
    blobs = [lookup.get((s.passage.item_id, s.passage.position)) for s in head]
    if not any(b is not None for b in blobs):
        return False
    dense.warm()
    started = time.perf_counter()
    vector = dense.embed_query(question)
    if (time.perf_counter() - started) * 1000 > dense.QUERY_BUDGET_MS:
        return False
    cosines = dense.cosine(vector, blobs)
    order = sorted((i for i, c in enumerate(cosines) if c is not None), key=lambda i: -(cosines[i] or 0.0))
    for rank, i in enumerate(order):
        head[i].dense_rank = rank
        head[i].cosine = cosines[i]
    top = scored[0].score
    for s in scored:
        rrf = 1.0 / (RRF_K + s.bm25_rank) + (1.0 / (RRF_K + s.dense_rank) if s.dense_rank is not None else 0.0)
        s.score = top * rrf * RRF_K / 2
    scored.sort(key=lambda s: (-s.score, s.passage.item_id, s.passage.position))
    return True


def prior(title: str, question: str) -> float:
    """The document's prior: lower for another region's rules (unless the question names
    that region) and for judicial interpretations."""
    factor = 1.0
    if _OTHER_REGION.search(title):
        name = _REGION_NAME.match(title)
        if name is None or name.group(0) not in question:
            factor *= OTHER_REGION_FACTOR
    if title.startswith("最高人民") or "解释" in title[-10:]:
        factor *= INTERPRETATION_FACTOR
    return factor


def rank_documents(hits: Sequence[Hit], scored: Sequence[ScoredPassage], question: str = "") -> list[RankedDocument]:
    per_item: dict[int, list[ScoredPassage]] = {}
    for s in scored:
        per_item.setdefault(s.hit.id, []).append(s)
    if not per_item:
        return []
    top_search = max((h.score for h in hits), default=0.0) or 1.0
    top_passage = max(ps[0].score for ps in per_item.values()) or 1.0
    documents = [
        RankedDocument(
            hit,
            rank,
            prior(hit.title, question)
            * (SEARCH_WEIGHT * hit.score / top_search + (1 - SEARCH_WEIGHT) * per_item[hit.id][0].score / top_passage),
            per_item[hit.id][0],
            per_item[hit.id],
        )
        for rank, hit in enumerate(hits)
        if hit.id in per_item
    ]
    documents.sort(key=lambda d: (-d.score, d.search_rank))
    return documents


def retrieve(question: str, *, scope: list[int] | None = None, use_dense: bool | None = None) -> Retrieval:
    types = question_types(question)
    units = query_units(question)
    if not units:
        return Retrieval(units, types, [], [], [])
    hits = candidates(question, scope=scope)
    scored = score_passages(hits, units, types)
    dense_used = False
    if (dense.enabled() if use_dense is None else use_dense and dense.available()) and scored:
        dense_used = _fuse_dense(question, scored)
    return Retrieval(units, types, hits, scored, rank_documents(hits, scored, question), dense_used)


def clear_cache() -> None:
    _cache.clear()
