"""{% memo %}: the chrome of public pages rendered once per key and copied."""

import itertools

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from gongkai.core import sitecache
from gongkai.core.models import Site, SiteColumn, SiteColumnKind
from gongkai.web.display import ELDER_COOKIE
from gongkai.web.templatetags import gk_memo

from .factories import Platform

TEMPLATE = "{% load gk_memo i18n %}{% memo colour %}{{ tick }} {% translate '搜索' %}{% endmemo %}|{{ tick }}"


@pytest.fixture(autouse=True)
def empty_memo() -> None:
    gk_memo.clear()


def test_a_fragment_is_rendered_once_per_key(platform: Platform) -> None:
    site = platform.city_site
    template = engines["django"].from_string(TEMPLATE)
    ticks = itertools.count(1)

    def render(colour: str) -> str:
        return str(template.render({"colour": colour, "tick": lambda: next(ticks)}))

    assert render("red") == "1 搜索|2"
    assert render("red") == "1 搜索|3"  # copied: the fragment's tick is the first one
    assert render("blue") == "4 搜索|5"
    with translation.override("en"):
        assert render("red").startswith("6 ")  # another language, another copy
    sitecache.forget()
    assert render("red") == "1 搜索|8"  # the sites read again, the same rows: the same copy
    Site.objects.filter(pk=site.pk).update(name="甲市政府门户网站")
    sitecache.forget()
    assert render("red") == "9 搜索|10"  # the sites hold something else


def test_two_fragments_of_one_template_are_kept_apart(db: None) -> None:
    source = "{% load gk_memo %}{% memo %}A{% endmemo %}{% memo %}B{% endmemo %}"
    template = engines["django"].from_string(source)
    assert template.render({}) == "AB"
    assert template.render({}) == "AB"


def test_a_saved_site_shows_at_once(client: Client, platform: Platform) -> None:
    assert "甲市人民政府网" in client.get("/").content.decode()
    site = Site.objects.get(pk=platform.city_site.pk)
    site.name = "甲市政府门户网站"
    site.sponsor = "甲市人民政府办公厅"
    site.save()
    page = client.get("/search/").content.decode()
    assert page.count("甲市政府门户网站") >= 2 and "甲市人民政府网" not in page  # title and header
    assert "主办单位：甲市人民政府办公厅" in page  # footer


def test_display_mode_and_current_column_are_part_of_the_key(client: Client, platform: Platform) -> None:
    SiteColumn.objects.create(site=platform.city_site, kind=SiteColumnKind.SEARCH, title="站内搜索", position=90)
    plain = client.get("/search/").content.decode()
    assert 'aria-pressed="false"' in plain and '<a href="/search/" aria-current="page">站内搜索</a>' in plain
    home = client.get("/").content.decode()
    assert '<a href="/search/">站内搜索</a>' in home and '<a href="/" aria-current="page">' in home
    client.cookies[ELDER_COOKIE] = "1"
    elder = client.get("/search/").content.decode()
    assert 'aria-pressed="true"' in elder and 'name="elder" value="0"' in elder
    # the path in the display switch is this request's, never a copy
    assert 'name="next" value="/search/?q=%E5%85%AC"' in client.get("/search/?q=%E5%85%AC").content.decode()


def test_signed_in_staff_see_the_desk_link(client: Client, platform: Platform) -> None:
    from gongkai.core.tests.factories import make_user

    assert "工作台" not in client.get("/").content.decode()
    client.force_login(make_user("memo_staff", org=platform.city))
    assert "工作台" in client.get("/").content.decode()
