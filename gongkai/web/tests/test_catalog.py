"""The disclosure catalog: each body's column tree and the dated, filtered, paged lists."""

import itertools
import re
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core.paginator import Paginator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from gongkai.publishing import services
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem
from gongkai.publishing.tests.factories import Desk, published
from gongkai.web import selectors

from .factories import Platform, column_of, published_in

pytestmark = pytest.mark.django_db

COUNTY_HOST = "www.yi.gov.cn"


def html(response: Any) -> str:
    return str(response.content.decode())


def list_titles(page: str) -> list[str]:
    """The titles of the dated list (not of the tree or the related items), in order."""
    match = re.search(r'<ul class="item-list">(.*?)</ul>', page, re.S)
    return re.findall(r'class="item-link" href="[^"]+">([^<]+)</a>', match.group(1)) if match else []


def tree_titles(page: str) -> list[str]:
    match = re.search(r'<nav class="catalog-nav".*?</nav>', page, re.S)
    assert match is not None, "the catalog tree is missing"
    return re.findall(r'<a href="/gk/col/\d+/"[^>]*>([^<]+)</a>', match.group(0))


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def published_on(
    desk: Desk, when: datetime, title: str, column: CatalogColumn | None = None, **fields: Any
) -> InfoItem:
    """Published through the workflow with the clock at `when`."""
    with time_machine.travel(when, tick=False):
        return published_in(desk, column, title, **fields)


def column_url(column: CatalogColumn, query: str = "") -> str:
    return reverse("web:column", args=[column.pk]) + query


# --- the body page: tree and latest items ------------------------------------------------


def test_body_page_shows_the_catalog_tree_beside_the_dated_list(client: Client, platform: Platform, desk: Desk) -> None:
    item = published_on(desk, at(2025, 3, 7), "关于2025年义务教育招生工作的通知")
    response = client.get(reverse("web:organisation", args=[platform.education.pk]))
    assert response.status_code == 200
    page = html(response)
    titles = tree_titles(page)
    # the statutory columns, in the order of the statutory tree, nested
    assert titles[:5] == ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "机构职能", "负责人信息"]
    assert titles[-1] == "政府信息公开年报"
    assert "土地征收" not in titles  # 条例第二十一条 columns are for governments only
    assert re.search(r"政策文件</a>\s*<span class=\"count\">.*?1</span>\s*<ul class=\"catalog-tree\">", page, re.S)
    assert list_titles(page) == [item.title]
    assert '<time class="item-date" datetime="2025-03-07T10:00:00+08:00">2025-03-07</time>' in page
    assert f'href="/gk/item/{item.pk}/"' in page
    assert "政府信息公开指南" in page and "甲市文化路8号" in page  # the guide is still there


def test_body_page_tree_comes_left_of_the_list_and_headings_are_in_order(
    client: Client, platform: Platform, desk: Desk
) -> None:
    page = html(client.get(reverse("web:organisation", args=[platform.education.pk])))
    assert page.index('class="catalog-nav"') < page.index('id="items-title"')
    headings = [int(h) for h in re.findall(r"<h([1-6])[\s>]", page)]
    assert headings[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))


def test_body_without_a_catalog_says_so(client: Client, platform: Platform) -> None:
    page = html(client.get(reverse("web:organisation", args=[platform.township.pk])))
    assert "该机构尚未建立信息公开目录。" in page
    assert "该机构尚未公开信息。" in page


def test_government_catalog_has_the_article_21_columns(client: Client, platform: Platform) -> None:
    services.catalog_ensure(actor=None, organisation=platform.city)
    titles = tree_titles(html(client.get(reverse("web:organisation", args=[platform.city.pk]))))
    assert {"土地征收", "房屋征收", "社会救助"} <= set(titles)


def test_body_page_filters_by_column_including_its_sub_columns(client: Client, platform: Platform, desk: Desk) -> None:
    normative = published_in(desk, column_of(platform.education, "normative"), "甲市教育局行政规范性文件管理办法")
    other = published(desk, "关于召开教育工作会议的通知")
    budget = published_in(desk, column_of(platform.education, "budget"), "2026年部门预算")
    url = reverse("web:organisation", args=[platform.education.pk])
    assert set(list_titles(html(client.get(url)))) == {normative.title, other.title, budget.title}
    policy = column_of(platform.education, ColumnKey.POLICY)
    page = html(client.get(f"{url}?column={policy.pk}"))
    assert set(list_titles(page)) == {normative.title, other.title}
    assert f'<option value="{policy.pk}" selected>' in page
    assert "\u3000\u3000行政规范性文件</option>" in page  # indented two levels
    # a column of another body is no filter
    foreign = CatalogColumn.objects.create(organisation=platform.city, title="别的", slug="x")
    assert len(list_titles(html(client.get(f"{url}?column={foreign.pk}")))) == 3


# --- a column -----------------------------------------------------------------------------


def test_column_lists_its_items_and_those_of_its_sub_columns_newest_first(
    client: Client, platform: Platform, desk: Desk
) -> None:
    normative = column_of(platform.education, "normative")
    older = published_on(desk, at(2024, 5, 1), "甲市教育局关于规范校外培训的通知", normative)
    newer = published_on(desk, at(2025, 9, 1), "关于开展2025年秋季学期开学检查的通知")
    published_on(desk, at(2025, 10, 1), "2025年统计公报", column_of(platform.education, "statistics"))
    policy = column_of(platform.education, ColumnKey.POLICY)
    response = client.get(column_url(policy))
    assert response.status_code == 200
    page = html(response)
    assert list_titles(page) == [newer.title, older.title]
    assert "<h1>政策文件</h1>" in page
    assert f'<a href="/gk/col/{policy.pk}/" aria-current="page">政策文件</a>' in page
    assert "共 2 条信息" in page
    # the column's own list: only its own items
    assert list_titles(html(client.get(column_url(column_of(platform.education, "normative"))))) == [older.title]


def test_column_breadcrumb_and_feed_links(client: Client, platform: Platform, desk: Desk) -> None:
    normative = column_of(platform.education, "normative")
    page = html(client.get(column_url(normative)))
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.S)
    assert crumbs is not None
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs.group(0)) == [
        "首页", "政务公开", "甲市教育局", "法定主动公开内容", "政策文件", "行政规范性文件",
    ]  # fmt: skip
    assert f'type="application/rss+xml" title="行政规范性文件 (RSS)" href="/gk/col/{normative.pk}/rss/">' in page
    assert f'type="application/atom+xml" title="行政规范性文件 (Atom)" href="/gk/col/{normative.pk}/atom/"' in page


def test_empty_column_says_so(client: Client, platform: Platform, desk: Desk) -> None:
    page = html(client.get(column_url(column_of(platform.education, "fees"))))
    assert "本栏目暂无公开信息。" in page
    assert 'class="pager"' not in page
    assert 'class="list-filters"' not in page  # nothing to filter


def test_column_of_another_sites_body_is_404(client: Client, platform: Platform, county_desk: Desk) -> None:
    url = column_url(county_desk.column)
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HOST=COUNTY_HOST).status_code == 200
    assert client.get(f"/site/yi{url}").status_code == 200
    assert client.get("/gk/col/999999/").status_code == 404


def test_hidden_column_and_the_columns_below_it_are_not_public(client: Client, platform: Platform, desk: Desk) -> None:
    policy = column_of(platform.education, ColumnKey.POLICY)
    normative = column_of(platform.education, ColumnKey.NORMATIVE)
    services.column_update(actor=None, column=policy, title=policy.title, position=policy.position, is_hidden=True)
    assert client.get(column_url(policy)).status_code == 404
    assert client.get(column_url(normative)).status_code == 404
    titles = tree_titles(html(client.get(reverse("web:organisation", args=[platform.education.pk]))))
    assert "政策文件" not in titles and "行政规范性文件" not in titles
    assert "机构职能" in titles


# --- filters and paging --------------------------------------------------------------------


def test_filters_by_subject_and_year(client: Client, platform: Platform, desk: Desk) -> None:
    education = services.subject_create(actor=None, name="教育")
    finance = services.subject_create(actor=None, name="财政、金融、审计")
    a = published_on(desk, at(2024), "2024年教育经费使用情况", subject=finance)
    b = published_on(desk, at(2025), "2025年招生工作方案", subject=education)
    c = published_on(desk, at(2025, 8), "2025年教育经费使用情况", subject=finance)
    url = column_url(desk.column)
    page = html(client.get(url))
    assert list_titles(page) == [c.title, b.title, a.title]
    assert re.findall(r'<option value="(\d{4})"', page) == ["2025", "2024"]
    assert f'<option value="{education.pk}">教育</option>' in page
    assert list_titles(html(client.get(url + f"?subject={finance.pk}"))) == [c.title, a.title]
    assert list_titles(html(client.get(url + "?year=2025"))) == [c.title, b.title]
    page = html(client.get(url + f"?subject={finance.pk}&year=2025"))
    assert list_titles(page) == [c.title]
    assert '<option value="2025" selected>' in page
    assert f'<option value="{finance.pk}" selected>' in page
    assert "清除条件" in page


def test_year_filter_follows_the_local_calendar(client: Client, platform: Platform, desk: Desk) -> None:
    # 2025-01-01 07:00 in Beijing is still 2024 in UTC
    item = published_on(desk, datetime(2025, 1, 1, 7, 0, tzinfo=timezone.get_current_timezone()), "元旦值班安排")
    url = column_url(desk.column)
    assert list_titles(html(client.get(url + "?year=2025"))) == [item.title]
    assert re.findall(r'<option value="(\d{4})"', html(client.get(url))) == ["2025"]


@pytest.mark.parametrize(
    "query",
    [
        "?subject=abc&year=xyz&page=zz&column=--",
        "?year=２０２５",
        "?year=99999999999999999999&subject=-1",
        "?subject=987654&year=1900",  # unknown values: ignored, the form shows 全部
        "?page=0",
        "?page=-3",
        "?page=99999999999999999999999",
        "?subject=%00&year=%3Cscript%3E",
    ],
)
def test_odd_filters_are_ignored_without_error(client: Client, platform: Platform, desk: Desk, query: str) -> None:
    item = published(desk, "关于做好学生资助工作的通知")
    response = client.get(column_url(desk.column, query))
    assert response.status_code == 200
    page = html(response)
    assert list_titles(page) == [item.title]
    assert "清除条件" not in page
    assert "<script>" not in page


def test_paging_twenty_a_page_with_filters_kept_and_past_the_end_gives_the_last_page(
    client: Client, platform: Platform, desk: Desk
) -> None:
    subject = services.subject_create(actor=None, name="教育")
    items = [published_on(desk, at(2025, 1, 1 + i), f"第{i + 1:02d}号通知", subject=subject) for i in range(23)]
    newest_first = [i.title for i in reversed(items)]
    url = column_url(desk.column)
    page1 = html(client.get(url + f"?subject={subject.pk}"))
    assert list_titles(page1) == newest_first[:20]
    assert "共 23 条信息" in page1
    assert "第 1 / 2 页" in page1
    assert f'href="?subject={subject.pk}&amp;page=2" rel="next"' in page1
    assert f'href="?subject={subject.pk}&amp;page=2">尾页' in page1
    assert "上一页" not in page1
    page2 = html(client.get(url + f"?subject={subject.pk}&page=2"))
    assert list_titles(page2) == newest_first[20:]
    assert 'aria-current="page"><span class="visually-hidden">第</span>2<' in page2
    assert "下一页" not in page2
    assert list_titles(html(client.get(url + "?page=3"))) == newest_first[20:]  # past the end: the last page
    assert list_titles(html(client.get(url + "?page=x"))) == newest_first[:20]


def test_long_lists_elide_the_page_numbers() -> None:
    """Many pages: the first, the last and the neighbours of the current one, never 50 links."""
    listing = selectors.ItemList(
        page=Paginator([InfoItem(pk=n) for n in range(1000)], 20).page(25),
        filters=selectors.ListFilters(year=2025),
        subjects=[],
        years=[2025],
        columns=[],
    )
    assert listing.page_range == [1, "…", 23, 24, 25, 26, 27, "…", 50]
    assert listing.page_prefix == "year=2025&"


# --- query counts ---------------------------------------------------------------------------


def _count(client: Client, url: str, assert_max: Any, limit: int) -> None:
    with assert_max(limit):
        assert client.get(url).status_code == 200


def test_column_list_costs_a_fixed_number_of_queries(
    client: Client, platform: Platform, desk: Desk, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # site (1), navigation (1), inner sites + column (2), catalog columns + counts (2),
    # subjects + years (2), count + page (2)
    queries = 10
    subject = services.subject_create(actor=None, name="教育")
    policy = column_of(platform.education, ColumnKey.POLICY)
    published(desk, "第一条", subject=subject)
    client.get(column_url(policy))  # warm-up
    _count(client, column_url(policy), django_assert_max_num_queries, queries)
    for i in range(24):
        published_in(desk, column_of(platform.education, "normative") if i % 2 else None, f"第{i}条", subject=subject)
    _count(client, column_url(policy), django_assert_max_num_queries, queries)
    _count(
        client, column_url(policy, f"?subject={subject.pk}&year=2026&page=2"), django_assert_max_num_queries, queries
    )


def test_body_page_costs_a_fixed_number_of_queries(
    client: Client, platform: Platform, desk: Desk, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # the shell and the body's relations (7), catalog columns + counts (2), subjects + years (2), count + page (2)
    queries = 13
    url = reverse("web:organisation", args=[platform.education.pk])
    published(desk, "第一条")
    client.get(url)
    _count(client, url, django_assert_max_num_queries, queries)
    for i in range(22):
        published_in(desk, column_of(platform.education, "plans"), f"第{i}条")
    _count(client, url, django_assert_max_num_queries, queries)
