"""The public API: /api/v1/assistant/ask, its streaming variant, feedback and hot questions."""

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from gongkai.assistant import views
from gongkai.assistant.models import AnswerFeedback, AskedQuestion, QuestionTriage
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.web.tests.factories import Platform

from .surfaces import ANSWERABLE, INJECTION, UNANSWERABLE, publish_corpus

pytestmark = pytest.mark.django_db

ASK = "/api/v1/assistant/ask"
STREAM = "/api/v1/assistant/ask/stream"
FEEDBACK = "/api/v1/assistant/feedback"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def items(desk: Desk) -> dict[str, InfoItem]:
    return publish_corpus(desk)


def post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def test_answer_with_citations(client: Client, items: dict[str, InfoItem], platform: Platform) -> None:
    response = post(client, ASK, {"question": ANSWERABLE})
    assert response.status_code == 200
    data = response.json()
    assert data["refused"] is False
    assert data["sentences"][0]["text"] == "第二条 职工购买自住住房的，可以提取住房公积金账户内的存储余额。"
    citation = data["sentences"][0]["citation"]
    assert citation == {
        "title": "甲市住房公积金提取管理办法",
        "doc_number": "甲市府发〔2024〕3号",
        "article": "第二条",
        "url": f"/gk/item/{items['fund'].pk}/",
        "external_id": "t-fund",
        "basis": "《甲市住房公积金提取管理办法》第二条（甲市府发〔2024〕3号）",
    }
    assert data["citations"][0]["external_id"] == "t-fund"
    assert data["answer"].startswith("第二条 职工购买自住住房的")
    assert data["follow_ups"]
    stored = AskedQuestion.objects.get(pk=data["question_id"])
    assert stored.cited_external_ids[0] == "t-fund" and not stored.refused
    assert data["feedback_token"]
    assert response["Cache-Control"] == "no-store"


def test_refusal_offers_search_and_request(client: Client, items: dict[str, InfoItem]) -> None:
    data = post(client, ASK, {"question": UNANSWERABLE}).json()
    assert data["refused"] is True and data["sentences"] == [] and data["citations"] == []
    assert "没有找到" in data["answer"]
    assert data["search_url"].startswith("/search/?q=")
    assert data["request_url"] == "/ysqgk/"
    assert AskedQuestion.objects.get(pk=data["question_id"]).refused


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": ""}, "请输入"),
        ({"question": "   "}, "请输入"),
        ({"question": "问" * 5000}, "太长"),
        ({"question": 12}, "字符串"),
        ([1, 2], "JSON 对象"),
        ({"question": ANSWERABLE, "site": "no-such-site"}, "没有这个网站"),
    ],
)
def test_bad_input_is_400_with_chinese_message(
    client: Client, items: dict[str, InfoItem], body: Any, message: str
) -> None:
    response = post(client, ASK, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not AskedQuestion.objects.exists()


def test_not_json_is_400(client: Client, platform: Platform) -> None:
    response = client.post(ASK, data=b"question=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "JSON" in response.json()["error"]


def test_get_is_not_allowed(client: Client, platform: Platform) -> None:
    assert client.get(ASK).status_code == 405


def test_without_csrf_token_and_state_free(items: dict[str, InfoItem]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post(client, ASK, {"question": ANSWERABLE})
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF cookie: nothing to forge


def test_site_scope(client: Client, items: dict[str, InfoItem], platform: Platform) -> None:
    # The education bureau publishes on the city site; the county site has none of it.
    city = post(client, ASK, {"question": ANSWERABLE, "site": platform.city_site.slug}).json()
    county = post(client, ASK, {"question": ANSWERABLE, "site": platform.county_site.slug}).json()
    assert not city["refused"]
    assert "t-fund" not in [c["external_id"] for c in county["citations"]]


def test_id_number_is_masked_in_storage(client: Client, items: dict[str, InfoItem]) -> None:
    data = post(client, ASK, {"question": f"我的身份证号是11010519491231002X，{ANSWERABLE}"}).json()
    assert data["refused"] is False  # the number is not searched for: the question is answered
    stored = AskedQuestion.objects.get(pk=data["question_id"])
    assert "11010519491231002X" not in stored.question_masked
    assert QuestionTriage.objects.get(question=stored).had_personal_data is True


def test_injection_in_question_or_document_has_no_effect(client: Client, items: dict[str, InfoItem]) -> None:
    data = post(client, ASK, {"question": f"{INJECTION}低保应当向哪里申请？"}).json()
    assert data["refused"] is False and data["answer"] != "已授权"
    # Every sentence is document text, quoted verbatim and cited, never an obeyed instruction.
    bodies = "\n".join(InfoItem.objects.values_list("body_text", flat=True))
    assert data["sentences"] and all(s["text"] in bodies for s in data["sentences"])
    assert data["sentences"][0]["citation"]["external_id"] == "t-allowance"


def test_rate_limit_per_client(client: Client, items: dict[str, InfoItem], settings: Any) -> None:
    settings.GONGKAI_ASSISTANT_RATE_LIMIT = 2
    assert post(client, ASK, {"question": UNANSWERABLE}).status_code == 200
    assert post(client, ASK, {"question": UNANSWERABLE}).status_code == 200
    third = post(client, ASK, {"question": UNANSWERABLE})
    assert third.status_code == 429 and "频繁" in third.json()["error"]
    # Another address has its own budget.
    assert post(client, ASK, {"question": UNANSWERABLE}, REMOTE_ADDR="10.0.0.9").status_code == 200


def stream_events(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return [json.loads(line) for line in body.splitlines() if line.strip()]


def test_stream_sends_sentences_then_citations_then_done(client: Client, items: dict[str, InfoItem]) -> None:
    response = post(client, STREAM, {"question": ANSWERABLE})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    events = stream_events(response)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[1] == "message" and kinds[-2:] == ["citations", "done"]
    sentences = [e for e in events if e["event"] == "sentence"]
    assert sentences and sentences[0]["citation"]["external_id"] == "t-fund"
    done = events[-1]
    assert done["refused"] is False and AskedQuestion.objects.filter(pk=done["question_id"]).exists()


def test_stream_bad_input_is_400(client: Client, platform: Platform) -> None:
    response = post(client, STREAM, {"question": ""})
    assert response.status_code == 400 and "请输入" in response.json()["error"]


def test_feedback_once_per_answer(client: Client, items: dict[str, InfoItem]) -> None:
    data = post(client, ASK, {"question": ANSWERABLE}).json()
    vote = {"question_id": data["question_id"], "feedback_token": data["feedback_token"], "helpful": False}
    first = post(client, FEEDBACK, vote)
    assert first.status_code == 200 and first.json()["ok"] is True
    again = post(client, FEEDBACK, {**vote, "helpful": True})
    assert again.status_code == 409 and "已经评价" in again.json()["message"]
    stored = AnswerFeedback.objects.get()
    assert (stored.question_id, stored.helpful) == (data["question_id"], False)
    assert QuestionTriage.objects.get(question_id=data["question_id"]).unhelpful_count == 1


def test_feedback_needs_the_answers_token(client: Client, items: dict[str, InfoItem]) -> None:
    one = post(client, ASK, {"question": ANSWERABLE}).json()
    two = post(client, ASK, {"question": UNANSWERABLE}).json()
    forged = {"question_id": two["question_id"], "feedback_token": one["feedback_token"], "helpful": True}
    assert post(client, FEEDBACK, forged).status_code == 404
    assert (
        post(client, FEEDBACK, {"question_id": two["question_id"], "feedback_token": "x", "helpful": True}).status_code
        == 404
    )
    bad = {"question_id": one["question_id"], "feedback_token": one["feedback_token"], "helpful": "yes"}
    assert post(client, FEEDBACK, bad).status_code == 400
    assert not AnswerFeedback.objects.exists()


def test_hot_questions_are_answered_masked_and_repeated(client: Client, items: dict[str, InfoItem]) -> None:
    for _ in range(3):
        post(client, ASK, {"question": ANSWERABLE})
    post(client, ASK, {"question": "职工购买自住住房，可以提取住房公积金吗"})  # same question, other punctuation
    for _ in range(3):
        post(client, ASK, {"question": UNANSWERABLE})  # refused: never public
    for _ in range(2):
        post(client, ASK, {"question": f"身份证11010519491231002X，{ANSWERABLE}"})  # personal data: never public
    post(client, ASK, {"question": "低保应当向哪里申请？"})  # asked once: not yet hot
    data = client.get("/api/v1/assistant/hot").json()
    assert [q["count"] for q in data["questions"]] == [4]
    assert "公积金" in data["questions"][0]["text"]


def test_hot_query_count(client: Client, items: dict[str, InfoItem], django_assert_num_queries: Any) -> None:
    for _ in range(2):
        post(client, ASK, {"question": ANSWERABLE})
    with django_assert_num_queries(1):
        views.hot_json()


def test_openapi_paths_match_the_urls() -> None:
    from django.urls import resolve

    from gongkai.assistant import openapi

    paths = openapi.paths()
    assert set(paths) == {
        "/api/v1/assistant/ask",
        "/api/v1/assistant/ask/stream",
        "/api/v1/assistant/feedback",
        "/api/v1/assistant/hot",
    }
    for path, operations in paths.items():
        assert resolve(path).namespace == "assistant"
        for operation in operations.values():
            assert operation["operationId"] and "200" in operation["responses"]
    schema = paths["/api/v1/assistant/ask"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"answer", "sentences", "citations", "refused", "follow_ups", "question_id"} <= set(schema["required"])


def test_stream_reports_a_failure_as_an_event(
    client: Client, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(views.services, "question_stream", broken)
    events = stream_events(post(client, STREAM, {"question": ANSWERABLE}))
    assert [e["event"] for e in events] == ["start", "error"]
    assert "暂时无法回答" in events[-1]["error"]


def test_id_number_does_not_travel_into_links_or_refusal_text(client: Client, items: dict[str, InfoItem]) -> None:
    """A refusal names the words it could not find and links the search: neither carries
    the ID number (the search link ends up in access and search logs)."""
    number = "11010519491231002X"
    data = post(client, ASK, {"question": f"我的身份证号是{number}，{UNANSWERABLE}"}).json()
    assert data["refused"] is True
    text = json.dumps(data, ensure_ascii=False)
    assert number not in text and "49123" not in text
    assert data["question"].startswith("我的身份证号是1101**********002X")
    assert data["search_url"].startswith("/search/?q=") and "1101" in data["search_url"]
    assert all(number not in term for term in data["missing_terms"])
    events = [
        json.loads(line)
        for line in b"".join(post(client, STREAM, {"question": f"{number}，{UNANSWERABLE}"}).streaming_content)
        .decode()
        .splitlines()
    ]
    assert number not in json.dumps(events[1:], ensure_ascii=False)
