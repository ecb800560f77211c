"""The search page, the API and the OpenAPI document."""

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.test import Client

from gongkai.publishing.tests.factories import Desk
from gongkai.web.tests.factories import Platform

from .factories import Corpus, build_corpus

pytestmark = [pytest.mark.django_db]
CITY = {"host": "www.jia.gov.cn"}


@pytest.fixture
def corpus(desk: Desk, county_desk: Desk) -> Corpus:
    return build_corpus(desk, county_desk)


def test_search_page_lists_hits_with_snippets_and_facets(client: Client, corpus: Corpus) -> None:
    response = client.get("/search/", {"q": "公积金"}, headers=CITY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲市<mark>住房公积金</mark>提取管理办法" in html  # the synonym is marked too
    assert "发布机构" in html and "文种" in html
    assert f'href="/gk/item/{corpus.fund.pk}/"' in html  # on this site: a path


def test_search_page_this_site_or_all_sites(client: Client, corpus: Corpus) -> None:
    here = client.get("/search/", {"q": "社会保险"}, headers=CITY).content.decode()
    assert "乙县<mark>社会保险</mark>经办规程" not in here
    everywhere = client.get("/search/", {"q": "社会保险", "scope": "all"}, headers=CITY).content.decode()
    assert "乙县<mark>社会保险</mark>经办规程" in everywhere
    assert f'href="http://www.yi.gov.cn/gk/item/{corpus.county.pk}/"' in everywhere  # on the county's site


def test_search_page_without_a_query(client: Client, platform: Platform) -> None:
    response = client.get("/search/", headers=CITY)
    assert response.status_code == 200 and "文号" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "😀🎉"},
        {"q": "，。！"},
        {"q": "公积金" * 700},
        {"q": "公积金", "page": "10000"},
        {"q": "公积金", "page": "-3"},
        {"q": "公积金", "org": "abc", "year": "99999", "type": "不存在", "validity": "x", "sort": "random"},
        {"q": "公积金", "org": "987654321"},
        {"q": "公积金", "page_size": "100000"},
    ],
)
def test_bad_input_gets_a_page_and_an_answer(client: Client, corpus: Corpus, params: dict[str, str]) -> None:
    page = client.get("/search/", params, headers=CITY)
    assert page.status_code == 200
    api = client.get("/api/v1/search", params, headers=CITY)
    assert api.status_code == 200
    data = api.json()
    assert isinstance(data["results"], list)
    assert data["notices"] or data["results"] or data["total"] == 0


def test_api_json_shape(client: Client, corpus: Corpus) -> None:
    data = client.get("/api/v1/search", {"q": "医保", "page_size": "5"}, headers=CITY).json()
    assert set(data) >= {"query", "scope", "site", "sort", "page", "page_size", "pages", "total", "took_ms", "notices",
                         "direct", "results", "facets", "suggestions", "related"}  # fmt: skip
    assert data["scope"] == "site" and data["site"] == "jia" and data["page_size"] == 5
    first = data["results"][0]
    assert first["id"] == corpus.insurance.pk
    assert set(first) == {
        *("id", "external_id", "title", "doc_number", "index_number", "organisation", "column", "subject"),
        *("type", "validity", "published_at", "url", "snippet_html", "title_html", "score"),
    }
    assert first["url"].startswith("http://www.jia.gov.cn/gk/item/")
    assert first["type"] == "通知" and first["organisation"]["name"] == "甲市教育局"
    assert {"organisation", "column", "subject", "doctype", "year", "validity"} <= set(data["facets"])


def test_api_direct_hit_and_filters(client: Client, corpus: Corpus) -> None:
    data = client.get("/api/v1/search", {"q": "甲市教发（２０２４）１２号"}, headers=CITY).json()
    assert data["direct"]["id"] == corpus.insurance.pk
    filtered = client.get("/api/v1/search", {"q": "工作", "type": "方案"}, headers=CITY).json()
    assert [r["id"] for r in filtered["results"]] == [corpus.drink_driving.pk]


def test_withdrawn_item_disappears_from_the_api_at_once(client: Client, corpus: Corpus, desk: Desk) -> None:
    from gongkai.publishing import services

    assert client.get("/api/v1/search", {"q": "公积金"}, headers=CITY).json()["total"] >= 1
    services.item_withdraw(actor=desk.final, item=corpus.fund, reason="错误")  # outbox not applied yet
    data = client.get("/api/v1/search", {"q": "公积金"}, headers=CITY).json()
    assert corpus.fund.pk not in [r["id"] for r in data["results"]]


def test_autocomplete_api(client: Client, corpus: Corpus) -> None:
    data = client.get("/api/v1/search/complete", {"q": "住房公"}, headers=CITY).json()
    assert data["completions"] == [{"id": corpus.fund.pk, "title": "甲市住房公积金提取管理办法"}]
    assert client.get("/api/v1/search/complete", {"q": ""}, headers=CITY).json()["completions"] == []


def test_openapi_document(client: Client, platform: Platform) -> None:
    doc = client.get("/api/v1/openapi.json", headers=CITY).json()
    assert doc["openapi"].startswith("3.1")
    operation = doc["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "page", "page_size", "sort", "scope", "org", "column", "subject", "type", "year", "validity"} == names
    assert "Hit" in doc["components"]["schemas"]
    # The assistant's API is described in the same document.
    assert {"/api/v1/assistant/ask", "/api/v1/assistant/ask/stream"} <= set(doc["paths"])
    assert "post" in doc["paths"]["/api/v1/assistant/ask"]


def test_facet_links_equal_the_general_query_string_builder() -> None:
    from gongkai.search.views import _query_string, _toggle_urls

    current = {"q": "公积金 提取", "page": "3", "org": "7", "sort": "date", "year": "", "scope": "all"}
    for key in ("org", "year", "column", "type"):
        before, after, without = _toggle_urls(current, key)
        assert without == _query_string(current, **{key: None, "page": None})
        for value in ("12", "通知", "a&b=c"):
            link = "?" + "&".join(p for p in (before, urlencode({key: value}), after) if p)
            assert link == _query_string(current, **{key: value, "page": None})


def test_result_list_escapes_what_it_shows() -> None:
    from django.utils.safestring import mark_safe

    from gongkai.search.engine import Hit
    from gongkai.search.views import results_html

    hit = Hit(
        id=1,
        external_id="",
        title="<i>t</i>",
        title_html=mark_safe("&lt;i&gt;<mark>t</mark>"),
        doc_number='达"1"号',
        index_number="",
        organisation_id=1,
        organisation="<b>甲市</b>",
        column_id=1,
        column="",
        subject="",
        doctype="通知",
        validity="not_applicable",
        validity_label="",
        published_at=datetime(2024, 5, 6, 1, 30, tzinfo=UTC),
        score=1.0,
        snippet=mark_safe("…<mark>公积金</mark>…"),
        body="",
    )
    html = str(results_html([(hit, '/gk/item/1/?a=1&b="2"')], start=11))
    assert html.startswith('<ol class="search-list" start="11">')
    assert '<a class="item-link" href="/gk/item/1/?a=1&amp;b=&quot;2&quot;">&lt;i&gt;<mark>t</mark></a>' in html
    assert "<span>&lt;b&gt;甲市&lt;/b&gt;</span>" in html and "<span>达&quot;1&quot;号</span>" in html
    assert '<time datetime="2024-05-06T09:30:00+08:00">2024-05-06</time>' in html  # Asia/Shanghai
    assert "not_applicable" not in html and '<p class="snippet">…<mark>公积金</mark>…</p>' in html
    assert str(results_html([], start=1)) == ""


def test_facet_lists_mark_the_selected_value_and_escape_labels() -> None:
    from gongkai.search.views import FacetGroup, FacetLink, facets_html

    groups = [
        FacetGroup(
            name="organisation",
            label="发布机构",
            values=[
                FacetLink(label="<b>甲市</b>", count=3, selected=False, url="?q=a&org=1"),
                FacetLink(label="乙县", count=1, selected=True, url="?q=a"),
            ],
        ),
        FacetGroup(name="site", label="网站", values=[FacetLink(label="甲市", count=4, selected=False, url="")]),
    ]
    html = str(facets_html(groups, filtered=True, clear_url="?q=a"))
    assert '<a href="?q=a&amp;org=1">&lt;b&gt;甲市&lt;/b&gt;</a> <span class="muted">(3)</span>' in html
    assert '<a href="?q=a" aria-current="true" class="selected">乙县</a>' in html
    assert "已选，点击取消" in html and "清除筛选条件" in html
    assert "<li>甲市 <span" in html  # the site group: counts only, no links
    assert str(facets_html([], filtered=False, clear_url="")) == ""


def test_search_page_pager(client: Client, corpus: Corpus) -> None:
    first = client.get("/search/", {"q": "甲市", "page_size": "1"}, headers=CITY).content.decode()
    pages = int(re.search(r"第 1 / (\d+) 页", first)[1])  # type: ignore[index]
    assert pages >= 3
    assert 'rel="prev"' not in first and 'href="?q=%E7%94%B2%E5%B8%82&amp;page_size=1&amp;page=2" rel="next"' in first
    assert 'aria-current="page"><span class="visually-hidden">第</span>1<span' in first
    second = client.get("/search/", {"q": "甲市", "page_size": "1", "page": "2"}, headers=CITY).content.decode()
    assert f"第 2 / {pages} 页" in second
    assert 'href="?q=%E7%94%B2%E5%B8%82&amp;page_size=1&amp;page=1" rel="prev"' in second
    assert '<a href="?q=%E7%94%B2%E5%B8%82&amp;page_size=1&amp;page=1">首页</a>' in second
    assert 'aria-current="page"><span class="visually-hidden">第</span>2<' in second
    one = client.get("/search/", {"q": "公积金"}, headers=CITY).content.decode()
    assert 'class="pager"' not in one  # one page: no pager


@pytest.mark.parametrize("value", ["123", "2024", "in_force", "规范性文件", "a b&c=d", "Ａ１", "x/y", ""])
def test_a_facet_parameter_is_urlencoded(value: str) -> None:
    from gongkai.search.views import _param

    assert _param("type", value) == urlencode({"type": value})
