"""RSS 2.0 and Atom per catalog column; sitemap.xml per site."""

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.publishing import services
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem
from gongkai.publishing.tests.factories import Desk, published
from gongkai.web import sitemaps

from .factories import Platform, column_of, published_in

pytestmark = pytest.mark.django_db

COUNTY_HOST = "www.yi.gov.cn"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def xml(response: Any) -> ET.Element:
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def rss_url(column: CatalogColumn) -> str:
    return reverse("web:column_rss", args=[column.pk])


def atom_url(column: CatalogColumn) -> str:
    return reverse("web:column_atom", args=[column.pk])


def published_at(
    desk: Desk, when: datetime, title: str, column: CatalogColumn | None = None, **fields: Any
) -> InfoItem:
    with time_machine.travel(when, tick=False):
        return published_in(desk, column, title, **fields)


# --- feeds --------------------------------------------------------------------------------


def test_rss_lists_the_columns_items_newest_first(client: Client, platform: Platform, desk: Desk) -> None:
    policy = column_of(platform.education, ColumnKey.POLICY)
    older = published_at(
        desk, datetime(2025, 3, 1, 9, tzinfo=timezone.get_current_timezone()), "关于规范校外培训的通知",
        column_of(platform.education, "normative"), summary="规范校外培训机构办学行为。",
    )  # fmt: skip
    newer = published_at(
        desk, datetime(2025, 4, 1, 9, tzinfo=timezone.get_current_timezone()), "关于2025年春季开学的通知 <重要> & 急"
    )
    published_at(
        desk,
        datetime(2025, 5, 1, 9, tzinfo=timezone.get_current_timezone()),
        "2025年统计公报",
        column_of(platform.education, "statistics"),
    )
    response = client.get(rss_url(policy))
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = xml(response).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "政策文件 - 甲市教育局 - 甲市人民政府网"
    assert channel.findtext("link") == f"http://testserver/gk/col/{policy.pk}/"
    assert channel.findtext("language") == "zh-cn"
    items = channel.findall("item")
    assert [i.findtext("link") for i in items] == [
        f"http://testserver/gk/item/{newer.pk}/",
        f"http://testserver/gk/item/{older.pk}/",
    ]
    # the title is text: a reader that renders HTML shows the brackets, never markup
    assert items[0].findtext("title") == "关于2025年春季开学的通知 &lt;重要&gt; &amp; 急"
    assert items[1].findtext("description") == "规范校外培训机构办学行为。"
    assert items[0].findtext("description") == "各单位： 现将有关事项通知如下。"
    assert items[1].findtext("pubDate") == "Sat, 01 Mar 2025 01:00:00 +0000"
    assert [c.text for c in items[1].findall("category")] == ["行政规范性文件"]


def test_atom_feed_of_the_same_column(client: Client, platform: Platform, desk: Desk) -> None:
    subject = services.subject_create(actor=None, name="教育")
    item = published(desk, "关于做好学生资助工作的通知", subject=subject)
    response = client.get(atom_url(desk.column))
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = xml(response)
    assert feed.findtext(f"{ATOM}title") == "其他文件 - 甲市教育局 - 甲市人民政府网"
    assert feed.findtext(f"{ATOM}subtitle") == "甲市教育局政府信息公开目录“其他文件”栏目的最新信息"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"http://testserver/gk/item/{item.pk}/"
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "甲市教育局"
    assert [c.get("term") for c in entries[0].findall(f"{ATOM}category")] == ["其他文件", "教育"]


def test_feed_carries_the_twenty_newest(client: Client, platform: Platform, desk: Desk) -> None:
    items = [published(desk, f"第{i}号通知") for i in range(22)]
    links = [i.findtext("link") for i in xml(client.get(rss_url(desk.column))).iter("item")]
    assert links == [f"http://testserver/gk/item/{i.pk}/" for i in reversed(items)][:20]


def test_feed_links_stay_inside_the_site(client: Client, platform: Platform, county_desk: Desk) -> None:
    item = published(county_desk, "乙县教育局2026年部门预算")
    by_host = xml(client.get(rss_url(county_desk.column), HTTP_HOST=COUNTY_HOST))
    assert [i.findtext("link") for i in by_host.iter("item")] == [f"http://www.yi.gov.cn/gk/item/{item.pk}/"]
    by_prefix = xml(client.get(f"/site/yi{rss_url(county_desk.column)}"))
    assert [i.findtext("link") for i in by_prefix.iter("item")] == [f"http://testserver/site/yi/gk/item/{item.pk}/"]
    channel = by_prefix.find("channel")
    assert channel is not None
    assert channel.findtext("link") == f"http://testserver/site/yi/gk/col/{county_desk.column.pk}/"


def test_feed_of_another_sites_or_a_hidden_column_is_404(
    client: Client, platform: Platform, desk: Desk, county_desk: Desk
) -> None:
    assert client.get(rss_url(county_desk.column)).status_code == 404
    assert client.get(atom_url(county_desk.column)).status_code == 404
    policy = column_of(platform.education, ColumnKey.POLICY)
    services.column_update(actor=None, column=policy, title=policy.title, position=policy.position, is_hidden=True)
    assert client.get(rss_url(desk.column)).status_code == 404  # 其他文件 sits under 政策文件
    assert client.get("/gk/col/999999/atom/").status_code == 404


def test_empty_feed_is_still_valid(client: Client, platform: Platform, desk: Desk) -> None:
    channel = xml(client.get(rss_url(column_of(platform.education, "fees")))).find("channel")
    assert channel is not None and channel.findall("item") == []


# --- sitemap ------------------------------------------------------------------------------


def sitemap_urls(client: Client, prefix: str = "", host: str = "testserver") -> list[str]:
    """Every <loc> of the site's sitemap: the index first, then each file it names."""
    headers = {"host": host}
    index = xml(client.get(f"{prefix}/sitemap.xml", headers=headers))
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls: list[str] = []
    for loc in index.iter(f"{SITEMAP}loc"):
        assert loc.text is not None
        path = loc.text.split("://", 1)[1].split("/", 1)[1]
        urls.extend(u.text or "" for u in xml(client.get("/" + path, headers=headers)).iter(f"{SITEMAP}loc"))
    return urls


def test_sitemap_lists_the_sites_pages_bodies_columns_and_items(
    client: Client, platform: Platform, desk: Desk, county_desk: Desk
) -> None:
    item = published(desk, "关于做好学生资助工作的通知")
    county_item = published(county_desk, "乙县教育局公告")
    urls = sitemap_urls(client)
    base = "http://testserver"
    for path in ("/", "/gk/", "/fw/", "/hd/", f"/gk/org/{platform.education.pk}/", f"/gk/org/{platform.township.pk}/"):
        assert base + path in urls, path
    assert f"{base}/gk/col/{desk.column.pk}/" in urls
    assert f"{base}/gk/item/{item.pk}/" in urls
    assert f"{base}/gk/item/{county_item.pk}/" not in urls
    assert f"{base}/gk/org/{platform.county_dept.pk}/" not in urls
    assert f"{base}/gk/col/{county_desk.column.pk}/" not in urls
    assert len(urls) == len(set(urls))


def test_sitemap_by_host_and_under_the_site_prefix(client: Client, platform: Platform, county_desk: Desk) -> None:
    item = published(county_desk, "乙县教育局公告")
    assert f"http://www.yi.gov.cn/gk/item/{item.pk}/" in sitemap_urls(client, host=COUNTY_HOST)
    prefixed = sitemap_urls(client, "/site/yi")
    assert f"http://testserver/site/yi/gk/item/{item.pk}/" in prefixed
    assert "http://testserver/site/yi/" in prefixed
    assert all(u.startswith("http://testserver/site/yi/") for u in prefixed)


def test_sitemap_leaves_out_hidden_columns(client: Client, platform: Platform, desk: Desk) -> None:
    policy = column_of(platform.education, ColumnKey.POLICY)
    services.column_update(actor=None, column=policy, title=policy.title, position=policy.position, is_hidden=True)
    urls = sitemap_urls(client)
    assert f"http://testserver/gk/col/{policy.pk}/" not in urls
    assert f"http://testserver/gk/col/{desk.column.pk}/" not in urls  # below the hidden one
    assert f"http://testserver/gk/col/{column_of(platform.education, 'plans').pk}/" in urls


def test_sitemap_of_many_items_is_split_into_files(
    client: Client, platform: Platform, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps.SiteItemsSitemap, "limit", 2)
    items = [published(desk, f"第{i}号通知") for i in range(5)]
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-items.xml?p=3" in index
    urls = sitemap_urls(client)
    assert sorted(u for u in urls if "/gk/item/" in u) == sorted(f"http://testserver/gk/item/{i.pk}/" for i in items)
    assert client.get("/sitemap-items.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_dates_are_the_publication_dates(client: Client, platform: Platform, desk: Desk) -> None:
    item = published_at(desk, datetime(2025, 12, 31, 23, 30, tzinfo=timezone.get_current_timezone()), "年末公告")
    page = client.get("/sitemap-items.xml").content.decode()
    assert f"<loc>http://testserver/gk/item/{item.pk}/</loc><lastmod>2025-12-31</lastmod>" in page


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # site (1), inner sites + column (2), catalog columns (1), items (1)
        ("rss", 5),
        ("atom", 5),
        # the XML is a template: site (1) and the navigation of the context processor (1);
        # pages: inner sites + bodies + columns (3); items: inner sites + count (2),
        # inner sites + latest date (2)
        ("index", 9),
        # site, navigation (2), inner sites + bodies + columns (3)
        ("pages", 5),
        # site, navigation (2), inner sites (1), count + page of items (2)
        ("items", 5),
    ],
)
def test_feeds_and_sitemaps_cost_a_fixed_number_of_queries(
    client: Client,
    platform: Platform,
    desk: Desk,
    django_assert_max_num_queries: Any,
    name: str,
    queries: int,
) -> None:
    url = {
        "rss": rss_url(desk.column),
        "atom": atom_url(desk.column),
        "index": "/sitemap.xml",
        "pages": "/sitemap-pages.xml",
        "items": "/sitemap-items.xml",
    }[name]
    published(desk, "第一条")
    client.get(url)
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200
    for i in range(21):
        published(desk, f"第{i}条")
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_robots_points_to_the_site_sitemap_and_keeps_crawlers_out_of_the_workspace(
    client: Client, platform: Platform
) -> None:
    body = client.get("/site/jia/robots.txt").content.decode()
    assert "Disallow: /staff/" in body
    assert "Sitemap: http://testserver/site/jia/sitemap.xml" in body
