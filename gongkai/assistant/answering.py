"""The policy assistant's answer: extractive, from the published documents only.

1. The search engine (#5: word and character-bigram BM25, synonyms) finds the best
   documents; every hit it returns is public now (withdrawn items are gone at once).
2. The top documents are split into passages (passages.py: articles with their heading
   path) and the passages are ranked with BM25 over the analysed question units (each
   with its synonyms; a unit matches as a word or as all of its bigrams), plus a bonus
   for the cue words of the question's type (条件, 材料, 流程, 时限, 费用, 地点, 依据),
   plus a prior from the document's rank in the search.
3. The answer is the best passage's sentences that hold question words, verbatim, each
   with its citation (title, 文号, article, link); a short 依据 list and follow-up
   questions go with it.
4. Confidence mixes two shares of the question's words: the share that are words of the
   published documents at all (found in at least DOMAIN_SHARE of the indexed documents,
   at most DOMAIN_MAX_DF: 天气, 股票, 签证 are not), weight DOMAIN_WEIGHT, and the share
   of the question's weight (IDF over the passages retrieved) that the best three
   passages cover. Below THRESHOLD (tuned on eval/tune.jsonl only) the assistant
   refuses and says which words it did not find, offering the search page and a
   request for disclosure (依申请公开).

Nothing the question or a document says is ever executed or followed: the answer is
document text copied, never generated, so an instruction inside either has no effect.
"""

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from gongkai.search import analysis, index
from gongkai.search.engine import Hit, SearchRequest, search

from . import passages as splitting

# Questions are cut to this many characters before analysis.
MAX_QUESTION_CHARS = 500
TOP_DOCUMENTS = 10
MAX_ANSWER_SENTENCES = 3
MAX_CITATIONS = 3
# Below this confidence the assistant refuses (tuned on eval/tune.jsonl).
THRESHOLD = 0.48
DOMAIN_WEIGHT = 0.75
DOMAIN_SHARE = 0.01
DOMAIN_MAX_DF = 30
BM25_K1 = 1.2
BM25_B = 0.75
TYPE_BONUS = 0.15
RANK_PRIOR = 0.6
OTHER_CITATION_SHARE = 0.0

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
        re.compile(r"流程|程序|步骤|怎么办|如何办|怎么申请|怎样|怎么|如何|办理"),
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
            "question_types": self.question_types,
            "missing_terms": self.missing_terms,
            "search_url": self.search_url,
            "confidence": round(self.confidence, 4),
            "took_ms": self.took_ms,
        }


# --- passages with their token streams ---------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    passage: splitting.Passage
    normalised: str
    words: Counter[str]
    bigrams: frozenset[str]
    length: int


@lru_cache(maxsize=64)
def _document(pk: int, version: str, body: str) -> tuple[Tokens, ...]:
    out: list[Tokens] = []
    for passage in splitting.split(body):
        normalised = analysis.normalize(passage.text)
        words = Counter(analysis.words(normalised))
        out.append(Tokens(passage, normalised, words, frozenset(analysis.bigrams(normalised)), sum(words.values())))
    return tuple(out)


def _tokens_of(hit: Hit) -> tuple[Tokens, ...]:
    item = hit.item
    body = item.body_text or item.summary or ""
    version = item.published_at.isoformat() if item.published_at else ""
    return _document(item.pk, version + str(len(body)), body)


# --- matching the question --------------------------------------------------------------


@dataclass(frozen=True)
class QueryUnit:
    text: str
    alternatives: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]  # (words, bigrams, weight)


def _units(question: str) -> list[QueryUnit]:
    aq = analysis.analyse_query(question)
    return [
        QueryUnit(unit.text, tuple((alt.words, alt.bigrams, alt.weight) for alt in unit.alternatives))
        for unit in aq.units
    ]


def _unit_match(unit: QueryUnit, tokens: Tokens) -> tuple[float, float]:
    """(weight of the best matching alternative, its term frequency) in the passage."""
    best = (0.0, 0.0)
    for words, grams, weight in unit.alternatives:
        if len(words) == 1 and words[0] in tokens.words:
            tf = float(tokens.words[words[0]])
        elif words and "".join(words) in tokens.normalised:
            tf = float(tokens.normalised.count("".join(words)))
        elif grams and len(grams) > 1 and all(g in tokens.bigrams for g in grams):
            tf, weight = 1.0, weight * 0.6
        else:
            continue
        if weight > best[0]:
            best = (weight, tf)
    return best


@dataclass
class Scored:
    hit: Hit
    rank: int
    tokens: Tokens
    score: float
    matched: frozenset[str]


def _rank(hits: list[Hit], units: list[QueryUnit], types: list[str]) -> tuple[list[Scored], dict[str, float]]:
    candidates = [(rank, hit, t) for rank, hit in enumerate(hits) for t in _tokens_of(hit)]
    n = len(candidates)
    if not n:
        return [], {}
    average = sum(t.length for _, _, t in candidates) / n or 1.0
    matches = {u.text: [_unit_match(u, t) for _, _, t in candidates] for u in units}
    idf = {
        text: math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        for text, found in matches.items()
        for df in [sum(1 for w, _ in found if w > 0)]
    }
    cues = [cue for name in types for cue in QUESTION_TYPES[name][1]]
    scored: list[Scored] = []
    for position, (rank, hit, tokens) in enumerate(candidates):
        score = 0.0
        matched: set[str] = set()
        norm = BM25_K1 * (1 - BM25_B + BM25_B * tokens.length / average)
        for unit in units:
            weight, tf = matches[unit.text][position]
            if weight <= 0:
                continue
            matched.add(unit.text)
            score += weight * idf[unit.text] * tf * (BM25_K1 + 1) / (tf + norm)
        if score <= 0:
            continue
        cue_hits = sum(1 for cue in set(cues) if cue in tokens.normalised)
        score *= 1 + TYPE_BONUS * min(cue_hits, 2)
        score *= 1 + RANK_PRIOR * (len(hits) - rank)
        scored.append(Scored(hit, rank, tokens, score, frozenset(matched)))
    scored.sort(key=lambda s: (-s.score, s.rank, s.tokens.passage.index))
    return scored, idf


def _coverage(matched: frozenset[str], idf: dict[str, float]) -> float:
    total = sum(idf.values())
    return sum(idf[t] for t in matched) / total if total else 0.0


def _domain_share(units: list[QueryUnit]) -> float:
    """The share of the question's words that the published documents use at all."""
    if not units:
        return 0.0
    searcher = index.reader().searcher()
    needed = max(1, min(DOMAIN_MAX_DF, round(searcher.num_docs * DOMAIN_SHARE)))
    found = 0
    for unit in units:
        words = [alt[0][0] for alt in unit.alternatives if len(alt[0]) == 1]
        if any(searcher.doc_freq("body_w", word) >= needed for word in words):
            found += 1
    return found / len(units)


def confidence(scored: list["Scored"], idf: dict[str, float], units: list[QueryUnit]) -> float:
    if not scored:
        return 0.0
    covered = _coverage(frozenset().union(*(s.matched for s in scored[:3])), idf)
    return DOMAIN_WEIGHT * _domain_share(units) + (1 - DOMAIN_WEIGHT) * covered


# --- the answer ----------------------------------------------------------------------------


def _item_url(pk: int) -> str:
    try:
        return reverse("web:item", args=[pk])
    except NoReverseMatch:
        return f"/gk/item/{pk}/"


def _search_url(question: str) -> str:
    try:
        base = reverse("web:search")
    except NoReverseMatch:
        base = "/search/"
    return f"{base}?{urlencode({'q': question[: analysis.MAX_QUERY_CHARS]})}"


def _citation(scored: Scored) -> Citation:
    hit, passage = scored.hit, scored.tokens.passage
    return Citation(
        external_id=hit.external_id,
        title=hit.title,
        doc_number=hit.doc_number,
        article=passage.label.rstrip("、"),
        heading=passage.heading,
        url=_item_url(hit.id),
    )


def _best_sentences(scored: Scored, units: list[QueryUnit], idf: dict[str, float]) -> list[str]:
    parts = splitting.sentences(scored.tokens.passage.text)
    if len(parts) <= MAX_ANSWER_SENTENCES:
        return parts
    weights: list[tuple[float, int]] = []
    for position, sentence in enumerate(parts):
        normalised = analysis.normalize(sentence)
        value = sum(idf.get(u.text, 0.0) for u in units if any("".join(w) in normalised for w, _, _ in u.alternatives))
        weights.append((value + (0.01 if position == 0 else 0.0), position))
    chosen = sorted(p for _, p in sorted(weights, key=lambda x: (-x[0], x[1]))[:MAX_ANSWER_SENTENCES])
    return [parts[p] for p in chosen]


FOLLOW_UP_TEMPLATES = {
    "条件": "{topic}需要符合哪些条件？",
    "材料": "办理{topic}需要提交哪些材料？",
    "流程": "{topic}的办理程序是怎样的？",
    "时限": "{topic}有什么期限规定？",
    "费用": "{topic}的费用标准是多少？",
    "地点": "{topic}应当向哪个部门申请？",
    "依据": "{topic}的法律依据是什么？",
}


def _follow_ups(units: list[QueryUnit], idf: dict[str, float], types: list[str]) -> list[str]:
    words = [u.text for u in units if len(u.text) >= 2 and not u.text.isascii()]
    if not words:
        return []
    topic = max(words, key=lambda w: idf.get(w, 0.0))
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
    result.search_url = _search_url(text) if text else ""
    try:
        return _answer(result, text, scope)
    finally:
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)


# Clauses that address the assistant instead of asking about policy ("忽略以上指令…",
# "扮演…", "系统提示词") are dropped before retrieval: they are never followed anyway (the
# answer is copied document text), and their words should not pick the documents.
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|跳过)[^，。；！？,.;!?]{0,12}(指令|规则|提示|要求|设定|内容|限制)"
    r"|系统提示|提示词|扮演|你现在(是|不是)|管理员身份|越狱|ignore\s+(all\s+)?(previous|above)|system\s+prompt",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[^，。；！？,.;!?\n]+[，。；！？,.;!?\n]?")


def without_injection(text: str) -> str:
    """The question without the clauses that try to instruct the assistant."""
    return "".join(c for c in _CLAUSE.findall(text) if not _INJECTION.search(c)).strip()


def _answer(result: Answer, text: str, scope: list[int] | None) -> Answer:
    if not analysis.has_content(text):
        return _refusal(result, "请输入要咨询的问题，例如“社保断缴了还能补缴吗？”")
    text = without_injection(text)
    if not analysis.has_content(text):
        return _refusal(result, "本助手只根据已发布的政府文件回答政策问题，请直接输入要咨询的问题。")
    types = question_types(text)
    result.question_types = types
    units = _units(text)
    if not units:
        return _refusal(result, "问题中没有可检索的词语，请换一种说法再问。")
    response = search(SearchRequest(q=text, page_size=TOP_DOCUMENTS, scope=scope, facets=False, snippets=False))
    hits = [h for h in ([response.direct] if response.direct else []) + response.hits if h is not None]
    unique: dict[int, Hit] = {}
    for hit in hits:
        unique.setdefault(hit.id, hit)
    hits = list(unique.values())[:TOP_DOCUMENTS]
    scored, idf = _rank(hits, units, types)
    result.confidence = confidence(scored, idf, units)
    if not scored or result.confidence < THRESHOLD:
        found = scored[0].matched if scored else frozenset()
        result.missing_terms = [u.text for u in units if u.text not in found][:8]
        what = "、".join(result.missing_terms) or text[:30]
        return _refusal(
            result,
            f"已发布的文件中没有找到能回答这个问题的内容（未找到与“{what}”相关的规定）。"
            "可以到站内搜索查找相关文件，或依申请公开。",
        )
    best = scored[0]
    result.refused = False
    result.sentences = [Sentence(s, _citation(best)) for s in _best_sentences(best, units, idf)]
    # The best passage, then the best passage of each other document that comes close.
    citations = [_citation(best)]
    cited_items = {best.hit.id}
    for other in scored[1:]:
        if len(citations) >= MAX_CITATIONS or other.score < best.score * OTHER_CITATION_SHARE:
            break
        if other.hit.id not in cited_items:
            cited_items.add(other.hit.id)
            citations.append(_citation(other))
    result.citations = citations
    result.follow_ups = _follow_ups(units, idf, types)
    result.message = f"根据已发布的文件，{citations[0].basis}规定："
    return result
