"""The passage store follows public_items() through the search outbox."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.assistant import answering, knowledge, retrieval
from gongkai.assistant.models import AssistantPassage
from gongkai.publishing import services as publishing
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.search.tests.factories import index_items
from gongkai.web.tests.factories import HIDDEN_STATES, hidden_item, published_in

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

LAW = (
    "<h2>第一编 总则</h2><h2>第一章 一般规定</h2>"
    "<p>第一条 为了规范社会救助，保障公民的基本生活，制定本办法。</p>"
    "<h2>第二章 最低生活保障</h2>"
    "<p>第二条 家庭人均收入低于当地最低生活保障标准的，可以申请最低生活保障。</p>"
    "<p>第三条 申请最低生活保障，应当向户籍所在地的乡镇人民政府提出。</p>"
)


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    retrieval.clear_cache()
    yield
    retrieval.clear_cache()


def publish_and_apply(desk: Desk, capture: Capture, title: str, body_html: str = LAW, **fields: Any) -> InfoItem:
    item = published_in(desk, None, title, body_html=body_html, **fields)
    with capture(execute=True):
        index_items([item])
    return item


def test_publishing_stores_the_items_passages_with_their_structure(
    desk: Desk, django_capture_on_commit_callbacks: Capture
) -> None:
    item = publish_and_apply(
        desk, django_capture_on_commit_callbacks, "甲市社会救助办法", doc_number="甲府发〔2025〕1号"
    )
    rows = list(AssistantPassage.objects.filter(item=item).order_by("position"))
    assert [r.article for r in rows] == ["第一条", "第二条", "第三条"]
    assert rows[1].heading == "第一编 总则 / 第二章 最低生活保障"
    assert rows[1].text == "第二条 家庭人均收入低于当地最低生活保障标准的，可以申请最低生活保障。"
    assert (rows[1].title, rows[1].doc_number) == ("甲市社会救助办法", "甲府发〔2025〕1号")
    assert "最低生活保障" in rows[1].terms.split() or "最低" in rows[1].terms.split()
    assert rows[1].embedding is None


def test_an_edit_replaces_the_passages(desk: Desk, django_capture_on_commit_callbacks: Capture) -> None:
    item = publish_and_apply(desk, django_capture_on_commit_callbacks, "甲市社会救助办法")
    knowledge.sync_items([item.pk])
    InfoItem.objects.filter(pk=item.pk).update(body_text="第一条 本办法自2026年1月1日起施行。")
    knowledge.sync_items([item.pk])
    assert list(AssistantPassage.objects.filter(item=item).values_list("article", "text")) == [
        ("第一条", "第一条 本办法自2026年1月1日起施行。")
    ]


def test_withdrawal_removes_the_passages_when_the_outbox_is_applied(
    desk: Desk, django_capture_on_commit_callbacks: Capture
) -> None:
    item = publish_and_apply(desk, django_capture_on_commit_callbacks, "甲市社会救助办法")
    assert AssistantPassage.objects.filter(item=item).exists()
    publishing.item_withdraw(actor=desk.final, item=item, reason="内容有误")
    # Before the worker runs the passages are still stored, but never cited.
    assert AssistantPassage.objects.filter(item=item).exists()
    assert item.external_id not in answering.answer("申请最低生活保障应当向哪里提出？").cited_external_ids
    with django_capture_on_commit_callbacks(execute=True):
        index_items([])
    assert not AssistantPassage.objects.filter(item=item).exists()


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_nothing_that_is_not_public_is_stored(desk: Desk, state: str) -> None:
    item = hidden_item(desk, state, f"甲市内部事项（{state}）")
    if state == "expired":
        InfoItem.objects.filter(pk=item.pk).update(public_until="2000-01-01")
    result = knowledge.sync_items([item.pk])
    assert result.items == 0 and result.removed_items == 1
    assert not AssistantPassage.objects.filter(item=item).exists()


def test_rebuild_command_fills_the_store_and_drops_stale_items(desk: Desk) -> None:
    public = published_in(desk, None, "甲市社会救助办法", body_html=LAW)
    gone = published_in(desk, None, "甲市旧办法", body_html=LAW)
    knowledge.sync_items([public.pk, gone.pk])
    InfoItem.objects.filter(pk=gone.pk).update(is_live=False)
    out = StringIO()
    call_command("ask", "rebuild", stdout=out)
    assert "知识库已重建" in out.getvalue()
    assert set(AssistantPassage.objects.values_list("item_id", flat=True)) == {public.pk}
    assert knowledge.counts() == {"items": 1, "passages": 3, "embedded": 0}


def test_answering_reads_stored_passages_with_few_queries(
    desk: Desk, django_capture_on_commit_callbacks: Capture, django_assert_max_num_queries: Any
) -> None:
    publish_and_apply(desk, django_capture_on_commit_callbacks, "甲市社会救助办法")
    for n in range(4):
        publish_and_apply(desk, django_capture_on_commit_callbacks, f"甲市社会救助办法（第{n}号）")
    question = "我想申请最低生活保障，应当向哪里提出，是户籍所在地的乡镇人民政府吗？"
    answering.answer(question)  # warm the segmenter and synonyms
    retrieval.clear_cache()
    # search (hits, public check), passage versions, stored passages, the cited items' public check
    with django_assert_max_num_queries(8):
        result = answering.answer(question)
    assert not result.refused
    assert result.citations[0].article == "第三条"
    # A second answer reads the passages from the cache.
    with django_assert_max_num_queries(7):
        answering.answer(question)


def test_one_batch_of_outbox_rows_is_synced_at_once(
    desk: Desk, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [published_in(desk, None, f"甲市社会救助办法（{n}）", body_html=LAW) for n in range(3)]
    calls: list[list[int]] = []
    real = knowledge.sync_items

    def counting(item_ids: Any) -> knowledge.SyncResult:
        calls.append(sorted(item_ids))
        return real(item_ids)

    monkeypatch.setattr(knowledge, "sync_items", counting)
    with django_capture_on_commit_callbacks(execute=True):
        index_items(items)
    assert calls == [sorted(i.pk for i in items)]
    assert AssistantPassage.objects.filter(item__in=items).count() == 9
