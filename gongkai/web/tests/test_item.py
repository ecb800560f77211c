"""The item page, its print view, attachment downloads and look-up by 索引号."""

import itertools
import re
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from gongkai.publishing import services
from gongkai.publishing.models import Attachment, InfoItem, Validity
from gongkai.publishing.tests.factories import Desk, draft, published
from gongkai.web.views import content_disposition

from .factories import Platform, attach

pytestmark = pytest.mark.django_db

COUNTY_HOST = "www.yi.gov.cn"
BODY = (
    "<h2>一、总体要求</h2>"
    "<p>坚持公平公正、就近入学，全面落实义务教育免试入学政策。</p>"
    "<h2>二、工作安排</h2>"
    "<p>5月20日至6月10日为信息采集阶段，家长可通过“甲市教育”平台填报。</p>"
)


def html(response: Any) -> str:
    return str(response.content.decode())


def item_url(item: InfoItem, name: str = "web:item") -> str:
    return reverse(name, args=[item.pk])


class _Table(HTMLParser):
    """The metadata table as (header, header id, scope, value, value headers) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, dict[str, str | None]]] = []
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._text = ""
        self._table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "item-meta") in attrs:
            self._table = True
        elif self._table and tag in ("th", "td"):
            self._in, self._attrs, self._text = tag, dict(attrs), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = False
        elif self._in == tag:
            self.cells.append((" ".join(self._text.split()), {"tag": tag, **self._attrs}))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def pairs(self) -> dict[str, str]:
        found = {}
        for (label, th), (value, td) in zip(self.cells[::2], self.cells[1::2], strict=True):
            assert th["tag"] == "th" and th["scope"] == "row", th
            assert td["tag"] == "td" and td["headers"] == th["id"], (th, td)
            found[label] = value
        return found


def meta(page: str) -> dict[str, str]:
    parser = _Table()
    parser.feed(page)
    return parser.pairs()


@pytest.fixture
def notice(desk: Desk) -> InfoItem:
    subject = services.subject_create(actor=None, name="教育")
    with time_machine.travel(datetime(2026, 4, 3, 9, 30, tzinfo=timezone.get_current_timezone()), tick=False):
        return published(
            desk,
            "甲市教育局关于做好2026年义务教育招生入学工作的通知",
            doc_number="甲教发〔2026〕12号",
            date_written=date(2026, 3, 30),
            subject=subject,
            keywords="义务教育 招生",
            summary="明确2026年义务教育阶段学校招生入学的工作安排。",
            validity=Validity.IN_FORCE,
            body_html=BODY,
        )


# --- the item page ------------------------------------------------------------------------


def test_item_page_opens_with_the_metadata_table_then_title_number_text(
    client: Client, platform: Platform, notice: InfoItem
) -> None:
    response = client.get(item_url(notice))
    assert response.status_code == 200
    page = html(response)
    assert meta(page) == {
        "索引号": "008765432/2026-00001",
        "主题分类": "教育",
        "发布机构": "甲市教育局",
        "成文日期": "2026-03-30",
        "文号": "甲教发〔2026〕12号",
        "发布日期": "2026-04-03",
        "有效性": "现行有效",
        "主题词": "义务教育 招生",
        "内容概述": "明确2026年义务教育阶段学校招生入学的工作安排。",
    }
    order = [
        page.index('<table class="item-meta"'),
        page.index('<h1 id="item-title" class="item-title">甲市教育局关于做好2026年义务教育招生入学工作的通知</h1>'),
        page.index('<p class="doc-number">甲教发〔2026〕12号</p>'),
        page.index("<h2>一、总体要求</h2>"),
    ]
    assert order == sorted(order)
    assert '<time datetime="2026-04-03T09:30:00+08:00">2026-04-03 09:30</time>' in page
    assert "<title>甲市教育局关于做好2026年义务教育招生入学工作的通知 - 甲市人民政府网</title>" in page
    assert f'href="{item_url(notice, "web:item_print")}"' in page
    assert '<caption class="visually-hidden">信息索引</caption>' in page


def test_item_page_breadcrumb_follows_the_catalog(client: Client, platform: Platform, notice: InfoItem) -> None:
    page = html(client.get(item_url(notice)))
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.S)
    assert crumbs is not None
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs.group(0)) == [
        "首页", "政务公开", "甲市教育局", "法定主动公开内容", "政策文件", "其他文件", "正文",
    ]  # fmt: skip
    # the 政务公开 section of the main navigation is the current one
    assert '<a href="/gk/" aria-current="page">政务公开</a>' in page


def test_external_documents_show_the_issuing_organ_as_publisher(client: Client, platform: Platform, desk: Desk) -> None:
    item = published(desk, "四川省教育厅关于做好2026年高考工作的通知", issuing_organ="四川省教育厅")
    page = html(client.get(item_url(item)))
    table = meta(page)
    assert table["发布机构"] == "四川省教育厅"
    assert table["生成日期"] == "2026-03-02"  # no 成文日期: the date the information was formed
    assert table["文号"] == "无" and table["主题分类"] == "无"
    assert "来源：四川省教育厅" in page


@pytest.mark.parametrize(("validity", "label"), [("repealed", "废止"), ("expired", "失效"), ("amended", "已修改")])
def test_documents_no_longer_in_force_say_so_on_the_original(
    client: Client, platform: Platform, desk: Desk, validity: str, label: str
) -> None:
    item = published(desk, "甲市中小学学籍管理办法", validity=validity)
    page = html(client.get(item_url(item)))
    assert meta(page)["有效性"] == label
    assert f'<p class="notice validity-notice">本文件有效性：{label}。</p>' in page


def test_in_force_documents_carry_no_notice(client: Client, platform: Platform, notice: InfoItem) -> None:
    assert "validity-notice" not in html(client.get(item_url(notice)))


def test_attachments_with_type_and_size_through_the_download_view(
    client: Client, platform: Platform, notice: InfoItem
) -> None:
    pdf = attach(notice, "附件1：2026年义务教育招生入学日程安排.pdf", b"%PDF-1.4\n" + b"0" * 12_790)
    xlsx = attach(notice, "附件2：学区划分表.xlsx", b"PK" + b"1" * 2_000_000)
    page = html(client.get(item_url(notice)))
    assert (
        f'<a href="/gk/file/{pdf.pk}/">附件1：2026年义务教育招生入学日程安排.pdf</a>\n'
        '      <span class="file-info">（PDF，12.5 KB）</span>'
    ) in page
    assert f'<a href="/gk/file/{xlsx.pk}/">附件2：学区划分表.xlsx</a>' in page
    assert "（XLSX，1.9 MB）" in page
    assert page.index("附件1") < page.index("附件2")
    assert "/media/" not in page and pdf.file.name not in page


def test_related_items_only_those_public_on_this_site(
    client: Client, platform: Platform, desk: Desk, county_desk: Desk, notice: InfoItem
) -> None:
    public = published(desk, "甲市教育局关于2025年招生工作的总结")
    unpublished = draft(desk, "尚未发布的解读")
    elsewhere = published(county_desk, "乙县教育局转发市教育局招生通知")
    services.item_set_related(actor=None, item=notice, related=[public, unpublished, elsewhere])
    page = html(client.get(item_url(notice)))
    related = re.search(r'<section class="item-related".*?</section>', page, re.S)
    assert related is not None
    assert '<h2 id="related-title">相关文件</h2>' in related.group(0)
    assert re.findall(r'class="item-link" href="[^"]+">([^<]+)</a>', related.group(0)) == [public.title]
    # the relation is symmetrical: the other page points back
    assert notice.title in html(client.get(item_url(public)))


def test_item_page_has_no_related_section_without_related_items(
    client: Client, platform: Platform, notice: InfoItem
) -> None:
    page = html(client.get(item_url(notice)))
    assert "相关文件" not in page
    assert 'class="item-attachments"' not in page


def test_item_page_headings_are_in_order(client: Client, platform: Platform, desk: Desk, notice: InfoItem) -> None:
    attach(notice)
    services.item_set_related(actor=None, item=notice, related=[published(desk, "另一份文件")])
    page = html(client.get(item_url(notice)))
    headings = [int(h) for h in re.findall(r"<h([1-6])[\s>]", page)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))


def test_item_of_another_sites_body_is_404(client: Client, platform: Platform, county_desk: Desk) -> None:
    item = published(county_desk, "乙县教育局2026年部门预算")
    assert client.get(item_url(item)).status_code == 404
    assert client.get(item_url(item), HTTP_HOST=COUNTY_HOST).status_code == 200
    assert client.get(f"/site/yi{item_url(item)}").status_code == 200
    assert client.get("/gk/item/999999/").status_code == 404


def test_item_in_a_hidden_column_stays_reachable_but_the_column_is_not_linked(
    client: Client, platform: Platform, desk: Desk, notice: InfoItem
) -> None:
    column = notice.column
    services.column_update(actor=None, column=column, title=column.title, position=column.position, is_hidden=True)
    page = html(client.get(item_url(notice)))
    assert "<li>其他文件</li>" in page
    assert f'href="/gk/col/{column.pk}/"' not in page


def test_item_page_costs_a_fixed_number_of_queries(
    client: Client,
    platform: Platform,
    desk: Desk,
    notice: InfoItem,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # site (1), navigation (1), inner sites + item (2), attachments (1), catalog columns (1),
    # inner sites + related (2)
    queries = 8
    client.get(item_url(notice))
    with django_assert_max_num_queries(queries):
        assert client.get(item_url(notice)).status_code == 200
    for i in range(5):
        attach(notice, f"附件{i}.pdf")
    services.item_set_related(actor=None, item=notice, related=[published(desk, f"相关文件{i}") for i in range(5)])
    with django_assert_max_num_queries(queries):
        assert client.get(item_url(notice)).status_code == 200


# --- print view ---------------------------------------------------------------------------


def test_print_view_has_the_item_and_no_navigation(client: Client, platform: Platform, notice: InfoItem) -> None:
    attach(notice, "附件1：日程安排.pdf")
    response = client.get(item_url(notice, "web:item_print"))
    assert response.status_code == 200
    page = html(response)
    assert '<html lang="zh-CN">' in page
    assert meta(page)["索引号"] == "008765432/2026-00001"
    assert '<h1 class="item-title">甲市教育局关于做好2026年义务教育招生入学工作的通知</h1>' in page
    assert "<h2>一、总体要求</h2>" in page
    assert "附件1：日程安排.pdf" in page and "/gk/file/" not in page  # names, not links, on paper
    assert "/static/web/print.css" in page and "/static/web/site.css" not in page
    for absent in ('class="main-nav"', 'class="breadcrumb"', "<header", "<footer", 'class="topbar"', "长者模式"):
        assert absent not in page, absent
    assert f"http://testserver{item_url(notice)}" in page  # where the paper came from
    assert '<meta name="robots" content="noindex">' in page
    assert client.get(f"/gk/item/{notice.pk + 1000}/print/").status_code == 404


# --- attachments --------------------------------------------------------------------------


def test_download_sends_the_original_name_and_never_sniffs(
    client: Client, platform: Platform, notice: InfoItem
) -> None:
    content = b"%PDF-1.4\n1 0 obj\n"
    attachment = attach(notice, "附件1：招生日程（2026年）.pdf", content)
    response = client.get(reverse("web:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=\"attachment-{attachment.pk}.pdf\"; filename*=UTF-8''")
    assert unquote(disposition.split("UTF-8''", 1)[1]) == "附件1：招生日程（2026年）.pdf"


def test_download_of_a_page_like_file_is_never_rendered(client: Client, platform: Platform, notice: InfoItem) -> None:
    attachment = attach(notice, "说明.html", b"<script>alert(1)</script>")
    response = client.get(reverse("web:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith('attachment; filename="')


def test_content_disposition_keeps_an_ascii_name_and_refuses_header_tricks() -> None:
    assert content_disposition("report-2026.pdf", 7, "pdf") == (
        "attachment; filename=\"report-2026.pdf\"; filename*=UTF-8''report-2026.pdf"
    )
    tricky = content_disposition('a"b\r\nSet-Cookie: x.pdf', 7, "pdf")
    assert "\r" not in tricky and "\n" not in tricky
    assert tricky.startswith('attachment; filename="attachment-7.pdf"; ')


def test_download_of_another_site_or_missing_file_is_404(
    client: Client, platform: Platform, county_desk: Desk, notice: InfoItem
) -> None:
    county_item = published(county_desk, "乙县教育局公告")
    county_file = attach(county_item)
    url = reverse("web:attachment", args=[county_file.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HOST=COUNTY_HOST).status_code == 200
    missing = attach(notice)
    missing.file.delete(save=False)
    assert client.get(reverse("web:attachment", args=[missing.pk])).status_code == 404
    assert client.get("/gk/file/999999/").status_code == 404


def test_the_original_docx_of_an_import_is_not_published(client: Client, platform: Platform, notice: InfoItem) -> None:
    original = attach(notice, "原稿.docx", b"PK\x03\x04")
    Attachment.objects.filter(pk=original.pk).update(is_original=True)
    assert "原稿.docx" not in html(client.get(item_url(notice)))
    assert client.get(reverse("web:attachment", args=[original.pk])).status_code == 404


def test_uploads_are_not_served_under_media(client: Client, platform: Platform, notice: InfoItem) -> None:
    attachment = attach(notice)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


# --- 索引号 -------------------------------------------------------------------------------


def test_index_number_leads_to_the_item(client: Client, platform: Platform, desk: Desk, notice: InfoItem) -> None:
    response = client.get(f"/gk/idx/{notice.index_number}/")
    assert response.status_code == 302
    assert response["Location"] == item_url(notice)
    response = client.get(f"/site/jia/gk/idx/{notice.index_number}/")
    assert response["Location"] == f"/site/jia{item_url(notice)}"
    assert client.get("/gk/idx/008765432/2026-99999/").status_code == 404
    withdrawn = published(desk, "将被撤回的信息")
    services.item_withdraw(actor=None, item=withdrawn, reason="内容有误")
    assert client.get(f"/gk/idx/{withdrawn.index_number}/").status_code == 404


def test_index_number_of_another_site_is_404(client: Client, platform: Platform, county_desk: Desk) -> None:
    item = published(county_desk, "乙县教育局公告")
    assert client.get(f"/gk/idx/{item.index_number}/").status_code == 404
    assert client.get(f"/gk/idx/{item.index_number}/", HTTP_HOST=COUNTY_HOST).status_code == 302
