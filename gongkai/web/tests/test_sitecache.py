"""The per-process copy of the sites (core.sitecache): what it answers, and how a change
reaches it."""

import pytest
from django.test import Client

from gongkai.core import sitecache
from gongkai.core.models import SiteColumn, SiteColumnKind

from .factories import Platform


def test_host_slug_default_and_navigation(platform: Platform) -> None:
    assert sitecache.site_for_host("www.yi.gov.cn") == platform.county_site
    assert sitecache.site_for_host("WWW.YI.GOV.CN:8443") == platform.county_site
    assert sitecache.site_for_host("unknown.example") == platform.city_site  # the default site
    assert sitecache.site_by_slug("yi") == platform.county_site
    assert sitecache.site_by_slug("nosuch") is None
    columns = sitecache.navigation(platform.city_site)
    expected = list(platform.city_site.columns.filter(is_hidden=False).order_by("position", "id"))
    assert columns == expected and columns


def test_a_saved_site_or_column_is_seen_at_once(client: Client, platform: Platform) -> None:
    assert sitecache.site_for_host("gov.yi.example") == platform.city_site
    platform.county_site.hosts = "www.yi.gov.cn\ngov.yi.example"
    platform.county_site.save()
    assert sitecache.site_for_host("gov.yi.example") == platform.county_site

    assert "办事指南" not in client.get("/").content.decode()
    SiteColumn.objects.create(site=platform.city_site, kind=SiteColumnKind.SERVICES, title="办事指南", position=50)
    assert "办事指南</a>" in client.get("/").content.decode()


def test_a_bulk_update_is_seen_after_forget_or_the_ttl(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sitecache.directory()
    SiteColumn.objects.filter(site=platform.city_site).update(is_hidden=True)  # no signal
    assert sitecache.navigation(platform.city_site)  # still the copy
    monkeypatch.setattr(sitecache, "SITES_TTL_SECONDS", 0.0)
    assert sitecache.directory() is not before
    assert sitecache.navigation(platform.city_site) == []
