"""The query path: analysed query → tantivy query with filters → hits checked against the
database → snippets, facets, suggestions.

Ranking is BM25 over four fields (title and body, each as words and as character
bigrams), weighted by the kind of query: a short keyword query leans on the title and
requires every word (falling back to any word when that finds nothing); a long
colloquial question leans on the body and lets every word count. Adjacent query words
found close together in the body (phrase, slop 3) add a proximity bonus; a 文号 inside
the query adds a strong boost for the document that carries it. The document type
weight (doctypes.py) multiplies the score. The first RERANK_DEPTH documents of a
relevance-ranked query are then reranked by their best articles (第X条, indexed apart in
the generation's article index), see "article-level rerank" below.

Every page of hits is checked against `public_items()` with one query: an item
withdrawn a moment ago is gone from results at once, before the worker has removed it
from the index (counts and facets follow when the outbox is applied, within seconds).
"""

import itertools
import math
import os
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import tantivy
from django.utils.safestring import SafeString
from tantivy import Occur, Query

from gongkai.core.compiled import ByIds
from gongkai.publishing import docnumber
from gongkai.publishing.models import InfoItem, Validity
from gongkai.publishing.selectors import public_items

from . import analysis, cache, doctypes, highlight, index, suggest

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# Results beyond this rank are not paged to (as on every large search engine).
MAX_RESULTS = 1000
FEW_RESULTS = 3


class Sort:
    RELEVANCE = "relevance"
    DATE = "date"


@dataclass
class Filters:
    organisation: int | None = None
    column: int | None = None
    subject: int | None = None
    doctype: str | None = None
    year: int | None = None
    validity: str | None = None

    def any(self) -> bool:
        return any(v is not None for v in vars(self).values())


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE
    sort: str = Sort.RELEVANCE
    # The bodies whose items may be returned (a site's bodies); None: every site.
    scope: list[int] | None = None
    filters: Filters = field(default_factory=Filters)
    facets: bool = True
    snippets: bool = True


@dataclass
class Hit:
    id: int
    external_id: str
    title: str
    title_html: SafeString
    doc_number: str
    index_number: str
    organisation_id: int
    organisation: str
    column_id: int
    column: str
    subject: str
    doctype: str
    validity: str
    validity_label: str
    published_at: datetime | None
    score: float
    snippet: SafeString
    body: str  # the text the snippet is cut from (the body, else the summary)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    # Estimated from a sample of the matches (a query matching more than FACET_EXACT_MAX).
    approximate: bool = False


@dataclass
class SearchResponse:
    query: str
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE
    sort: str = Sort.RELEVANCE
    hits: list[Hit] = field(default_factory=list)
    direct: Hit | None = None
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS)
        return max(1, -(-reachable // self.page_size))


# --- building the query ---------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    title_words: float
    title_bigrams: float
    body_words: float
    body_bigrams: float
    proximity: float
    require_all: bool


KEYWORDS = Weights(
    title_words=3.0, title_bigrams=1.5, body_words=1.0, body_bigrams=0.5, proximity=0.5, require_all=True
)
QUESTION = Weights(
    title_words=0.0, title_bigrams=0.0, body_words=1.0, body_bigrams=1.0, proximity=0.5, require_all=False
)
QUESTION_UNITS = 5
_QUESTION_MARKS = re.compile(r"[?？吗呢]|怎么|如何|能否|可以|是否|为什么|多少|哪")
DOC_NUMBER_BOOST = 20.0


def weights_for(aq: analysis.AnalysedQuery) -> Weights:
    if len(aq.units) >= QUESTION_UNITS or (len(aq.units) >= 3 and _QUESTION_MARKS.search(aq.raw)):
        return QUESTION
    return KEYWORDS


def _match(field_name: str, tokens: Sequence[str], boost: float, schema: tantivy.Schema | None = None) -> Query | None:
    tokens = [t for t in tokens if t]
    if not tokens or boost <= 0:
        return None
    schema = schema or index.SCHEMA
    if len(tokens) == 1:
        token = tokens[0]
        if field_name.endswith("_b") and len(token) == 1 and not token.isascii():
            query = Query.regex_query(schema, field_name, re.escape(token) + ".?")
        else:
            query = Query.term_query(schema, field_name, token)
    else:
        query = Query.phrase_query(schema, field_name, list(tokens))
    return Query.boost_query(query, boost)


# A phrase of character bigrams costs a pass over every document holding its rarest
# bigram, reading positions (at a million documents: 8 ms for 山东省, whose rarest bigram
# is in 58,000 documents; 50 ms for 第十七条, 321,000). Inside the union of a query word's
# clauses nothing drives it past those documents, and the facet walk pays it again. So
# where the rarest bigram of a word is in more than PHRASE_MAX_DOCS documents and the
# word itself is indexed as a word in the body, the body's bigram phrase is left out:
# the word field stands in for it (at a million documents the phrase added 2–4 % to
# the word's matches: the same characters inside a longer word), the title's bigram
# phrase stays. The demo corpus, like any site of up to about 30,000 documents, never
# reaches the bar, so its rankings do not depend on it.
PHRASE_MAX_DOCS = 30_000


def _unit_query(unit: analysis.Unit, w: Weights, searcher: tantivy.Searcher | None = None) -> Query:
    clauses: list[tuple[Occur, Query]] = []
    for alt in unit.alternatives:
        body_phrase = not (searcher is not None and _costly_phrase(searcher, alt))
        for name, tokens, boost in (
            ("title_w", alt.words, w.title_words),
            ("body_w", alt.words, w.body_words),
            ("title_b", alt.bigrams, w.title_bigrams),
            ("body_b", alt.bigrams if body_phrase else (), w.body_bigrams),
        ):
            query = _match(name, tokens, boost * alt.weight)
            if query is not None:
                clauses.append((Occur.Should, query))
    return Query.boolean_query(clauses) if clauses else Query.empty_query()


def _costly_phrase(searcher: tantivy.Searcher, alt: analysis.Alternative) -> bool:
    """Whether the alternative's body bigrams form a phrase too costly to walk, with its
    words indexed in the body to stand in for it."""
    if len(alt.bigrams) < 2 or searcher.num_docs <= PHRASE_MAX_DOCS:
        return False
    if min(searcher.doc_freq("body_b", gram) for gram in alt.bigrams) <= PHRASE_MAX_DOCS:
        return False
    return bool(alt.words) and all(searcher.doc_freq("body_w", word) for word in alt.words)


def doc_number_keys(text: str) -> list[str]:
    """The lookup keys of the 文号 written anywhere in the text. Where the issuer's
    start is unclear (关于达市府办发〔2022〕37号), every shorter issuer is a candidate too:
    keys that no document carries match nothing."""
    keys: list[str] = []
    whole = docnumber.key_for_query(text)
    if whole:
        keys.append(whole)
    for match in _DOC_NUMBER.finditer(analysis.normalize(text)):
        found = match.group(0)
        issuer = len(match.group("issuer"))
        for start in range(max(0, issuer - 1)):
            key = docnumber.key_for_query(found[start:])
            if key and key not in keys:
                keys.append(key)
    return keys


_OPEN, _CLOSE = re.escape("〔[(【{〈<［（｛"), re.escape("〕])】}〉>］）｝")
_DOC_NUMBER = re.compile(rf"(?P<issuer>[^\s\d{_OPEN}{_CLOSE}，。、；：“”]{{2,20}})[{_OPEN}]\d{{4}}[{_CLOSE}]第?\d+号")
_INDEX_NUMBER = re.compile(r"^[0-9a-z][0-9a-z.\-_/]{5,59}$")


def text_query(aq: analysis.AnalysedQuery, *, require_all: bool | None = None) -> Query | None:
    if aq.is_empty:
        return None
    w = weights_for(aq)
    required = w.require_all if require_all is None else require_all
    occur = Occur.Must if required else Occur.Should
    searcher = index.reader().searcher()
    clauses: list[tuple[Occur, Query]] = [(occur, _unit_query(unit, w, searcher)) for unit in aq.units]
    stop = analysis.stopwords()
    content = [word for word in aq.words if word not in stop]
    common = _common_words(searcher, content)
    for first, second in itertools.pairwise(content):
        if first != second and first not in common and second not in common:
            query = Query.phrase_query(index.SCHEMA, "body_w", [first, second], slop=3)
            clauses.append((Occur.Should, Query.boost_query(query, w.proximity)))
    for key in doc_number_keys(aq.raw[: analysis.MAX_QUERY_CHARS]):
        clauses.append((Occur.Should, Query.boost_query(Query.term_query(index.SCHEMA, "keys", key), DOC_NUMBER_BOOST)))
    if len(clauses) == 1:  # one word: the same matches and scores without the wrapper
        return clauses[0][1]
    return Query.boolean_query(clauses)


# A word in more than this share of the documents adds no proximity clause: scoring the
# positions of a word found in every twentieth document is what made common-word
# queries slow at a million documents, and such a word says little about nearness.
PROXIMITY_MAX_SHARE = 0.03


def _common_words(searcher: tantivy.Searcher, words: Sequence[str]) -> set[str]:
    if len(words) < 2:
        return set()
    limit = max(1, int(searcher.num_docs * PROXIMITY_MAX_SHARE))
    return {w for w in set(words) if searcher.doc_freq("body_w", w) > limit}


# --- the index's make-up, per index state ---------------------------------------------------
# Live documents per body and the highest id, read with one aggregation over the whole
# index once per index state (generation token and document count) and process: 1.2 ms
# at 300,000 documents, repaid by every search until the next commit.


@dataclass(frozen=True)
class Census:
    token: tuple[str, int]
    per_org: dict[int, int]
    max_id: int


_census_lock = threading.Lock()
_census: Census | None = None


def census(searcher: tantivy.Searcher) -> Census:
    global _census
    token = (index.generation_token(), int(searcher.num_docs))
    current = _census
    if current is not None and current.token == token:
        return current
    with _census_lock:
        current = _census
        if current is None or current.token != token:
            raw = searcher.aggregate(
                Query.all_query(),
                {"org": {"terms": {"field": "org", "size": 1_000_000}}, "max_id": {"max": {"field": "id"}}},
            )
            per_org = {int(b["key"]): int(b["doc_count"]) for b in raw.get("org", {}).get("buckets", [])}
            top = raw.get("max_id", {}).get("value")
            current = _census = Census(token=token, per_org=per_org, max_id=int(top or 0))
        return current


def scope_clauses(searcher: tantivy.Searcher, scope: Sequence[int]) -> list[tuple[Occur, Query]]:
    """The clauses that keep a site's bodies, in their cheapest exact form: none when
    every live document of the index belongs to them, else the smaller side — the set
    of the bodies in scope, or the exclusion of the bodies outside it. (A set of terms
    costs a pass over every document of its terms in each pass of the query: a site
    holding every document paid 0.8 ms per pass at 300,000 documents for nothing.)
    The census is per index state; a commit between reading the generation token and
    opening the searcher can at worst pair a searcher with the census of the state just
    before it, which still has the same bodies unless that very commit added the first
    item of a new body."""
    inside = set(scope)
    counts = census(searcher).per_org
    outside = [pk for pk, n in counts.items() if n and pk not in inside]
    if not outside:
        return []
    outside_docs = sum(counts[pk] for pk in outside)
    inside_docs = sum(n for pk, n in counts.items() if pk in inside)
    if outside_docs < inside_docs:
        return [(Occur.MustNot, Query.term_set_query(index.SCHEMA, "org", outside))]
    return [(Occur.Must, _unscored(Query.term_set_query(index.SCHEMA, "org", list(scope) or [0])))]


def _unscored(query: Query) -> Query:
    """A filter that adds nothing to the score: a Must clause adds its own score to every
    match (1 for a set of terms, the term's BM25 for a term), which the authority weight
    then multiplies, so a filtered or site-scoped ranking would differ from the same
    query unfiltered."""
    return Query.const_score_query(query, 0.0)


def filter_clauses(request: SearchRequest, searcher: tantivy.Searcher | None = None) -> list[tuple[Occur, Query]]:
    schema = index.SCHEMA
    clauses: list[tuple[Occur, Query]] = []
    if request.scope is not None:
        if searcher is None:
            clauses.append((Occur.Must, _unscored(Query.term_set_query(schema, "org", list(request.scope) or [0]))))
        else:
            clauses += scope_clauses(searcher, request.scope)
    f = request.filters
    for name, value in (
        ("org", f.organisation),
        ("column", f.column),
        ("subject", f.subject),
        ("year", f.year),
        ("doctype", f.doctype),
        ("validity", f.validity),
    ):
        if value is not None:
            clauses.append((Occur.Must, _unscored(Query.term_query(schema, name, value))))
    return clauses


def _combine(text: Query | None, filters: list[tuple[Occur, Query]]) -> Query:
    """The text and the filters in one query. A text alone is left as it is: a boolean
    query around one clause cost a fifth more at a million documents."""
    if text is not None and not filters:
        return text
    clauses = list(filters)
    if text is not None:
        clauses.insert(0, (Occur.Must, text))
    elif not clauses:
        return Query.all_query()
    else:
        # (also what an exclusion of bodies outside a site's scope needs to subtract from)
        clauses.insert(0, (Occur.Must, Query.all_query()))
    return Query.boolean_query(clauses)


# --- article-level rerank ----------------------------------------------------------------
# Laws and regulations are also indexed article by article (index.py, `articles/`). For
# a relevance-ranked text query the top RERANK_DEPTH documents, plus the ARTICLE_PULL
# documents whose articles score best and that match the query and its filters, are
# rescored: a document's own score (normalised to the best of them) plus ARTICLE_WEIGHT ×
# its article score (normalised likewise): the sum of its best ARTICLE_TOP articles, the
# n-th weighted ARTICLE_DECAY**n. So a long law whose articles answer the question is not
# buried by BM25's length normalisation under a short, loosely related text, and an
# article found in a long law brings that law into the candidates. A document without
# a matching article counts its own score there (reports and notices have no articles).
RERANK_DEPTH = 100
ARTICLE_HITS = 2000
ARTICLE_PULL = 20
ARTICLE_WEIGHT = 0.6
ARTICLE_TOP = 20
ARTICLE_DECAY = 0.9


def article_query(aq: analysis.AnalysedQuery) -> Query | None:
    """The analysed query over the article index (body weights of the query kind)."""
    if aq.is_empty:
        return None
    w = weights_for(aq)
    clauses: list[tuple[Occur, Query]] = []
    for unit in aq.units:
        for alt in unit.alternatives:
            for name, tokens, boost in (("art_w", alt.words, w.body_words), ("art_b", alt.bigrams, w.body_bigrams)):
                query = _match(name, tokens, boost * alt.weight, index.ARTICLE_SCHEMA)
                if query is not None:
                    clauses.append((Occur.Should, query))
    return Query.boolean_query(clauses) if clauses else None


def article_scores(aq: analysis.AnalysedQuery) -> dict[int, float]:
    """item id → the score of its best articles for the query, best item first (only
    items whose articles are among the ARTICLE_HITS best)."""
    articles = index.article_reader()
    query = article_query(aq)
    if articles is None or query is None:
        return {}
    searcher = articles.searcher()
    if searcher.num_docs == 0:
        return {}
    result = searcher.search(query, ARTICLE_HITS)
    addresses = [address for _, address in result.hits]
    if not addresses:
        return {}
    totals: dict[int, float] = {}
    counts: dict[int, int] = {}
    for (score, _), value in zip(result.hits, searcher.fast_field_values("id", addresses), strict=True):
        if value is None:
            continue
        pk = int(value)
        seen = counts.get(pk, 0)
        if seen < ARTICLE_TOP:
            totals[pk] = totals.get(pk, 0.0) + score * _DECAY[seen]
            counts[pk] = seen + 1
    return dict(sorted(totals.items(), key=lambda pair: -pair[1]))


_DECAY = [ARTICLE_DECAY**n for n in range(ARTICLE_TOP)]


def rerank(ranked: list[tuple[float, int]], articles: dict[int, float]) -> list[tuple[float, int]]:
    """(score, id) pairs in the order of the blended score (ties keep their order)."""
    if not ranked or not articles:
        return ranked
    top_doc = max(score for score, _ in ranked) or 1.0
    top_article = max(articles.values()) or 1.0
    blended = []
    for position, (score, pk) in enumerate(ranked):
        own = score / top_doc
        article = articles[pk] / top_article if pk in articles else own
        final = (own + ARTICLE_WEIGHT * article) / (1.0 + ARTICLE_WEIGHT)
        blended.append((-final, position, final * top_doc, pk))
    blended.sort()
    return [(score, pk) for _, _, score, pk in blended]


def _reranked(
    searcher: tantivy.Searcher, query: Query, aq: analysis.AnalysedQuery, scores: list[float], ids: list[int]
) -> list[tuple[float, int]]:
    """The top documents and the documents their articles bring, in the blended order."""
    articles = article_scores(aq)
    ranked = list(zip(scores, ids, strict=True))
    if not articles:
        return ranked
    have = set(ids)
    pulled = [pk for pk in itertools.islice(articles, ARTICLE_PULL * 2) if pk not in have][:ARTICLE_PULL]
    if pulled:
        # Their own scores, and whether they match the query and its filters at all.
        narrowed = Query.boolean_query(
            [(Occur.Must, query), (Occur.Must, _unscored(Query.term_set_query(index.SCHEMA, "id", pulled)))]
        )
        found = searcher.search(narrowed, len(pulled), count=False, weight_by_field="authority")
        extra = _ids(searcher, [address for _, address in found.hits])
        ranked += [(float(score), pk) for (score, _), pk in zip(found.hits, extra, strict=True)]
    return rerank(ranked, articles)


# --- the database side ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """What a hit shows of a public item (read as plain values: building the models and
    their related rows was half the cost of the query)."""

    pk: int
    external_id: str
    title: str
    doc_number: str
    index_number: str
    validity: str
    published_at: datetime | None
    body: str  # the body text, else the summary
    organisation_id: int
    organisation: str  # 发布机构 as on the item page: the issuing organ of an external document
    column_id: int
    column: str
    subject: str


_ROW_FIELDS = (
    "pk",
    "external_id",
    "title",
    "doc_number",
    "index_number",
    "validity",
    "published_at",
    "body_text",
    "summary",
    "organisation_id",
    "issuing_organ",
    "organisation__name",
    "column_id",
    "column__title",
    "subject__name",
)


_ROWS = ByIds(lambda now, ids: public_items(now).filter(pk__in=ids).order_by().values_list(*_ROW_FIELDS))


def _public_rows(ids: list[int]) -> dict[int, Row]:
    """The items among `ids` that are public now, in one query (compiled once per number
    of ids: building and compiling the queryset cost as much as running it)."""
    out: dict[int, Row] = {}
    for (
        pk,
        external_id,
        title,
        doc_number,
        index_number,
        validity,
        published_at,
        body_text,
        summary,
        organisation_id,
        issuing_organ,
        organisation_name,
        column_id,
        column_title,
        subject_name,
    ) in _ROWS.rows(ids):
        out[pk] = Row(
            pk=pk,
            external_id=external_id or "",
            title=title,
            doc_number=doc_number,
            index_number=index_number or "",
            validity=validity,
            published_at=published_at,
            body=body_text or summary or "",
            organisation_id=organisation_id,
            organisation=issuing_organ or organisation_name,
            column_id=column_id,
            column=column_title,
            subject=subject_name or "",
        )
    return out


def _terms_to_mark(aq: analysis.AnalysedQuery) -> list[str]:
    terms: list[str] = []
    for unit in aq.units:
        terms.append(unit.text)
        for alt in unit.alternatives:
            terms.append("".join(alt.words))
    return [t for t in terms if t]


# value → label (lazy: shown in the request's language); Validity.choices builds its
# list anew on every read.
_VALIDITY_LABELS: dict[str, Any] = dict(Validity.choices)


def _hit(row: Row, score: float, terms: list[str], snippets: bool) -> Hit:
    return Hit(
        id=row.pk,
        external_id=row.external_id,
        title=row.title,
        title_html=highlight.mark(row.title, terms),
        doc_number=row.doc_number,
        index_number=row.index_number,
        organisation_id=row.organisation_id,
        organisation=row.organisation,
        column_id=row.column_id,
        column=row.column,
        subject=row.subject,
        doctype=doctypes.doc_type(row.title),
        validity=row.validity,
        validity_label=str(_VALIDITY_LABELS.get(row.validity, row.validity)),
        published_at=row.published_at,
        score=round(float(score), 4),
        snippet=highlight.snippet(row.body, terms) if snippets else highlight.mark("", []),
        body=row.body,
    )


def direct_hit(raw: str, scope: list[int] | None) -> InfoItem | None:
    """The item a 文号 or 索引号 typed as the whole query names, if it is public."""
    text = raw.strip()
    if not text or len(text) > 80 or not re.search(r"\d", text):
        return None
    items = public_items()
    if scope is not None:
        items = items.filter(organisation_id__in=scope)
    key = docnumber.key_for_query(text)
    if key:
        found = items.filter(doc_number_key=key).order_by("-published_at").first()
        if found is not None:
            return found
    compact = index.normalise_key(text)
    if _INDEX_NUMBER.match(compact):
        return items.filter(index_number__iexact=compact).first() or items.filter(index_number=text).first()
    return None


# --- facets -------------------------------------------------------------------------------

FACET_FIELDS = {
    "organisation": ("org", 30),
    "column": ("column", 30),
    "subject": ("subject", 30),
    "doctype": ("doctype", 30),
    "year": ("year", 30),
    "validity": ("validity", 10),
}


# A query matching more documents than FACET_EXACT_MAX may have its facet counts estimated
# from a sample of about SAMPLE_TARGET of its matches (shown as "约 N"): the aggregation
# walks every posting of the query again, which for a word whose parts are common words
# too (第三十八条: 第三, 三十, 十八 ...) took 20 ms at 300,000 documents. The sample is
# SAMPLE_STRIPES equal stretches of the id range spread over all of it (ids follow the
# order of publication or import, so one stretch would favour one period), each
# SAMPLE_TARGET / total of its stride wide. A stretch is read in one of two ways:
# - as terms of the id field's inverted index, about ID_TERM_COST postings' worth of work
#   per id: cheap when the query matches a large share of the documents, as few ids then
#   make the sample (at a million documents: 1.6 ms for a word in half of them, against
#   6.5 ms counted exactly);
# - as a pass over the id column (about a millisecond per stretch at a million documents,
#   whatever its width): cheaper for long postings with fewer matches, as two common words
#   have (5.3 ms against 8.0 exactly), where the sample would hold many ids.
# A sample is taken only when its work is below the exact count's, the postings the query
# walks (postings_work): ID_TERM_COST per id of the sample, or SAMPLE_WORK × the documents
# for the passes over the column (measured at a million documents: below those bars the
# exact counts were as cheap).
FACET_EXACT_MAX = 20_000
SAMPLE_TARGET = 4_000
SAMPLE_STRIPES = 4
SAMPLE_WORK = 0.9
ID_TERM_COST = 30


def postings_work(searcher: tantivy.Searcher, aq: analysis.AnalysedQuery) -> int:
    """The number of postings the text of the query walks: the document frequencies of
    its terms in the fields they are searched in (a few µs per term)."""
    work = 0
    for unit in aq.units:
        for alt in unit.alternatives:
            for name, tokens in (
                ("title_w", alt.words),
                ("body_w", alt.words),
                ("title_b", alt.bigrams),
                ("body_b", () if _costly_phrase(searcher, alt) else alt.bigrams),
            ):
                work += sum(searcher.doc_freq(name, token) for token in tokens if token)
    return work


def _sampling(searcher: tantivy.Searcher, work: int | None, total: int) -> str | None:
    """How the `total` matches of a query walking `work` postings (postings_work; None:
    no text) are sampled for their facet counts: "terms" (the id field's inverted
    index), "column" (passes over the id column), or None: all counted."""
    if total <= FACET_EXACT_MAX:
        return None
    if work is None:  # no text: the filters alone, walked as cheaply as it gets
        return None
    if ID_TERM_COST * SAMPLE_TARGET * census(searcher).max_id < work * total:  # the sample's ids × cost
        return "terms"
    if work > SAMPLE_WORK * searcher.num_docs:
        return "column"
    return None


def _may_sample(searcher: tantivy.Searcher, work: int) -> bool:
    """Whether a query walking `work` postings could have its facets sampled, for some
    count of matches: the most it can have (the postings walked, at most the documents)
    is the count that makes a sample likeliest."""
    return _sampling(searcher, work, min(work, int(searcher.num_docs))) is not None


def _sample(searcher: tantivy.Searcher, total: int, *, by_terms: bool = False) -> Query | None:
    top = census(searcher).max_id
    share = SAMPLE_TARGET / total if total else 1.0
    if top <= 0 or share >= 0.5:
        return None
    stride = top // SAMPLE_STRIPES + 1
    width = max(1, int(stride * share))
    stripes = [
        (
            Occur.Should,
            Query.range_query(
                index.SCHEMA,
                "id",
                tantivy.FieldType.Unsigned,
                start,
                start + width - 1,
                use_inverted_index=by_terms,
            ),
        )
        for start in range(0, top + 1, stride)
    ]
    return Query.boolean_query(stripes)


def _estimate(count: int, scale: float) -> int:
    """A sampled count scaled up, to two significant figures (at least 1)."""
    value = count * scale
    if value < 100:
        return max(1, round(value))
    digits = len(str(int(value))) - 2
    return int(round(value, -digits))


Buckets = dict[str, list[tuple[Any, int]]]


def _facet_aggs() -> dict[str, Any]:
    return {name: {"terms": {"field": f, "size": size}} for name, (f, size) in FACET_FIELDS.items()}


def _exact(searcher: tantivy.Searcher, query: Query) -> Buckets:
    raw = searcher.aggregate(query, _facet_aggs())
    return {
        name: [(b["key"], int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])] for name in FACET_FIELDS
    }


# The exact facet counts of a query that cannot need a sample are computed beside the
# ranking, in a thread: tantivy releases the GIL while it walks the index, so on two
# cores the aggregation (as long as the ranking for a common word) costs no wall time.
# A query that may need a sample waits for its count (the sample is sized by it).
FACET_THREADS = 4
_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _facet_pool() -> ThreadPoolExecutor:
    """The process's facet threads (made anew in a process forked from one that had them)."""
    global _pool
    current = _pool
    if current is None or current[0] != os.getpid():
        with _pool_lock:
            current = _pool
            if current is None or current[0] != os.getpid():
                pool = ThreadPoolExecutor(max_workers=FACET_THREADS, thread_name_prefix="gongkai-facets")
                current = _pool = (os.getpid(), pool)
    return current[1]


def _start_facets(searcher: tantivy.Searcher, query: Query, work: int | None) -> "Future[Buckets] | None":
    """The exact facet counts, started in a facet thread, unless the query's postings are
    long enough that a sample may be wanted once its count is known."""
    if work is not None and _may_sample(searcher, work):
        return None
    return _facet_pool().submit(_exact, searcher, query)


def _aggregate(searcher: tantivy.Searcher, query: Query, total: int, work: int | None = None) -> tuple[Buckets, bool]:
    """Buckets per facet (key, count), and whether the counts are estimates."""
    aggs = _facet_aggs()
    kind = _sampling(searcher, work, total)
    sample = _sample(searcher, total, by_terms=kind == "terms") if kind else None
    if sample is not None:
        raw = searcher.aggregate(
            Query.boolean_query([(Occur.Must, query), (Occur.Must, sample)]),
            {**aggs, "_matched": {"value_count": {"field": "id"}}},
        )
        matched = int(raw.get("_matched", {}).get("value") or 0)
        if matched:
            scale = total / matched
            return {
                name: [(b["key"], _estimate(int(b["doc_count"]), scale)) for b in raw.get(name, {}).get("buckets", [])]
                for name in aggs
            }, True
    return _exact(searcher, query), False


def _facets(
    searcher: tantivy.Searcher,
    query: Query,
    request: SearchRequest,
    *,
    total: int = 0,
    work: int | None = None,
    started: "Future[Buckets] | None" = None,
) -> dict[str, list[FacetValue]]:
    if started is not None:
        buckets, approximate = started.result(), False
    else:
        buckets, approximate = _aggregate(searcher, query, total, work)
    names = cache.labels()
    orgs, columns, subjects = names.organisations, names.columns, names.subjects
    f = request.filters
    out: dict[str, list[FacetValue]] = {}
    out["organisation"] = [
        FacetValue(str(k), orgs[int(k)], n, f.organisation == int(k))
        for k, n in buckets["organisation"]
        if int(k) in orgs
    ]
    out["column"] = [
        FacetValue(str(k), columns[int(k)], n, f.column == int(k)) for k, n in buckets["column"] if int(k) in columns
    ]
    out["subject"] = [
        FacetValue(str(k), subjects[int(k)], n, f.subject == int(k))
        for k, n in buckets["subject"]
        if int(k) in subjects
    ]
    out["doctype"] = [FacetValue(str(k), str(k), n, f.doctype == k) for k, n in buckets["doctype"]]
    out["year"] = sorted(
        (FacetValue(str(k), f"{k}年", n, f.year == int(k)) for k, n in buckets["year"]),
        key=lambda v: v.value,
        reverse=True,
    )
    out["validity"] = [
        FacetValue(str(k), str(_VALIDITY_LABELS.get(str(k), k)), n, f.validity == k) for k, n in buckets["validity"]
    ]
    if request.scope is None:
        out["site"] = _site_facet(names.site_of, buckets["organisation"])
    if approximate:
        for values in out.values():
            for value in values:
                value.approximate = True
    return out


def _site_facet(site_of: dict[int, tuple[str, str]], counts: list[tuple[Any, int]]) -> list[FacetValue]:
    """Counts per site, from the counts per body (each body publishes on one site)."""
    per_site: dict[str, FacetValue] = {}
    for key, count in counts:
        site = site_of.get(int(key))
        if site is None:
            continue
        entry = per_site.setdefault(site[0], FacetValue(site[0], site[1], 0))
        entry.count += count
    return sorted(per_site.values(), key=lambda v: -v.count)


# --- the search ------------------------------------------------------------------------------


def search(request: SearchRequest) -> SearchResponse:
    started = time.perf_counter()
    response = SearchResponse(
        query=request.q.strip(), page=request.page, page_size=request.page_size, sort=request.sort
    )
    aq = analysis.analyse_query(request.q)
    if aq.truncated:
        response.notices.append(f"搜索词过长，只按前 {analysis.MAX_QUERY_CHARS} 个字搜索。")
    direct = direct_hit(request.q, request.scope) if request.page == 1 else None
    text = text_query(aq)
    if text is None and not request.filters.any():
        if request.q.strip():
            response.notices.append("搜索词中没有可检索的文字（只有标点、符号或表情），请输入汉字、字母或数字。")
        else:
            response.notices.append("请输入搜索词，例如“公积金提取”或文号“国发〔2019〕5号”。")
        shown = _public_rows([direct.pk]) if direct is not None else {}
        if direct is not None and direct.pk in shown:
            response.direct = _hit(shown[direct.pk], 0.0, [], request.snippets)
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response
    offset = (request.page - 1) * request.page_size
    if offset >= MAX_RESULTS:
        response.notices.append(f"最多可翻阅前 {MAX_RESULTS} 条结果，请增加搜索词或使用筛选缩小范围。")
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response
    searcher = index.reader().searcher()
    suggest.warm(searcher)
    filters = filter_clauses(request, searcher)
    query = _combine(text, filters)
    # Relevance pages within the first RERANK_DEPTH are cut from the reranked top.
    reranked = (
        text is not None
        and request.sort == Sort.RELEVANCE
        and offset + request.page_size <= RERANK_DEPTH
        and index.article_reader() is not None
    )
    window = (0, RERANK_DEPTH) if reranked else (offset, request.page_size)
    # the postings the text walks, which decide how facets are counted (read once)
    work = postings_work(searcher, aq) if request.facets and text is not None else None
    facets = _start_facets(searcher, query, work) if request.facets else None
    result = _run(searcher, query, request, *window, sort_by_date=text is None)
    if result.count == 0 and text is not None and weights_for(aq).require_all and len(aq.units) > 1:
        # No item holds every word: let each word count.
        text = text_query(aq, require_all=False)
        query = _combine(text, filters)
        facets = _start_facets(searcher, query, work) if request.facets else None
        result = _run(searcher, query, request, *window, sort_by_date=False)
        if result.count:
            response.notices.append("没有同时包含全部搜索词的结果，以下结果包含其中部分词语。")
    response.total = int(result.count)
    addresses = [address for _, address in result.hits]
    ids = _ids(searcher, addresses)
    scores = [float(score) if request.sort == Sort.RELEVANCE and text is not None else 0.0 for score, _ in result.hits]
    if reranked:
        ranked = _reranked(searcher, query, aq, scores, ids)[offset : offset + request.page_size]
        scores, ids = [score for score, _ in ranked], [pk for _, pk in ranked]
    public = _public_rows(ids + ([direct.pk] if direct is not None else []))
    terms = _terms_to_mark(aq)
    if direct is not None and direct.pk in public:
        response.direct = _hit(public[direct.pk], 0.0, terms, request.snippets)
    response.hits = [
        _hit(public[pk], score, terms, request.snippets) for pk, score in zip(ids, scores, strict=True) if pk in public
    ]
    if request.facets:
        response.facets = _facets(searcher, query, request, total=response.total, work=work, started=facets)
    if response.total < FEW_RESULTS and text is not None:
        response.suggestions = suggest.did_you_mean(aq, searcher)
        response.related = suggest.related(aq, searcher)
    response.took_ms = round((time.perf_counter() - started) * 1000, 2)
    return response


def _ids(searcher: tantivy.Searcher, addresses: list[Any]) -> list[int]:
    if not addresses:
        return []
    return [int(v) if v is not None else 0 for v in searcher.fast_field_values("id", addresses)]


# The document-type weight (×1.0–1.4, index.authority_value) rescores the first
# RESCORE_WINDOW documents of the plain BM25 ranking, as search servers rescore a window:
# weighting every match read a fast field and a logarithm per match, as much as the
# ranking itself for a word found in half of a million documents (3 ms of 5.4). A
# document below the window would need a BM25 score within 1/1.4 of the window's last to
# be lifted above it; a query with fewer matches than the window is ranked exactly. At a
# million documents a window of 400 gave the same pages 1 and 3 as weighting every match
# for all 200 benchmark queries (200: 60 of the 400 pages differed), and a window of
# 1000 cost 4.5 % more per page than 400. Documents past the window follow in BM25's
# order, so the ranking is one list and pages never overlap.
RESCORE_WINDOW = 400


@dataclass
class Ranked:
    count: int
    hits: list[tuple[float, Any]]  # (score, tantivy address), best first


def _run(
    searcher: tantivy.Searcher, query: Query, request: SearchRequest, offset: int, limit: int, *, sort_by_date: bool
) -> Ranked:
    found: Any  # (SearchResult.count is missing from tantivy's stubs)
    if request.sort == Sort.DATE or sort_by_date:
        found = searcher.search(query, limit, count=True, order_by_field="published", offset=offset)
        return Ranked(int(found.count), list(found.hits))
    found = searcher.search(query, max(RESCORE_WINDOW, offset + limit), count=True)
    hits = list(found.hits)
    ranked = _weighted(searcher, hits[:RESCORE_WINDOW]) + hits[RESCORE_WINDOW:]
    return Ranked(int(found.count), ranked[offset : offset + limit])


# authority value → log2(2 + value): a handful of values (one per document type)
_FACTORS: dict[Any, float] = {}


def _weighted(searcher: tantivy.Searcher, hits: list[tuple[float, Any]]) -> list[tuple[float, Any]]:
    """The hits with their scores times the document-type weight, best first (equal
    scores keep their order)."""
    values = searcher.fast_field_values("authority", [address for _, address in hits])
    factors = _FACTORS
    weighted = []
    for (score, address), value in zip(hits, values, strict=True):
        factor = factors.get(value)
        if factor is None:
            factor = factors[value] = math.log2(2.0 + float(value or 0.0))
        weighted.append((score * factor, address))
    weighted.sort(key=lambda hit: -hit[0])
    return weighted


# --- title autocomplete ------------------------------------------------------------------------


@dataclass
class Completion:
    id: int
    title: str


COMPLETE_LIMIT = 8


def complete(prefix: str, *, scope: list[int] | None, limit: int = COMPLETE_LIMIT) -> list[Completion]:
    """Titles holding what was typed so far, best first."""
    text = analysis.normalize(prefix.strip()[:40])
    grams = analysis.bigrams(text)
    if not grams:
        return []
    query = _match("title_b", grams, 1.0)
    if query is None:
        return []
    request = SearchRequest(scope=scope)
    searcher = index.reader().searcher()
    result = searcher.search(
        _combine(query, filter_clauses(request, searcher)), limit * 2, count=False, weight_by_field="authority"
    )
    ids = _ids(searcher, [a for _, a in result.hits])
    titles = dict(public_items().filter(pk__in=ids).values_list("pk", "title"))
    seen: set[str] = set()
    out: list[Completion] = []
    for pk in ids:
        title = titles.get(pk)
        if title and title not in seen:
            seen.add(title)
            out.append(Completion(id=pk, title=title))
    return out[:limit]
