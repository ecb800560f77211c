import itertools
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from gongkai.core import services
from gongkai.core.models import Site, SiteColumn, SiteColumnKind
from gongkai.core.tests.factories import make_org, make_site
from gongkai.web.display import ELDER_COOKIE

from .factories import Platform

pytestmark = pytest.mark.django_db

COUNTY_HOST = "www.yi.gov.cn"


def html(response: Any) -> str:  # the test client's response
    return response.content.decode()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.actions: list[str] = []
        self.focusables: list[str] = []
        self.headings: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
            self.focusables.append(f"a:{a['href']}")
        elif tag in ("button", "input", "select", "textarea") and a.get("type") != "hidden":
            self.focusables.append(tag)
        elif tag == "form":
            self.actions.append(a.get("action") or "")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def parse(response: Any) -> _Links:
    parser = _Links()
    parser.feed(html(response))
    return parser


# --- the shell ----------------------------------------------------------------------


def test_shell_has_lang_skip_link_landmarks_and_navigation(client: Client, platform: Platform) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert '<html lang="zh-CN">' in page
    links = parse(response)
    assert links.focusables[0] == "a:#main", "the skip link must be the first focusable element"
    assert "跳到主要内容" in page
    assert '<main id="main"' in page
    assert '<nav class="main-nav" aria-label="主导航">' in page
    assert "<header" in page
    assert "<footer" in page
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S)
    assert nav is not None
    titles = re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0))
    assert titles == ["首页", "政务公开", "政务服务", "互动交流", "搜索"]
    for name in ("web:home", "web:openness", "web:services", "web:interaction", "web:search"):
        assert reverse(name) in links.hrefs
    assert '<a href="/" aria-current="page">首页</a>' in page
    assert reverse("staff:login") in links.hrefs
    assert "/static/web/site.css" in page
    assert "/static/web/site.js" in page
    assert "//" not in re.sub(r"https?://beian\.miit\.gov\.cn/|http://www\.yi\.gov\.cn/", "", " ".join(links.hrefs))


def test_heading_order_starts_at_h1_and_never_skips_a_level(client: Client, platform: Platform) -> None:
    for url in ("/", "/gk/", f"/gk/org/{platform.education.pk}/", "/fw/", "/hd/", "/search/?q=教育"):
        headings = parse(client.get(url)).headings
        assert headings[0] == 1, url
        assert headings.count(1) == 1, url
        for before, after in itertools.pairwise(headings):
            assert after <= before + 1, (url, headings)


def test_navigation_follows_the_sites_own_columns(client: Client, platform: Platform) -> None:
    site = platform.city_site
    SiteColumn.objects.filter(site=site, kind=SiteColumnKind.SERVICES).update(is_hidden=True)
    SiteColumn.objects.filter(site=site, kind=SiteColumnKind.OPENNESS).update(title="信息公开")
    SiteColumn.objects.create(
        site=site, kind=SiteColumnKind.LINK, title="省政府网", url="https://www.sc.gov.cn/", position=99
    )
    page = html(client.get("/gk/"))
    assert "政务服务</a>" not in page
    assert '<a href="/gk/" aria-current="page">信息公开</a>' in page
    assert '<a href="https://www.sc.gov.cn/" rel="noopener">省政府网</a>' in page
    # The other site keeps its own columns.
    county = html(client.get("/", HTTP_HOST=COUNTY_HOST))
    assert "省政府网" not in county
    assert "政务服务</a>" in county


def test_footer_shows_the_configured_fields_and_omits_empty_ones(client: Client, platform: Platform) -> None:
    page = html(client.get("/"))
    for text in (
        "主办单位：甲市人民政府办公室",
        "承办单位：甲市大数据中心",
        "网站标识码：5117000001",
        "蜀ICP备05000001号",
        "ICP备案号：",
        "公安备案号：川公网安备 51170202000001号",
        "联系我们：电话：0818-2345678",
    ):
        assert text in page
    county = html(client.get("/", HTTP_HOST=COUNTY_HOST))
    for label in ("主办单位", "承办单位", "网站标识码", "ICP备案号", "公安备案号", "联系我们"):
        assert label not in county
    # Without a contact line of its own, the site shows its body's phone.
    assert "联系电话：0818-5555555" in county


# --- site selection -----------------------------------------------------------------


def test_site_is_chosen_by_host_name(client: Client, platform: Platform) -> None:
    county = html(client.get("/", HTTP_HOST=COUNTY_HOST))
    assert "<title>乙县人民政府网</title>" in county
    assert "乙县教育局" in county
    assert "甲市教育局" not in county
    city = html(client.get("/", HTTP_HOST="www.jia.gov.cn"))
    assert "<title>甲市人民政府网</title>" in city
    # An unknown host gets the default site.
    assert "<title>甲市人民政府网</title>" in html(client.get("/", HTTP_HOST="127.0.0.1"))


def test_site_is_chosen_by_path_prefix_and_links_keep_the_prefix(client: Client, platform: Platform) -> None:
    response = client.get("/site/yi/")
    assert response.status_code == 200
    page = html(response)
    assert "<title>乙县人民政府网</title>" in page
    links = parse(response)
    internal = [h for h in links.hrefs if h.startswith("/") and h != "/site/jia/"]
    assert len(internal) > 5, links.hrefs
    assert all(h.startswith("/site/yi/") for h in internal), internal
    assert "/site/yi/gk/" in links.hrefs
    assert f"/site/yi/gk/org/{platform.county_dept.pk}/" in links.hrefs
    assert all(a.startswith("/site/yi/") for a in links.actions), links.actions
    # The link up to the city's site stays in prefix mode too (local use).
    assert "/site/jia/" in links.hrefs
    assert html(client.get("/site/yi/gk/")).count("/site/yi/gk/org/") == 2


def test_unknown_site_prefix_is_404(client: Client, platform: Platform) -> None:
    assert client.get("/site/nosuch/").status_code == 404


def test_related_sites_link_by_host_name(client: Client, platform: Platform) -> None:
    city = parse(client.get("/gk/"))
    assert "http://www.yi.gov.cn/" in city.hrefs
    county = parse(client.get("/gk/", HTTP_HOST=COUNTY_HOST))
    assert "http://www.jia.gov.cn/" in county.hrefs


# --- pages --------------------------------------------------------------------------


def test_home_groups_the_sites_bodies_by_kind_and_shows_the_guide(client: Client, platform: Platform) -> None:
    page = html(client.get("/"))
    assert page.index("<h3>人民政府</h3>") < page.index("<h3>政府部门</h3>") < page.index("<h3>乡镇（街道）</h3>")
    for org in (platform.city, platform.education, platform.education_office, platform.township):
        assert f'href="/gk/org/{org.pk}/">{org.name}</a>' in page
    # The county has its own site: neither it nor its departments publish here.
    assert f"/gk/org/{platform.county.pk}/" not in page
    assert "乙县教育局" not in page
    for text in ("政府信息公开指南", "甲市人民政府办公室政务公开科", "甲市人民路1号", "0818-2345679", "635000"):
        assert text in page
    assert 'href="mailto:gk@jia.gov.cn"' in page
    assert 'href="tel:0818-2345678"' in page
    assert 'action="/search/"' in page


def test_openness_lists_the_tree_of_bodies(client: Client, platform: Platform) -> None:
    page = html(client.get("/gk/"))
    assert "<h1>政务公开</h1>" in page
    # The office is nested under the education bureau, which is nested under the city.
    city = page.index(f"/gk/org/{platform.city.pk}/")
    edu = page.index(f"/gk/org/{platform.education.pk}/")
    office = page.index(f"/gk/org/{platform.education_office.pk}/")
    assert city < edu < office
    assert page.count('<ul class="tree">') == 3  # root list, city's children, bureau's children
    assert "乙县教育局" not in page
    assert "乙县人民政府网" in page  # as a site of the level below


def test_organisation_page_shows_the_disclosure_guide_and_relations(client: Client, platform: Platform) -> None:
    response = client.get(reverse("web:organisation", args=[platform.education.pk]))
    assert response.status_code == 200
    page = html(response)
    assert "<h1>甲市教育局</h1>" in page
    assert "简称：市教育局" in page
    assert "<dt>办公地址</dt>" in page
    assert "甲市文化路8号" in page
    assert "<dt>传真</dt>" not in page  # empty fields are left out
    assert f'href="/gk/org/{platform.city.pk}/">甲市人民政府</a>' in page  # parent
    assert f'href="/gk/org/{platform.education_office.pk}/">甲市教育局招生考试办公室</a>' in page  # child


def test_organisation_page_of_the_site_body_links_to_the_child_sites(client: Client, platform: Platform) -> None:
    page = html(client.get(reverse("web:organisation", args=[platform.city.pk])))
    assert "上级机构" not in page
    assert "设有独立网站的下属机构" in page
    assert 'href="http://www.yi.gov.cn/">乙县人民政府网</a>' in page


def test_organisation_without_contact_data_says_so(client: Client, platform: Platform) -> None:
    org = make_org("甲市档案馆", parent=platform.city)
    page = html(client.get(reverse("web:organisation", args=[org.pk])))
    assert "该机构尚未公布公开指南中的联系方式。" in page


def test_a_body_of_another_site_is_404(client: Client, platform: Platform) -> None:
    response = client.get(reverse("web:organisation", args=[platform.county_dept.pk]))
    assert response.status_code == 404
    assert "页面不存在" in html(response)
    assert client.get(f"/gk/org/{platform.education.pk}/", HTTP_HOST=COUNTY_HOST).status_code == 404
    assert client.get(f"/site/yi/gk/org/{platform.county_dept.pk}/").status_code == 200
    assert client.get("/gk/org/999999/").status_code == 404


def test_services_lists_where_to_go_in_person(client: Client, platform: Platform) -> None:
    page = html(client.get("/fw/"))
    assert "<h1>政务服务</h1>" in page
    assert "甲市人民路1号" in page
    assert "甲市文化路8号" in page
    assert "工作日 8:30-17:30" in page  # the township has hours only
    assert "甲市教育局招生考试办公室" not in page  # e-mail only: nowhere to go
    assert "乙县中山路2号" not in page
    county = html(client.get("/fw/", HTTP_HOST=COUNTY_HOST))
    assert "乙县中山路2号" in county


def test_services_says_when_no_body_has_an_address(client: Client, db: None) -> None:
    make_site(make_org("丙市人民政府", kind="government"), "bing", is_default=True)
    page = html(client.get("/fw/"))
    assert "本站机构尚未公布办公地址和办公时间。" in page


def test_interaction_lists_the_contact_channels(client: Client, platform: Platform) -> None:
    page = html(client.get("/hd/"))
    assert "<h1>互动交流</h1>" in page
    assert "第二十九条" in page
    assert 'href="mailto:zk@jia.gov.cn"' in page
    assert 'href="tel:0818-1111111"' in page
    assert "网站联系方式" in page
    assert "甲市东城街道办事处" not in page  # hours only: no channel to reach it
    county = html(client.get("/hd/", HTTP_HOST=COUNTY_HOST))
    assert "0818-5555555" in county
    assert "zk@jia.gov.cn" not in county


def test_empty_platform_explains_how_to_load_the_demo(client: Client, db: None) -> None:
    for url in ("/", "/gk/", "/search/?q=x"):
        response = client.get(url)
        assert response.status_code == 503
        page = html(response)
        assert "平台还没有网站" in page
        assert "make run" in page
        assert '<html lang="zh-CN">' in page


def test_unknown_host_without_default_site_lists_the_sites(client: Client, platform: Platform) -> None:
    services.site_update(actor=None, site=platform.city_site, is_default=False)
    assert not Site.objects.filter(is_default=True).exists()
    response = client.get("/", HTTP_HOST="unknown.example")
    assert response.status_code == 404
    page = html(response)
    assert 'href="/site/jia/">甲市人民政府网</a>' in page
    assert 'href="/site/yi/">乙县人民政府网</a>' in page


# --- 长者模式 ------------------------------------------------------------------------


def test_elder_switch_sets_the_cookie_and_goes_back(client: Client, platform: Platform) -> None:
    response = client.get(reverse("web:elder_mode"), {"elder": "1", "next": "/gk/?a=1"})
    assert response.status_code == 302
    assert response["Location"] == "/gk/?a=1"
    cookie = response.cookies[ELDER_COOKIE]
    assert cookie.value == "1"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) >= 30 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    page = html(client.get("/gk/"))
    assert '<html lang="zh-CN" class="elder">' in page
    assert 'aria-pressed="true"' in page
    assert '<input type="hidden" name="elder" value="0">' in page
    off = client.get(reverse("web:elder_mode"), {"elder": "0", "next": "/gk/"})
    assert off.cookies[ELDER_COOKIE].value == "0"
    assert '<html lang="zh-CN">' in html(client.get("/gk/"))


def test_elder_switch_inside_a_prefixed_site_returns_there(client: Client, platform: Platform) -> None:
    page = html(client.get("/site/yi/hd/"))
    assert 'action="/site/yi/display/elder/"' in page
    assert '<input type="hidden" name="next" value="/site/yi/hd/">' in page
    response = client.get("/site/yi/display/elder/", {"elder": "1", "next": "/site/yi/hd/"})
    assert response["Location"] == "/site/yi/hd/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "http://evil.example", "javascript:alert(1)", "/\\evil.example", ""],
)
def test_elder_switch_refuses_open_redirects(client: Client, platform: Platform, target: str) -> None:
    response = client.get(reverse("web:elder_mode"), {"elder": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[ELDER_COOKIE].value == "1"


def test_elder_switch_accepts_its_own_host(client: Client, platform: Platform) -> None:
    response = client.get(reverse("web:elder_mode"), {"elder": "1", "next": "http://testserver/fw/"})
    assert response["Location"] == "http://testserver/fw/"


def test_elder_switch_is_get_only(client: Client, platform: Platform) -> None:
    assert client.post(reverse("web:elder_mode"), {"elder": "1"}).status_code == 405


def test_pages_vary_with_the_cookie(client: Client, platform: Platform) -> None:
    assert "Cookie" in client.get("/")["Vary"]


# --- errors -------------------------------------------------------------------------


def test_404_page_is_chinese_and_inside_the_shell(client: Client, platform: Platform) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = html(response)
    assert "页面不存在" in page
    assert "甲市人民政府网" in page
    assert '<html lang="zh-CN">' in page


def test_500_page_needs_no_context_and_no_database() -> None:
    page = render_to_string("500.html")
    assert '<html lang="zh-CN">' in page
    assert "服务器暂时出现错误" in page
    assert "http" not in page  # no external assets


# --- query counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the site and its navigation come from the per-process copy (core.sitecache); child
        # sites (1), inner sites + bodies (2); the city is at the top, so no query for a parent
        ("/", 3),
        # and the latest public items of the site's bodies: inner sites + items (2)
        ("/gk/", 5),
        # the county: one more, for the city's site above it
        ("/site/yi/", 4),
        # inner sites + bodies (2)
        ("/fw/", 2),
        ("/hd/", 2),
    ],
)
def test_list_pages_have_a_fixed_number_of_queries(
    client: Client, platform: Platform, django_assert_num_queries: DjangoAssertNumQueries, url: str, queries: int
) -> None:
    client.get(url)  # warm-up (content types, the sites)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for i in range(10):
        make_org(f"甲市第{i}局", parent=platform.city, address=f"甲市{i}号", phone="0818-1", email="a@jia.gov.cn")
    # a saved body drops the copy of the sites: the next page reads them again (sites and
    # navigation, 2 queries), the one after it not
    with django_assert_num_queries(queries + 2):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_organisation_page_has_a_fixed_number_of_queries(
    client: Client, platform: Platform, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("web:organisation", args=[platform.city.pk])
    # site (1), navigation (1), inner sites (1), the body (1), inner sites + children (2), child sites (1),
    # catalog columns + item counts (2); the body has no catalog, so the list of its columns'
    # items is empty without asking (test_catalog pins the page of a body with a catalog)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_404_page_works_without_any_site(client: Client, db: None) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = html(response)
    assert "页面不存在" in page
    assert "政务公开平台" in page


def test_one_search_box_on_the_home_page_and_one_in_the_header_elsewhere(client: Client, platform: Platform) -> None:
    home = html(client.get("/"))
    assert home.count('role="search"') == 1
    assert 'id="home-q"' in home
    for url in ("/gk/", "/fw/", "/hd/"):
        page = html(client.get(url))
        assert page.count('role="search"') == 1, url
        assert 'id="header-q"' in page
