"""The screening pages of the workspace: the item's 保密审查 panel with the reviewer's
override, the refusal of a blocked submission, and the findings of published items per
body, scoped like every other page."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditRecord, User
from gongkai.core.tests.factories import make_user
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing.models import InfoItem, ItemState
from gongkai.publishing.tests.factories import Desk, draft, make_desk, published
from gongkai.screening import services as screening
from gongkai.screening.models import FindingOverride, ScreeningFinding
from gongkai.screening.tests.factories import ID, ID_MASKED, attach, body_with_id, xlsx_with_hidden_id


@pytest.fixture
def desk(tree: Tree) -> Desk:
    return make_desk(tree.dachuan, "dc")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def page(client: Client, user: User, url: str, **query: Any) -> str:
    response = as_user(client, user).get(url, query)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def detail(item: InfoItem) -> str:
    return reverse("staff:item_detail", args=[item.pk])


def leak_into(item: InfoItem, body_html: str) -> None:
    """Content that reached the live row without the gate (published before screening, or imported)."""
    InfoItem.objects.filter(pk=item.pk).update(body_html=body_html)


def test_a_blocked_submission_is_explained_and_a_reviewer_overrides_it(client: Client, desk: Desk, media: Path) -> None:
    item = draft(desk, "2026年临时救助发放名单", body_html="<p>各村（社区）：</p><p>名单见附件。</p>")
    attach(desk, item, "救助名单.xlsx", xlsx_with_hidden_id())
    response = as_user(client, desk.editor).post(reverse("staff:item_submit", args=[item.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert "保密审查发现" in body and "工作表“备用”B2单元格（隐藏工作表）" in body
    assert InfoItem.objects.get(pk=item.pk).state == ItemState.DRAFT

    # The panel lists the findings for everyone on the item; the drafter gets no override form.
    assert ID_MASKED in body and ID not in body
    assert 'name="override-reason"' not in body
    reviewer_page = page(client, desk.first, detail(item))
    assert 'id="screening"' in reviewer_page and ID not in reviewer_page
    assert reviewer_page.count('name="override-reason"') == 2  # the name and the number

    fingerprint = ScreeningFinding.objects.get(item=item, kind="id_card").fingerprint
    refused = as_user(client, desk.editor).post(
        reverse("staff:screening_override", args=[item.pk]),
        {"override-fingerprint": fingerprint, "override-reason": "我已核实"},
        follow=True,
    )
    assert "审核人员" in refused.content.decode()
    assert not FindingOverride.objects.exists()

    missing = as_user(client, desk.first).post(
        reverse("staff:screening_override", args=[item.pk]), {"override-fingerprint": fingerprint}, follow=True
    )
    assert "确认审查发现须写明理由" in missing.content.decode()
    for f in ScreeningFinding.objects.filter(item=item):
        done = client.post(
            reverse("staff:screening_override", args=[item.pk]),
            {"override-fingerprint": f.fingerprint, "override-reason": "名单经本人书面同意公开"},
        )
        assert done.status_code == 302 and done["Location"].endswith("#screening")
    assert AuditRecord.objects.filter(action="screening.override", actor=desk.first).count() == 2
    body = page(client, desk.first, detail(item))
    assert "已由审核人员确认" in body and "名单经本人书面同意公开" in body

    assert as_user(client, desk.editor).post(reverse("staff:item_submit", args=[item.pk])).status_code == 302
    assert InfoItem.objects.get(pk=item.pk).state == ItemState.IN_REVIEW


def test_warnings_are_shown_to_reviewers(client: Client, desk: Desk) -> None:
    item = draft(desk, body_html="<p>联系电话：0818-2371234。</p>")
    assert as_user(client, desk.editor).post(reverse("staff:item_submit", args=[item.pk])).status_code == 302
    body = page(client, desk.first, detail(item))
    assert "1 处提示" in body and "固定电话" in body and "0818-***1234" in body and "正文第1段" in body


def test_override_of_an_item_outside_the_scope_is_404(client: Client, desk: Desk, tree: Tree) -> None:
    item = draft(desk, body_html=body_with_id())
    screening.screen_item(item)
    fingerprint = ScreeningFinding.objects.filter(item=item).first()
    assert fingerprint is not None
    outsider = make_user("tc_reviewer", org=tree.tongchuan, role="reviewer_first")
    response = as_user(client, outsider).post(
        reverse("staff:screening_override", args=[item.pk]),
        {"override-fingerprint": fingerprint.fingerprint, "override-reason": "x"},
    )
    assert response.status_code == 404


@pytest.fixture
def two_counties(tree: Tree, desk: Desk) -> tuple[InfoItem, InfoItem]:
    theirs = make_desk(tree.tongchuan, "tcd")
    dachuan = published(desk, "达川区低保对象公示")
    tongchuan = published(theirs, "通川区低保对象公示")
    leak_into(dachuan, body_with_id())
    leak_into(tongchuan, "<p>联系电话：0818-2371234。</p>")
    screening.sweep_run()
    return dachuan, tongchuan


def test_the_findings_page_shows_only_bodies_in_scope(
    client: Client, tree: Tree, two_counties: tuple[InfoItem, InfoItem]
) -> None:
    dachuan, tongchuan = two_counties
    url = reverse("staff:screening_findings")
    mine = page(client, tree.tc_officer, url)
    assert tongchuan.title in mine and dachuan.title not in mine
    assert "达川区" not in mine.split("<main")[1]
    everything = page(client, tree.supervisor, url)
    assert dachuan.title in everything and tongchuan.title in everything
    assert ID_MASKED in everything and ID not in everything
    assert reverse("staff:item_edit", args=[dachuan.pk]) in everything  # the path to correct it
    assert f"{detail(dachuan)}#actions" in everything  # and to withdraw it
    blocking = page(client, tree.supervisor, url, blocking="on")
    assert dachuan.title in blocking and tongchuan.title not in blocking
    narrowed = page(client, tree.supervisor, url, org=tree.tongchuan.pk)
    assert tongchuan.title in narrowed and dachuan.title not in narrowed
    # A body outside the scope cannot be chosen.
    outside = page(client, tree.tc_officer, url, org=tree.dachuan.pk)
    assert dachuan.title not in outside


def test_the_findings_page_has_a_fixed_query_count(
    client: Client, tree: Tree, desk: Desk, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    def leaks(n: int) -> None:
        for i in range(n):
            leak_into(published(desk, f"公示{i}"), body_with_id())
        screening.sweep_run()

    as_user(client, tree.supervisor)
    leaks(2)
    client.get(reverse("staff:screening_findings"))  # warm the session
    with django_assert_max_num_queries(10):
        small = client.get(reverse("staff:screening_findings")).content.decode()
    leaks(8)
    with django_assert_max_num_queries(10):
        large = client.get(reverse("staff:screening_findings")).content.decode()
    assert len(large) > len(small)
