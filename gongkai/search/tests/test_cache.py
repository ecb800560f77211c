"""The result cache of the search page and API, and the facet-label cache."""

from typing import Any

import pytest
from django.test import Client

from gongkai.core import sitecache
from gongkai.core.models import Organisation
from gongkai.publishing import services
from gongkai.publishing.tests.factories import Desk
from gongkai.search import analysis, cache, index, outbox
from gongkai.search.engine import SearchRequest, search

from .factories import Corpus, build_corpus

pytestmark = [pytest.mark.django_db]
CITY = {"host": "www.jia.gov.cn"}
FUND_TITLE = "甲市<mark>住房公积金</mark>提取管理办法"


@pytest.fixture
def corpus(desk: Desk, county_desk: Desk) -> Corpus:
    return build_corpus(desk, county_desk)


def _page(client: Client, **params: str) -> str:
    response = client.get("/search/", {"q": "公积金", **params}, headers=CITY)
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeated_page_comes_from_the_cache(client: Client, corpus: Corpus, django_assert_num_queries: Any) -> None:
    first = _page(client)
    assert FUND_TITLE in first
    # One query, to check that the items shown are still public: no search, no facet
    # labels, no template (the site comes from the per-process copy, core.sitecache).
    with django_assert_num_queries(1):
        again = _page(client)
    assert again == first


def test_the_search_page_query_count_is_pinned(client: Client, corpus: Corpus, django_assert_num_queries: Any) -> None:
    cache.labels()  # facet labels are loaded once per process (4 queries), then kept
    analysis.synonyms()  # the admin's synonym rows: once every 30 s
    sitecache.directory()  # the sites and their navigation: once a minute (2 queries)
    # the page's items: the site's bodies come with the labels
    with django_assert_num_queries(1):
        _page(client, sort="date")


def test_a_withdrawn_item_vanishes_from_a_cached_page_at_once(client: Client, corpus: Corpus, desk: Desk) -> None:
    assert FUND_TITLE in _page(client)
    token = index.generation_token()
    # Withdrawn; the outbox is not applied yet, so the index (and its generation) is unchanged.
    services.item_withdraw(actor=desk.final, item=corpus.fund, reason="内容有误")
    assert index.generation_token() == token
    assert FUND_TITLE not in _page(client)
    assert outbox.pending_count() >= 1


def test_a_withdrawn_item_vanishes_from_a_cached_api_answer_at_once(client: Client, corpus: Corpus, desk: Desk) -> None:
    def ids() -> list[int]:
        data = client.get("/api/v1/search", {"q": "公积金"}, headers=CITY).json()
        return [r["id"] for r in data["results"]]

    assert corpus.fund.pk in ids()
    assert corpus.fund.pk in ids()  # from the cache
    services.item_withdraw(actor=desk.final, item=corpus.fund, reason="内容有误")
    assert corpus.fund.pk not in ids()


def test_a_publication_changes_the_generation_and_so_the_key(client: Client, corpus: Corpus, desk: Desk) -> None:
    from gongkai.web.tests.factories import published_in

    assert "公积金缴存" not in _page(client)
    token = index.generation_token()
    published_in(desk, None, "甲市住房公积金缴存基数调整的通知")
    outbox.apply_pending()  # the worker
    assert "公积金缴存" in _page(client).replace("<mark>", "").replace("</mark>", "")
    assert index.generation_token() != token


def test_signed_in_users_are_not_served_from_the_cache(client: Client, corpus: Corpus, desk: Desk) -> None:
    _page(client)
    client.force_login(desk.editor)
    html = _page(client)
    assert "工作台" in html  # the page of a signed-in user, not the cached anonymous one


def test_facet_labels_follow_a_renamed_body_at_once(corpus: Corpus, desk: Desk) -> None:
    def labels() -> list[str]:
        return [v.label for v in search(SearchRequest(q="公积金")).facets["organisation"]]

    assert desk.org.name in labels()
    organisation = Organisation.objects.get(pk=desk.org.pk)
    organisation.name = "甲市教育和体育局"
    organisation.save()
    assert "甲市教育和体育局" in labels()


def test_facet_labels_are_read_once_per_ttl(
    corpus: Corpus, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.forget_labels()
    cache.labels()
    with django_assert_num_queries(0):
        cache.labels()
    monkeypatch.setattr(cache, "LABEL_TTL_SECONDS", 0.0)
    with django_assert_num_queries(4):
        cache.labels()


def test_a_renamed_site_is_not_served_from_a_cached_page(client: Client, corpus: Corpus) -> None:
    assert "甲市人民政府网" in _page(client)
    site = sitecache.site_by_slug("jia")
    assert site is not None
    site.name = "甲市政府门户网站"
    site.save()  # (the cached page's key named the sites as they were)
    page = _page(client)
    assert "甲市政府门户网站" in page and "甲市人民政府网" not in page and FUND_TITLE in page
