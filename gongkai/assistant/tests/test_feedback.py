"""Feedback and the question queue: votes counted once, the hot lists (staff: everything
masked; public: answered, repeated, without personal data or instructions), week bounds,
and who may mark a question handled."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from gongkai.assistant import selectors, services
from gongkai.assistant.models import AskedQuestion, QuestionTriage
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk

from .surfaces import ANSWERABLE, INJECTION, UNANSWERABLE, publish_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(desk: Desk) -> dict[str, InfoItem]:
    return publish_corpus(desk)


def asked(text: str) -> AskedQuestion:
    result = services.question_ask(text)
    assert result.question is not None
    return result.question


def test_vote_counts_once(items: dict[str, InfoItem]) -> None:
    question = asked(ANSWERABLE)
    services.feedback_record(question=question, helpful=True)
    with pytest.raises(DomainError, match="已经评价"):
        services.feedback_record(question=question, helpful=False)
    triage = QuestionTriage.objects.get(question=question)
    assert (triage.helpful_count, triage.unhelpful_count) == (1, 0)


def test_queue_holds_refused_and_down_voted_until_handled(desk: Desk, items: dict[str, InfoItem]) -> None:
    refused, liked, disliked = asked(UNANSWERABLE), asked(ANSWERABLE), asked("低保应当向哪里申请？")
    services.feedback_record(question=liked, helpful=True)
    services.feedback_record(question=disliked, helpful=False)
    assert list(selectors.question_queue()) == [disliked, refused]
    services.question_mark_handled(actor=desk.editor, question=refused)
    assert list(selectors.question_queue()) == [disliked]
    record = AuditRecord.objects.get(action="assistant.question_handle")
    assert record.object_id == str(refused.pk) and record.actor_id == desk.editor.pk


def test_only_curators_handle_questions(desk: Desk, items: dict[str, InfoItem]) -> None:
    question = asked(UNANSWERABLE)
    with pytest.raises(NotPermitted):
        services.question_mark_handled(actor=desk.first, question=question)
    assert QuestionTriage.objects.get(question=question).handled_at is None


def test_public_hot_list_filters(items: dict[str, InfoItem]) -> None:
    for _ in range(3):
        asked(ANSWERABLE)
        asked(UNANSWERABLE)
        asked(f"{INJECTION}低保应当向哪里申请？")
        asked(f"我叫张三，电话13812345678，{ANSWERABLE}")
    asked("低保应当向哪里申请？")
    public = selectors.hot_questions(public=True)
    assert [(h.text, h.count) for h in public] == [(ANSWERABLE, 3)]
    staff = selectors.hot_questions()
    assert {h.count for h in staff} == {3, 1} and len(staff) == 5
    assert all("13812345678" not in h.text for h in staff)
    refused = next(h for h in staff if "天气" in h.text)
    assert refused.refused == 3


def test_hot_questions_are_per_week(items: dict[str, InfoItem]) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        for _ in range(2):
            asked(ANSWERABLE)
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        asked("低保应当向哪里申请？")
        assert selectors.week_start() == dt.date(2026, 11, 23)
        assert [h.count for h in selectors.hot_questions()] == [1]
        assert selectors.hot_questions(public=True) == []
    earlier = selectors.hot_questions(week_of=dt.date(2026, 11, 18))
    assert [(h.text, h.count) for h in earlier] == [(ANSWERABLE, 2)]


def test_hot_list_query_count(items: dict[str, InfoItem], django_assert_num_queries: Any) -> None:
    for text in (ANSWERABLE, ANSWERABLE, "低保应当向哪里申请？", "低保应当向哪里申请？", UNANSWERABLE):
        asked(text)
    with django_assert_num_queries(1):
        assert len(selectors.hot_questions(public=True)) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_store_one(platform: Any) -> None:
    """Two votes on one answer at the same moment (PostgreSQL): one is stored, one refused."""
    import threading

    from django.db import connection, connections

    from gongkai.core.models import AuditChainHead

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    AuditChainHead.objects.get_or_create(pk=1)
    question = services.question_ask(UNANSWERABLE).question
    assert question is not None
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def vote(helpful: bool) -> None:
        try:
            barrier.wait()
            services.feedback_record(question=question, helpful=helpful)
            outcomes.append("stored")
        except DomainError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(h,)) for h in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "stored"]
    triage = QuestionTriage.objects.get(question=question)
    assert triage.helpful_count + triage.unhelpful_count == 1


def test_empty_questions_are_not_stored(items: dict[str, InfoItem]) -> None:
    for empty in ("", "   ", "？？！"):
        asked = services.question_ask(empty)
        assert asked.answer.refused and "请输入" in asked.answer.message and asked.question is None
    assert not AskedQuestion.objects.exists()
    assert list(selectors.question_queue()) == []
