"""The plain page /wd/ (no scripts needed), the panel on public pages, and the staff pages:
FAQ list/create/edit/delete/import, the question queue and hot questions."""

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from gongkai.assistant import services
from gongkai.assistant.models import AnswerFeedback, AskedQuestion, FaqEntry, QuestionTriage
from gongkai.core.models import Role
from gongkai.core.tests.factories import make_user
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk, make_desk
from gongkai.web.tests.factories import Platform

from .surfaces import ANSWERABLE, UNANSWERABLE, publish_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gongkai.assistant.tests.staff_urlconf")]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def county_desk(platform: Platform) -> Desk:
    """A body of the county, which has a site of its own."""
    return make_desk(platform.county_dept, "yi")


@pytest.fixture
def items(desk: Desk) -> dict[str, InfoItem]:
    return publish_corpus(desk)


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def entry(desk: Desk, question: str, **extra: Any) -> FaqEntry:
    return services.faq_create(actor=desk.editor, organisation=desk.org, question=question, answer="答案。", **extra)


# --- /wd/ and the panel --------------------------------------------------------------------------


def test_panel_on_every_public_page(client: Client, items: dict[str, InfoItem]) -> None:
    for url in ("/", f"/gk/item/{items['fund'].pk}/", "/wd/"):
        html = client.get(url).content.decode()
        assert "data-assistant" in html and 'href="/wd/"' in html, url
        assert 'aria-live="polite"' in html and "政策问答" in html


def test_page_answers_on_the_server(client: Client, items: dict[str, InfoItem]) -> None:
    response = client.get("/wd/", {"q": ANSWERABLE})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第二条 职工购买自住住房的，可以提取住房公积金账户内的存储余额。" in html
    assert f'href="/gk/item/{items["fund"].pk}/"' in html
    assert "《甲市住房公积金提取管理办法》第二条（甲市府发〔2024〕3号）" in html
    assert "有用" in html and "没用" in html
    assert AskedQuestion.objects.count() == 1


def test_page_refusal_links_search_and_request_form(client: Client, items: dict[str, InfoItem]) -> None:
    html = client.get("/wd/", {"q": UNANSWERABLE}).content.decode()
    assert "没有找到" in html and 'href="/search/?q=' in html and 'href="/ysqgk/"' in html


def test_page_bad_input(client: Client, items: dict[str, InfoItem]) -> None:
    empty = client.get("/wd/", {"q": "  "})
    assert empty.status_code == 400 and "请输入要咨询的问题" in empty.content.decode()
    long = client.get("/wd/", {"q": "问" * 5000})
    assert long.status_code == 400 and "问题太长" in long.content.decode()
    assert not AskedQuestion.objects.exists()


def test_page_escapes_the_question(client: Client, items: dict[str, InfoItem]) -> None:
    html = client.get("/wd/", {"q": "<script>alert(1)</script>公积金"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_page_feedback_form(client: Client, items: dict[str, InfoItem]) -> None:
    html = client.get("/wd/", {"q": ANSWERABLE}).content.decode()
    question_id = re.search(r'name="question_id" value="(\d+)"', html)
    token = re.search(r'name="feedback_token" value="([^"]+)"', html)
    assert question_id and token
    data = {"question_id": question_id.group(1), "feedback_token": token.group(1), "helpful": "1"}
    first = client.post("/wd/feedback/", data)
    assert first.status_code == 302 and first["Location"] == "/wd/?fb=thanks"
    assert client.post("/wd/feedback/", {**data, "helpful": "0"})["Location"] == "/wd/?fb=already"
    assert AnswerFeedback.objects.get().helpful is True
    assert "感谢您的评价" in client.get("/wd/?fb=thanks").content.decode()


def test_page_hot_list_query_count(client: Client, items: dict[str, InfoItem], django_assert_num_queries: Any) -> None:
    for _ in range(2):
        services.question_ask(ANSWERABLE)
        services.question_ask("低保应当向哪里申请？")
    client.get("/wd/")  # warm the per-process copy of the sites (core.sitecache)
    # the hot list only: the site and its navigation come from that copy
    with django_assert_num_queries(1) as captured:
        html = client.get("/wd/").content.decode()
    assert "热点问题" in html and "低保应当向哪里申请？" in html
    assert any("assistant_askedquestion" in q["sql"] for q in captured.captured_queries)


# --- staff: FAQ --------------------------------------------------------------------------------


def test_faq_list_scoped_with_pinned_queries(
    client: Client, desk: Desk, county_desk: Desk, items: dict[str, InfoItem], django_assert_num_queries: Any
) -> None:
    for n in range(3):
        entry(desk, f"问题{n}", sources=[items["fund"]], review_due=dt.date(2020, 1, 1))
    services.faq_create(actor=county_desk.editor, organisation=county_desk.org, question="县里的问题", answer="答。")
    client.force_login(desk.editor)
    client.get("/staff/assistant/")

    few = queries_of(client, "/staff/assistant/")
    for n in range(3, 8):
        entry(desk, f"问题{n}")
    html = client.get("/staff/assistant/").content.decode()
    with django_assert_num_queries(few):
        client.get("/staff/assistant/")
    assert few <= 8
    assert "问题7" in html and "县里的问题" not in html and "逾期未复核" in html


def test_faq_pages_need_a_curator(client: Client, desk: Desk, platform: Platform) -> None:
    assert client.get("/staff/assistant/").status_code == 302  # to the login page
    client.force_login(desk.first)  # a reviewer writes no FAQ
    assert client.get("/staff/assistant/").status_code == 403
    assert client.get("/staff/assistant/questions/").status_code == 403
    office = make_user("office", org=platform.education, role=Role.OFFICE_OFFICER)
    client.force_login(office)
    assert client.get("/staff/assistant/").status_code == 200


def test_faq_outside_scope_is_not_found(client: Client, desk: Desk, county_desk: Desk) -> None:
    other = services.faq_create(actor=county_desk.editor, organisation=county_desk.org, question="县", answer="答。")
    client.force_login(desk.editor)
    assert client.get(f"/staff/assistant/{other.pk}/edit/").status_code == 404
    assert client.post(f"/staff/assistant/{other.pk}/delete/").status_code == 404
    assert FaqEntry.objects.filter(pk=other.pk).exists()
    # Nor can the form pick a body outside the scope.
    response = client.post(
        "/staff/assistant/new/", {"organisation": county_desk.org.pk, "question": "问", "answer": "答", "active": "on"}
    )
    assert response.status_code == 200 and "organisation" in response.context["form"].errors


def test_faq_create_edit_delete(client: Client, desk: Desk, items: dict[str, InfoItem]) -> None:
    client.force_login(desk.editor)
    form = client.get("/staff/assistant/new/")
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    response = client.post(
        "/staff/assistant/new/",
        {
            "organisation": desk.org.pk,
            "question": "退休能提取公积金吗",
            "variants": "退休后公积金能取吗\n退休了能取公积金吗",
            "answer": "可以。",
            "sources": "t-fund\n甲市府发〔2024〕3号",
            "review_due": "2027-01-01",
            "active": "on",
        },
    )
    assert response.status_code == 302
    created = FaqEntry.objects.get()
    assert created.variants == ["退休后公积金能取吗", "退休了能取公积金吗"]
    assert list(created.sources.values_list("external_id", flat=True)) == ["t-fund"]
    bad = client.post(
        "/staff/assistant/new/", {"organisation": desk.org.pk, "question": "问", "answer": "答", "sources": "nope"}
    )
    assert "找不到已公开的文件：nope" in bad.content.decode()
    edit = client.get(f"/staff/assistant/{created.pk}/edit/").content.decode()
    assert "退休后公积金能取吗" in edit and "t-fund" in edit
    client.post(
        f"/staff/assistant/{created.pk}/edit/",
        {"organisation": desk.org.pk, "question": "退休能提取公积金吗", "answer": "可以提取。", "sources": ""},
    )
    created.refresh_from_db()
    assert created.answer == "可以提取。" and not created.active and not created.sources.exists()
    assert client.get(f"/staff/assistant/{created.pk}/delete/").status_code == 200
    assert client.post(f"/staff/assistant/{created.pk}/delete/").status_code == 302
    assert not FaqEntry.objects.exists()


def xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["问题", "相似问法", "答案", "来源文件", "复核日期"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("faq.xlsx", out.getvalue())


def test_faq_import_page(client: Client, desk: Desk, items: dict[str, InfoItem]) -> None:
    client.force_login(desk.editor)
    bad = client.post(
        "/staff/assistant/import/",
        {"organisation": desk.org.pk, "file": xlsx([["好", "", "答", "", ""], ["坏", "", "", "", ""]])},
    )
    assert bad.status_code == 200 and "第3行：“答案”为空。" in bad.content.decode()
    assert not FaqEntry.objects.exists()
    good = client.post(
        "/staff/assistant/import/",
        {"organisation": desk.org.pk, "file": xlsx([["好", "好吗", "答", "t-fund", "2027-01-01"]])},
    )
    assert good.status_code == 302 and FaqEntry.objects.get().question == "好"
    wrong_type = client.post(
        "/staff/assistant/import/", {"organisation": desk.org.pk, "file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert ".xlsx" in wrong_type.content.decode()


def test_faq_import_template_downloads_and_imports(client: Client, desk: Desk, platform: Platform) -> None:
    client.force_login(desk.editor)
    page = client.get("/staff/assistant/import/").content.decode()
    assert 'href="/staff/assistant/import/template.xlsx"' in page
    response = client.get("/staff/assistant/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    assert "attachment" in response["Content-Disposition"]
    # The template, as downloaded, is a valid import (its example row).
    imported = client.post(
        "/staff/assistant/import/",
        {"organisation": desk.org.pk, "file": SimpleUploadedFile("t.xlsx", response.content)},
    )
    assert imported.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.question == "社保断缴了还能补缴吗？" and entry.variants == ["社保断了能补交吗", "社保中断后怎么补缴"]
    client.logout()
    assert client.get("/staff/assistant/import/template.xlsx").status_code == 302  # sign in first


# --- staff: question queue ----------------------------------------------------------------------


def test_queue_turn_into_faq_and_handle(
    client: Client, desk: Desk, items: dict[str, InfoItem], django_assert_num_queries: Any
) -> None:
    refused = services.question_ask(f"{UNANSWERABLE}，我电话13812345678").question
    liked = services.question_ask(ANSWERABLE).question
    disliked = services.question_ask("低保应当向哪里申请？").question
    assert refused and liked and disliked
    services.feedback_record(question=disliked, helpful=False)
    services.feedback_record(question=liked, helpful=True)
    client.force_login(desk.editor)
    client.get("/staff/assistant/questions/")
    baseline = queries_of(client, "/staff/assistant/questions/")
    assert baseline <= 9
    html = client.get("/staff/assistant/questions/").content.decode()
    assert "13812345678" not in html and "天气" in html and "低保" in html
    assert f"?from={liked.pk}" not in html
    for _ in range(5):
        services.question_ask(UNANSWERABLE)
    with django_assert_num_queries(baseline):
        client.get("/staff/assistant/questions/")
    # 转为常见问题: the form opens prefilled; saving takes the question out of the queue.
    form = client.get(f"/staff/assistant/new/?from={disliked.pk}").content.decode()
    assert "低保应当向哪里申请？" in form
    # The down-voted answer's citations are the draft's sources.
    assert re.search(r'<textarea name="sources"[^>]*>\s*t-allowance', form)
    response = client.post(
        f"/staff/assistant/new/?from={disliked.pk}",
        {
            "organisation": desk.org.pk,
            "question": "低保应当向哪里申请？",
            "answer": "向乡镇人民政府提出。",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/staff/assistant/questions/"
    triage = QuestionTriage.objects.get(question=disliked)
    assert triage.handled_at is not None and triage.faq is not None
    assert client.post(f"/staff/assistant/questions/{refused.pk}/handle/").status_code == 302
    html = client.get("/staff/assistant/questions/").content.decode()
    assert f"?from={disliked.pk}" not in html and f"?from={refused.pk}" not in html
    assert "热点问题" in html


def test_hot_questions_staff_week(client: Client, desk: Desk, items: dict[str, InfoItem]) -> None:
    for _ in range(3):
        services.question_ask(UNANSWERABLE)
    client.force_login(desk.editor)
    html = client.get("/staff/assistant/questions/").content.decode()
    # Staff see refused questions in the hot list too (the public list does not).
    assert re.search(r"天气[^<]*</td><td>3</td><td>3</td>", html)
    last_week = client.get("/staff/assistant/questions/?week=2020-01-01").content.decode()
    assert "这一周还没有提问" in last_week
