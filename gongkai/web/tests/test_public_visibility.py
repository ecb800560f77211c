"""Nothing that is not public is ever reachable anonymously, on any public path.

For every way an item can exist without being public (draft, in review, approved but
not published, scheduled, limited scope, on-request, 公示 period over, withdrawn) the
item is absent from its body's catalog page, its column's list (and the parent
column's), the site's latest list, the item and print URLs, both feeds, the sitemap and
its attachment's URL, while a published item of the same column is present on every
one of them (so that each check can fail). A withdrawal takes effect at once."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.publishing import services
from gongkai.publishing.models import Attachment, ColumnKey, InfoItem
from gongkai.publishing.selectors import public_items
from gongkai.publishing.tests.factories import Desk, published

from .factories import HIDDEN_STATES, NOTICE_DAYS, Platform, attach, column_of, hidden_item

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def _xml(client: Client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def _sitemap_locs(client: Client) -> set[str]:
    locs: set[str] = set()
    for entry in _xml(client, "/sitemap.xml").iter(f"{SITEMAP}loc"):
        path = "/" + (entry.text or "").split("://", 1)[1].split("/", 1)[1]
        locs.update(loc.text or "" for loc in _xml(client, path).iter(f"{SITEMAP}loc"))
    return locs


def _list_links(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return set(re.findall(r'class="item-link" href="(/gk/item/\d+/)"', response.content.decode()))


def public_paths(client: Client, item: InfoItem, attachment: Attachment) -> dict[str, bool]:
    """Whether the item shows on each public path of its site."""
    org, column = item.organisation, item.column
    policy = column_of(org, ColumnKey.POLICY)
    link = f"/gk/item/{item.pk}/"
    absolute = f"http://testserver{link}"
    rss = _xml(client, reverse("web:column_rss", args=[column.pk]))
    atom = _xml(client, reverse("web:column_atom", args=[column.pk]))
    return {
        "body catalog page": link in _list_links(client, reverse("web:organisation", args=[org.pk])),
        "column list": link in _list_links(client, reverse("web:column", args=[column.pk])),
        "parent column list": link in _list_links(client, reverse("web:column", args=[policy.pk])),
        "latest on 政务公开": link in _list_links(client, reverse("web:openness")),
        "item page": client.get(link).status_code == 200,
        "print view": client.get(reverse("web:item_print", args=[item.pk])).status_code == 200,
        "index number": bool(item.index_number)
        and client.get(reverse("web:item_by_index", args=[item.index_number])).status_code == 302,
        "rss": absolute in {i.findtext("link") for i in rss.iter("item")},
        "atom": absolute in {e.get("href") for e in atom.iter(f"{ATOM}link")},
        "sitemap": absolute in _sitemap_locs(client),
        "attachment": client.get(reverse("web:attachment", args=[attachment.pk])).status_code == 200,
    }


ALL_PATHS = {
    "body catalog page", "column list", "parent column list", "latest on 政务公开", "item page", "print view",
    "index number", "rss", "atom", "sitemap", "attachment",
}  # fmt: skip


def shown_on(paths: dict[str, bool]) -> set[str]:
    return {name for name, shown in paths.items() if shown}


@contextmanager
def clock_for(state: str) -> Iterator[None]:
    """The expired 公示 is looked at after its end date; everything else now."""
    context = time_machine.travel(timezone.now() + timedelta(days=NOTICE_DAYS)) if state == "expired" else nullcontext()
    with context:
        yield


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_non_public_item_is_on_no_public_path(client: Client, platform: Platform, desk: Desk, state: str) -> None:
    control = published(desk, "关于做好2026年学生资助工作的通知")
    control_file = attach(control, "附件：资助申请表.pdf")
    hidden = hidden_item(desk, state, f"不应公开的信息（{state}）")
    hidden_file = attach(hidden, "附件：内部材料.pdf")
    if state == "expired":
        # before its end date the 公示 is public everywhere: the date is what hides it
        assert shown_on(public_paths(client, hidden, hidden_file)) == ALL_PATHS
    with clock_for(state):
        assert hidden not in public_items()
        assert shown_on(public_paths(client, hidden, hidden_file)) == set()
        assert shown_on(public_paths(client, control, control_file)) == ALL_PATHS
        body = client.get(reverse("web:organisation", args=[desk.org.pk])).content.decode()
        assert hidden.title not in body
        assert control.title in body


def test_a_withdrawal_takes_effect_on_every_path_at_once(client: Client, platform: Platform, desk: Desk) -> None:
    item = published(desk, "关于2026年中考加分政策的通知")
    attachment = attach(item, "附件：加分项目表.pdf")
    other = published(desk, "关于2026年中考报名的通知")
    other_file = attach(other)
    assert shown_on(public_paths(client, item, attachment)) == ALL_PATHS
    services.item_withdraw(actor=desk.final, item=item, reason="政策表述有误，撤回修改")
    assert shown_on(public_paths(client, item, attachment)) == set()
    assert shown_on(public_paths(client, other, other_file)) == ALL_PATHS


def test_a_scheduled_item_appears_on_every_path_when_its_time_comes(
    client: Client, platform: Platform, desk: Desk
) -> None:
    item = hidden_item(desk, "scheduled", "定时发布的信息")
    attachment = attach(item)
    assert shown_on(public_paths(client, item, attachment)) == set()
    assert item.published_at is not None
    with time_machine.travel(item.published_at + timedelta(minutes=1)):
        assert shown_on(public_paths(client, item, attachment)) == ALL_PATHS


def test_the_catalog_counts_only_public_items(client: Client, platform: Platform, desk: Desk) -> None:
    published(desk, "公开的信息")
    for state in HIDDEN_STATES:
        if state != "expired":
            hidden_item(desk, state, f"不公开（{state}）")
    page = client.get(reverse("web:column", args=[desk.column.pk])).content.decode()
    assert re.search(r'aria-current="page">其他文件</a>\s*<span class="count">.*?>1</span>', page, re.S)
    assert "共 1 条信息" in page


def test_a_site_never_shows_another_sites_items(
    client: Client, platform: Platform, desk: Desk, county_desk: Desk
) -> None:
    county_item = published(county_desk, "乙县教育局公告")
    county_file = attach(county_item)
    # on the city's site: nothing of the county's own site
    link = f"/gk/item/{county_item.pk}/"
    assert client.get(link).status_code == 404
    assert client.get(reverse("web:item_print", args=[county_item.pk])).status_code == 404
    assert client.get(reverse("web:attachment", args=[county_file.pk])).status_code == 404
    assert f"http://testserver{link}" not in _sitemap_locs(client)
    assert link not in _list_links(client, reverse("web:openness"))
    # on the county's: all of it
    assert client.get(f"/site/yi{link}").status_code == 200
    assert client.get(f"/site/yi/gk/file/{county_file.pk}/").status_code == 200


def test_paths_under_the_site_prefix_hide_withdrawn_items_too(
    client: Client, platform: Platform, county_desk: Desk
) -> None:
    item = published(county_desk, "乙县教育局公告")
    attachment = attach(item)
    assert client.get(f"/site/yi/gk/item/{item.pk}/").status_code == 200
    services.item_withdraw(actor=None, item=item, reason="重复发布")
    assert client.get(f"/site/yi/gk/item/{item.pk}/").status_code == 404
    assert client.get(f"/site/yi/gk/item/{item.pk}/print/").status_code == 404
    assert client.get(f"/site/yi/gk/file/{attachment.pk}/").status_code == 404
    assert f"/site/yi/gk/item/{item.pk}/" not in client.get("/site/yi/sitemap-items.xml").content.decode()
