"""The shortcuts of the query path for large indexes: the site's scope in its cheapest
exact form, and facet counts estimated from a sample when a query matches very many."""

from typing import Any

import pytest
from django.test import Client
from tantivy import Occur, Query

from gongkai.core.selectors import site_organisations
from gongkai.publishing.tests.factories import Desk
from gongkai.search import analysis, engine, index
from gongkai.search.engine import SearchRequest, search
from gongkai.web.tests.factories import Platform

from .factories import Corpus, build_corpus

pytestmark = pytest.mark.django_db

CITY = {"host": "www.jia.gov.cn"}


@pytest.fixture
def corpus(desk: Desk, county_desk: Desk) -> Corpus:
    return build_corpus(desk, county_desk)


def _ranked(query: Query) -> tuple[int, list[tuple[int, float]]]:
    searcher = index.reader().searcher()
    found: Any = searcher.search(query, 50, count=True, weight_by_field="authority")
    ids = engine._ids(searcher, [address for _, address in found.hits])
    return found.count, [(pk, round(float(score), 6)) for (score, _), pk in zip(found.hits, ids, strict=True)]


@pytest.mark.parametrize("q", ["工作", "社会保险", "公积金", "通知"])
def test_every_form_of_the_scope_finds_and_scores_as_the_plain_filter(corpus: Corpus, q: str) -> None:
    searcher = index.reader().searcher()
    counts = engine.census(searcher).per_org
    assert sum(counts.values()) == searcher.num_docs
    by_size = sorted(counts, key=lambda pk: counts[pk])
    text = engine.text_query(analysis.analyse_query(q))
    assert text is not None
    scopes = {
        "every body": list(counts),  # matches all: no set of terms at all
        "all but the smallest": by_size[1:],  # the exclusion of the few outside
        "the smallest": by_size[:1],  # the set of the few inside
        "none": [],
    }
    kinds = {}
    for name, scope in scopes.items():
        request = SearchRequest(q=q, scope=scope)
        plain = engine._combine(text, engine.filter_clauses(request))  # the set of the bodies, always
        cheap_clauses = engine.filter_clauses(request, searcher)
        kinds[name] = [occur for occur, _ in cheap_clauses]
        assert _ranked(engine._combine(text, cheap_clauses)) == _ranked(plain), name
    assert kinds["every body"] == []  # the text alone
    assert kinds["all but the smallest"] == [Occur.MustNot]
    assert kinds["the smallest"] == [Occur.Must]
    # A filter adds nothing to the score: the site's ranking is the unscoped one.
    assert _ranked(engine._combine(text, engine.filter_clauses(SearchRequest(q=q, scope=list(counts))))) == _ranked(
        text
    )


def test_the_site_scope_still_keeps_other_sites_out(corpus: Corpus, platform: Platform) -> None:
    city = list(site_organisations(platform.city_site).values_list("pk", flat=True))
    county = list(site_organisations(platform.county_site).values_list("pk", flat=True))
    in_city = [h for q in ("社会保险", "工作") for h in search(SearchRequest(q=q, scope=city)).hits]
    in_county = [h for q in ("社会保险", "工作") for h in search(SearchRequest(q=q, scope=county)).hits]
    assert in_city and all(h.organisation_id in city for h in in_city)
    assert corpus.county.pk in {h.id for h in in_county} and all(h.organisation_id in county for h in in_county)


def test_the_census_follows_the_index(corpus: Corpus, desk: Desk) -> None:
    searcher = index.reader().searcher()
    before = engine.census(searcher)
    assert engine.census(searcher) is before  # once per index state
    assert before.max_id == max(engine._ids(searcher, [a for _, a in searcher.search(Query.all_query(), 100).hits]))
    base = index.search_dir()
    writer = index.IndexWriter(base / str(index._current_name(base)))
    writer.delete([corpus.fund.pk])
    writer.commit()
    writer.close()
    after = engine.census(index.reader().searcher())
    assert after is not before
    assert sum(after.per_org.values()) == sum(before.per_org.values()) - 1


def _exact(q: str) -> dict[str, dict[str, int]]:
    response = search(SearchRequest(q=q))
    assert not any(v.approximate for values in response.facets.values() for v in values)
    return {name: {v.value: v.count for v in values} for name, values in response.facets.items()}


def test_facets_are_exact_up_to_the_limit_and_estimated_from_a_sample_above(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = _exact("工作")
    total = search(SearchRequest(q="工作")).total
    assert total >= 3
    # Above the limit: a sample of the matches (here every other id) scaled to the total.
    searcher = index.reader().searcher()
    text = engine.text_query(analysis.analyse_query("工作"))
    assert text is not None
    everything = searcher.search(text, 100)
    ids = sorted(engine._ids(searcher, [a for _, a in everything.hits]))
    half = ids[::2]
    monkeypatch.setattr(engine, "FACET_EXACT_MAX", total - 1)
    monkeypatch.setattr(engine, "SAMPLE_WORK", 0.0)
    monkeypatch.setattr(engine, "_sample", lambda _s, _t, **_kw: Query.term_set_query(index.SCHEMA, "id", half))
    response = search(SearchRequest(q="工作"))
    values = [v for vs in response.facets.values() for v in vs]
    assert values and all(v.approximate for v in values)
    estimated = {name: {v.value: v.count for v in vs} for name, vs in response.facets.items()}
    assert set(estimated["validity"]) <= set(exact["validity"])
    # The counts of one facet add up to about the total (every item has one validity).
    assert abs(sum(estimated["validity"].values()) - total) <= len(estimated["validity"])
    # A sample that matches nothing: the exact counts after all.
    monkeypatch.setattr(engine, "_sample", lambda _s, _t, **_kw: Query.term_set_query(index.SCHEMA, "id", [0]))
    assert _exact("工作") == exact


@pytest.mark.parametrize("by_terms", [False, True])
def test_the_sample_spreads_over_the_ids_and_is_skipped_when_it_would_be_most(corpus: Corpus, by_terms: bool) -> None:
    searcher = index.reader().searcher()
    everything = engine._ids(searcher, [a for _, a in searcher.search(Query.all_query(), 1000).hits])
    top = engine.census(searcher).max_id
    assert top == max(everything)
    assert engine._sample(searcher, 2 * engine.SAMPLE_TARGET - 1, by_terms=by_terms) is None  # half or more: all
    total = 3 * engine.SAMPLE_TARGET  # a third of the matches
    sample = engine._sample(searcher, total, by_terms=by_terms)
    assert sample is not None
    found = engine._ids(searcher, [a for _, a in searcher.search(sample, 1000).hits])
    stride = top // engine.SAMPLE_STRIPES + 1
    width = max(1, int(stride / 3))
    # the first third of each of SAMPLE_STRIPES equal stretches of the ids 0..top
    assert sorted(found) == sorted(pk for pk in everything if pk % stride < width)


def test_only_queries_whose_sample_costs_less_than_their_postings_are_sampled(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = index.reader().searcher()
    aq = analysis.analyse_query("公积金")
    work = engine.postings_work(searcher, aq)
    by_hand = sum(
        searcher.doc_freq(field, token)
        for unit in aq.units
        for alt in unit.alternatives
        for field, tokens in (
            ("title_w", alt.words),
            ("body_w", alt.words),
            ("title_b", alt.bigrams),
            ("body_b", alt.bigrams),
        )
        for token in tokens
    )
    assert work == by_hand > 0
    top = engine.census(searcher).max_id
    monkeypatch.setattr(engine, "FACET_EXACT_MAX", 0)
    monkeypatch.setattr(engine, "SAMPLE_TARGET", 1)
    monkeypatch.setattr(engine, "ID_TERM_COST", 10**9)  # ids dear: only the column passes
    monkeypatch.setattr(engine, "SAMPLE_WORK", work / searcher.num_docs)  # exactly at the bar: not over it
    assert engine._sampling(searcher, work, 1) is None
    monkeypatch.setattr(engine, "SAMPLE_WORK", (work - 1) / searcher.num_docs)
    assert engine._sampling(searcher, work, 1) == "column"
    # ids cheap: the sample's ids (SAMPLE_TARGET × top / total) × their cost under the work
    total = 2
    monkeypatch.setattr(engine, "ID_TERM_COST", work * total / top)  # exactly the work: not under it
    assert engine._sampling(searcher, work, total) == "column"
    monkeypatch.setattr(engine, "ID_TERM_COST", (work - 1) * total / top)
    assert engine._sampling(searcher, work, total) == "terms"
    assert engine._sampling(searcher, None, total) is None  # filters only: always exact
    monkeypatch.setattr(engine, "FACET_EXACT_MAX", total)
    assert engine._sampling(searcher, work, total) is None  # few matches: always exact


def test_facets_wait_for_the_count_only_when_some_count_could_make_a_sample_pay(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = index.reader().searcher()
    docs, top = int(searcher.num_docs), engine.census(searcher).max_id
    monkeypatch.setattr(engine, "SAMPLE_WORK", 10**9)  # no column passes: the ids decide
    monkeypatch.setattr(engine, "FACET_EXACT_MAX", 0)
    monkeypatch.setattr(engine, "SAMPLE_TARGET", 1)
    monkeypatch.setattr(engine, "ID_TERM_COST", 1)
    # at most `docs` matches: a sample of top / docs ids, paying once the work exceeds that
    assert engine._may_sample(searcher, top + 1) and not engine._may_sample(searcher, 0)
    monkeypatch.setattr(engine, "FACET_EXACT_MAX", docs)  # never more matches than that
    assert not engine._may_sample(searcher, 10**9)


@pytest.mark.parametrize(
    ("count", "scale", "expected"),
    [(3, 1.0, 3), (1, 0.2, 1), (7, 10.0, 70), (123, 10.0, 1200), (5_555, 9.0, 50_000), (0, 3.0, 1)],
)
def test_estimates_are_rounded_to_two_figures(count: int, scale: float, expected: int) -> None:
    assert engine._estimate(count, scale) == expected


def test_the_page_and_the_api_say_when_counts_are_estimates(
    client: Client, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sampled(searcher: Any, query: Query, total: int, work: int | None = None) -> tuple[dict[str, Any], bool]:
        buckets, _ = original(searcher, query, total, work)
        return buckets, True

    original = engine._aggregate
    monkeypatch.setattr(engine, "_aggregate", sampled)
    # every query "may need a sample": its facets are counted after the search, by _aggregate
    monkeypatch.setattr(engine, "FACET_EXACT_MAX", 0)
    monkeypatch.setattr(engine, "SAMPLE_WORK", 0.0)
    page = client.get("/search/", {"q": "工作"}, headers=CITY).content.decode()
    assert '<span class="muted">(约' in page
    data = client.get("/api/v1/search", {"q": "工作", "scope": "all"}, headers=CITY).json()
    assert data["facets"]["validity"] and all(v["approximate"] for v in data["facets"]["validity"])
    monkeypatch.setattr(engine, "_aggregate", original)
    page = client.get("/search/", {"q": "工作", "x": "1"}, headers=CITY).content.decode()
    assert '<span class="muted">(约' not in page and '<span class="muted">(' in page
    data = client.get("/api/v1/search", {"q": "工作", "scope": "all", "x": "1"}, headers=CITY).json()
    assert not any(v["approximate"] for v in data["facets"]["validity"])


def test_the_page_scope_from_the_labels_is_the_sites_bodies(platform: Platform) -> None:
    from gongkai.search import cache, views

    cache.forget_labels()
    for site in (platform.city_site, platform.county_site):
        assert views._scope(site) == list(site_organisations(site).values_list("pk", flat=True))


@pytest.mark.parametrize("q", ["最低生活保障", "社会保险 参保", "住房公积金提取"])
def test_costly_body_phrases_give_way_to_the_word_field(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    searcher = index.reader().searcher()
    aq = analysis.analyse_query(q)
    full = search(SearchRequest(q=q, facets=False))
    assert not any(engine._costly_phrase(searcher, alt) for unit in aq.units for alt in unit.alternatives)
    monkeypatch.setattr(engine, "PHRASE_MAX_DOCS", 0)
    costly = [alt for unit in aq.units for alt in unit.alternatives if engine._costly_phrase(searcher, alt)]
    assert costly, "every word of these queries is indexed as a word and has two bigrams or more"
    reduced = search(SearchRequest(q=q, facets=False))
    assert reduced.hits and {h.id for h in reduced.hits} <= {h.id for h in full.hits}
    # a phrase of one bigram (a two-character word) is a term query and always stays
    assert not any(engine._costly_phrase(searcher, alt) for alt in analysis.analyse_query("参保").units[0].alternatives)


@pytest.mark.parametrize("q", ["社会保险", "工作 通知", "醫療保險", "公积金 不存在的词语组合"])
def test_facets_counted_beside_the_ranking_equal_the_counts_after_it(corpus: Corpus, q: str) -> None:
    searcher = index.reader().searcher()
    request = SearchRequest(q=q)
    response = search(request)
    aq = analysis.analyse_query(q)
    text = engine.text_query(aq, require_all=not response.notices)
    query = engine._combine(text, engine.filter_clauses(request, searcher))
    buckets, approximate = engine._aggregate(searcher, query, response.total, engine.postings_work(searcher, aq))
    assert not approximate
    assert sum(v.count for v in response.facets.get("organisation", [])) == response.total
    assert {(v.value, v.count) for v in response.facets["organisation"]} == {
        (str(k), n) for k, n in buckets["organisation"]
    }
    assert {(v.value, v.count) for v in response.facets["year"]} == {(str(k), n) for k, n in buckets["year"]}


def test_a_word_found_only_inside_longer_words_keeps_its_body_phrase(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the notice's body says 城乡居民基本医疗保险, one word to the segmenter: no document
    # holds 医疗保险 as a word, so only the bigram phrase finds it there
    monkeypatch.setattr(engine, "PHRASE_MAX_DOCS", 0)
    searcher = index.reader().searcher()
    word = next(alt for alt in analysis.analyse_query("医疗保险").units[0].alternatives if alt.words == ("医疗保险",))
    assert searcher.doc_freq("body_w", "医疗保险") == 0
    assert not engine._costly_phrase(searcher, word)
    assert corpus.insurance.pk in {h.id for h in search(SearchRequest(q="医疗保险", facets=False)).hits}
