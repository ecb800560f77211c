"""Index and query on a small set of items published through the real workflow."""

import threading

import pytest
from django.db import transaction

from gongkai.core.selectors import site_organisations
from gongkai.publishing import services
from gongkai.publishing.tests.factories import Desk
from gongkai.search import engine, index, outbox, suggest
from gongkai.search.engine import Filters, SearchRequest, Sort, search
from gongkai.web.tests.factories import Platform, hidden_item

from .factories import Corpus, build_corpus, index_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(desk: Desk, county_desk: Desk) -> Corpus:
    return build_corpus(desk, county_desk)


def ids(response: engine.SearchResponse) -> list[int]:
    return [h.id for h in response.hits]


def test_keyword_query_finds_the_item_by_title_and_body(corpus: Corpus) -> None:
    response = search(SearchRequest(q="住房公积金提取"))
    assert ids(response)[0] == corpus.fund.pk
    assert response.total >= 1


def test_synonyms_and_abbreviations(corpus: Corpus) -> None:
    assert corpus.insurance.pk in ids(search(SearchRequest(q="医保")))
    assert corpus.fund.pk in ids(search(SearchRequest(q="公积金")))
    assert ids(search(SearchRequest(q="低保")))[0] == corpus.allowance.pk
    assert ids(search(SearchRequest(q="醉驾")))[0] == corpus.drink_driving.pk
    assert ids(search(SearchRequest(q="退伍军人安置")))[0] == corpus.veterans.pk


def test_traditional_and_simplified_find_each_other(corpus: Corpus) -> None:
    assert ids(search(SearchRequest(q="退役军人")))[0] == corpus.veterans.pk
    assert ids(search(SearchRequest(q="醫療保障")))[0] == corpus.insurance.pk


def test_bigram_field_finds_what_segmentation_splits_differently(corpus: Corpus) -> None:
    # “保障工” is no word; the bigrams 保障 and 障工 still find the text.
    assert corpus.insurance.pk in ids(search(SearchRequest(q="保障工")))


def test_document_number_in_any_variant_goes_straight_to_the_item(corpus: Corpus) -> None:
    for variant in ("甲市教发〔2024〕12号", "甲市教发[2024]12号", "甲市教发（２０２４）１２号", "甲市教发(2024)12号"):
        response = search(SearchRequest(q=variant))
        assert response.direct is not None and response.direct.id == corpus.insurance.pk, variant
    embedded = search(SearchRequest(q="甲市教发(2024)12号 医疗"))
    assert ids(embedded)[0] == corpus.insurance.pk


def test_index_number_goes_straight_to_the_item(corpus: Corpus) -> None:
    corpus.fund.refresh_from_db()
    response = search(SearchRequest(q=f"  {corpus.fund.index_number} "))
    assert response.direct is not None and response.direct.id == corpus.fund.pk


def test_snippets_are_cut_from_the_original_text_and_marked(corpus: Corpus) -> None:
    hit = next(h for h in search(SearchRequest(q="退役军人")).hits if h.id == corpus.veterans.pk)
    assert "<mark>退役軍人</mark>" in hit.snippet  # the document's own (traditional) characters
    assert "<mark>退役軍人</mark>" in hit.title_html
    hit = search(SearchRequest(q="报销")).hits[0]
    assert "<mark>报销</mark>" in hit.snippet


def test_snippets_escape_html(desk: Desk) -> None:
    item = services.item_publish(
        actor=desk.final,
        item=__import__("gongkai.publishing.tests.factories", fromlist=["approve_all"]).approve_all(
            desk, services.item_create(actor=desk.editor, organisation=desk.org, column=desk.column,
                                       title="关于<b>公示</b>的通知", formed_on=__import__("datetime").date(2026, 3, 2),
                                       body_html="<p>公示 a &lt;script&gt; b</p>")
        ),
    )  # fmt: skip
    index_items([item])
    hit = search(SearchRequest(q="公示")).hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<b>" not in hit.title_html


def test_facets_count_and_filters_narrow(corpus: Corpus, platform: Platform) -> None:
    response = search(SearchRequest(q="工作"))
    facets = {name: {v.label: v.count for v in values} for name, values in response.facets.items()}
    assert facets["organisation"]["甲市教育局"] >= 3
    assert "通知" in facets["doctype"] and "意见" in facets["doctype"]
    assert "site" in response.facets  # every site: counts per site too
    only_notices = search(SearchRequest(q="工作", filters=Filters(doctype="通知")))
    assert ids(only_notices) == [corpus.insurance.pk]
    org = search(SearchRequest(q="社会保险", filters=Filters(organisation=platform.county_dept.pk)))
    assert ids(org) == [corpus.county.pk]
    year = corpus.fund.published_at.year if corpus.fund.published_at else 0
    assert corpus.fund.pk in ids(search(SearchRequest(q="公积金", filters=Filters(year=year))))
    assert ids(search(SearchRequest(q="公积金", filters=Filters(year=1999)))) == []


def test_a_filter_keeps_the_scores_of_the_unfiltered_ranking(corpus: Corpus, platform: Platform) -> None:
    unfiltered = {h.id: h.score for h in search(SearchRequest(q="工作")).hits}
    for filters in (Filters(organisation=platform.education.pk), Filters(doctype="通知")):
        hits = search(SearchRequest(q="工作", filters=filters)).hits
        assert hits and all(h.score == pytest.approx(unfiltered[h.id]) for h in hits), filters


def test_site_scope(corpus: Corpus, platform: Platform) -> None:
    city = list(site_organisations(platform.city_site).values_list("pk", flat=True))
    assert corpus.county.pk not in ids(search(SearchRequest(q="社会保险", scope=city)))
    assert corpus.county.pk in ids(search(SearchRequest(q="社会保险", scope=None)))


def test_pagination_and_sort_by_date(desk: Desk) -> None:
    from gongkai.web.tests.factories import published_in

    items = [published_in(desk, None, f"第{n}号政务公开工作简报") for n in range(1, 13)]
    index_items(items)
    first = search(SearchRequest(q="政务公开工作简报", page_size=5))
    second = search(SearchRequest(q="政务公开工作简报", page_size=5, page=2))
    third = search(SearchRequest(q="政务公开工作简报", page_size=5, page=3))
    assert first.total == 12 and first.pages == 3
    assert len(first.hits) == 5 and len(second.hits) == 5 and len(third.hits) == 2
    assert not set(ids(first)) & set(ids(second))
    newest = search(SearchRequest(q="政务公开工作简报", sort=Sort.DATE))
    dates = [h.published_at for h in newest.hits]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_the_document_type_weight_orders_equal_texts_and_pages_never_overlap(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.search import doctypes
    from gongkai.web.tests.factories import published_in

    body = {"body_html": "<p>物业服务区域内的公共设施维护管理。</p>"}
    notice = published_in(desk, None, "甲市物业管理通知", **body)
    regulation = published_in(desk, None, "甲市物业管理条例", **body)
    others = [published_in(desk, None, f"第{n}号物业管理工作简报") for n in range(1, 10)]
    index_items([notice, regulation, *others])
    hits = search(SearchRequest(q="物业管理", page_size=20)).hits
    position = {h.id: n for n, h in enumerate(hits)}
    assert len(position) == 11
    assert position[regulation.pk] < position[notice.pk]  # same words, the regulation weighs more
    by_id = {h.id: h.score for h in hits}
    ratio = doctypes.authority("条例") / doctypes.authority("通知")
    assert by_id[regulation.pk] / by_id[notice.pk] == pytest.approx(ratio, rel=1e-3)
    # A window smaller than the matches: the weighted window first, then BM25's order;
    # the pages together are the whole ranking, each item once.
    monkeypatch.setattr(engine, "RESCORE_WINDOW", 4)
    pages = [search(SearchRequest(q="物业管理", page_size=3, page=n)).hits for n in (1, 2, 3, 4)]
    shown = [h.id for page in pages for h in page]
    assert sorted(shown) == sorted(position) and len(shown) == len(set(shown))


@pytest.mark.parametrize("state", ["draft", "in_review", "approved", "scheduled", "limited", "on_request", "withdrawn"])
def test_nothing_unpublished_or_limited_is_indexed_or_returned(desk: Desk, state: str) -> None:
    item = hidden_item(desk, state, "关于城乡低保资金发放的通知")
    index_items([item])
    assert index.reader().searcher().num_docs == 0
    assert search(SearchRequest(q="低保资金")).hits == []


def test_a_withdrawn_item_is_gone_at_once_and_from_the_index_after_apply(corpus: Corpus, desk: Desk) -> None:
    assert corpus.fund.pk in ids(search(SearchRequest(q="公积金")))
    with transaction.atomic():
        services.item_withdraw(actor=desk.final, item=corpus.fund, reason="内容有误")
        outbox.enqueue([corpus.fund.pk], "delete")
    # Before the worker applied the outbox: the database check hides it already.
    assert corpus.fund.pk not in ids(search(SearchRequest(q="公积金")))
    outbox.apply_pending()
    searcher = index.reader().searcher()
    assert searcher.search(engine.Query.term_query(index.SCHEMA, "id", corpus.fund.pk), 1).hits == []


def test_bad_input_is_answered_never_raised(corpus: Corpus) -> None:
    assert search(SearchRequest(q="")).notices
    assert search(SearchRequest(q="，。！？……")).notices
    assert search(SearchRequest(q="😀😀🎉")).hits == []
    long = search(SearchRequest(q="公积金" + "啊" * 2000))
    assert any("过长" in n for n in long.notices)
    deep = search(SearchRequest(q="公积金", page=10_000))
    assert deep.hits == [] and deep.notices
    unknown = search(SearchRequest(q="公积金", filters=Filters(organisation=987654321)))
    assert unknown.hits == [] and unknown.total == 0
    assert search(SearchRequest(q='"(公积金 AND OR NOT :*^~')).total >= 1  # no query syntax to break


def test_suggestions_when_few_results(corpus: Corpus) -> None:
    response = search(SearchRequest(q="住房公积今"))  # a wrong character of the same sound
    assert response.total < engine.FEW_RESULTS or response.suggestions is not None
    assert any("公积金" in s for s in response.suggestions)
    pinyin = search(SearchRequest(q="gongjijin"))
    assert "公积金" in pinyin.suggestions or "住房公积金" in pinyin.suggestions


def test_the_vocabulary_is_built_in_the_background_once(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suggest, "_vocabulary", None)
    monkeypatch.setattr(suggest, "_warmer", None)
    monkeypatch.setattr(suggest, "_warming", threading.Event())
    searcher = index.reader().searcher()
    suggest.warm(searcher)
    suggest.warm(searcher)  # (a second call starts nothing)
    suggest.wait_until_warm(timeout=30)
    built = suggest._vocabulary
    assert built is not None and built.frequency.get("甲市", 0) == 4  # (the titles holding the word)
    assert suggest.vocabulary(searcher) is built


def test_autocomplete_titles(corpus: Corpus) -> None:
    titles = [c.title for c in engine.complete("住房公", scope=None)]
    assert titles == ["甲市住房公积金提取管理办法"]
    assert engine.complete("", scope=None) == []
    assert engine.complete("！！", scope=None) == []
