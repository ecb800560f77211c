"""The 政策问答 panel in a real browser: opened by keyboard on a public page, a question
answered with citations, 有用 pressed and stored; Esc closes and gives focus back; on a
360 px phone it fits the screen; 长者模式 enlarges it."""

import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gongkai.assistant.models import AnswerFeedback, AskedQuestion
from gongkai.publishing.tests.factories import make_desk
from gongkai.search import analysis, index

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(os.environ.get("GONGKAI_SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def site_url(shell_url: str, settings: Any, tmp_path: Path) -> Any:
    from django.core.cache import cache

    from gongkai.assistant.tests.surfaces import publish_corpus
    from gongkai.core.models import Organisation

    settings.GONGKAI_SEARCH_DIR = str(tmp_path / "search")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    index.forget_reader()
    analysis.reset()
    cache.clear()
    publish_corpus(make_desk(Organisation.objects.get(name="甲市教育局"), "e2e"))
    yield shell_url
    index.forget_reader()
    analysis.reset()


def test_panel_by_keyboard_answer_with_citation_and_feedback(site_url: str, page: Any) -> None:
    page.goto(f"{site_url}/")
    opener = page.locator("[data-assistant-open]")
    assert opener.get_attribute("aria-expanded") == "false"
    opener.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#gk-assistant-panel")
    panel.wait_for(state="visible")
    assert opener.get_attribute("aria-expanded") == "true"
    # Focus went to the question box.
    assert page.evaluate("document.activeElement.id") == "gk-assistant-q"
    page.keyboard.type("职工购买自住住房可以提取住房公积金吗？")
    page.keyboard.press("Enter")
    sentence = panel.locator(".gk-answer-sentences li").first
    sentence.wait_for()
    assert "职工购买自住住房的，可以提取住房公积金账户内的存储余额" in sentence.inner_text()
    cite = sentence.locator("a.gk-cite")
    assert cite.inner_text() == "《甲市住房公积金提取管理办法》第二条（甲市府发〔2024〕3号）"
    assert cite.get_attribute("href").startswith("/gk/item/")
    assert panel.locator(".gk-answer-basis a").count() >= 1
    # The answer is inside the live region a screen reader announces.
    assert panel.locator("[aria-live=polite] .gk-answer-sentences").count() == 1
    # 有用, by keyboard.
    useful = panel.locator(".gk-answer-feedback button", has_text="有用")
    useful.focus()
    page.keyboard.press("Enter")
    panel.locator(".gk-feedback-status", has_text="感谢您的评价").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "assistant-panel-1280.png"))
    vote = AnswerFeedback.objects.select_related("question").get()
    assert vote.helpful is True and vote.question.cited_external_ids[0] == "t-fund"
    # Esc closes and gives the focus back to the button.
    page.locator("#gk-assistant-q").focus()
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.hasAttribute('data-assistant-open')")


def test_refusal_offers_search_and_request_form(site_url: str, page: Any) -> None:
    page.goto(f"{site_url}/")
    page.locator("[data-assistant-open]").click()
    page.locator("#gk-assistant-q").fill("明天达州天气怎么样，会下雨吗")
    page.locator("[data-assistant-form] button[type=submit]").click()
    links = page.locator(".gk-answer-links a")
    links.first.wait_for()
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs[0].startswith("/search/?q=") and hrefs[1] == "/ysqgk/"
    assert AskedQuestion.objects.get().refused


def test_phone_width_and_elder_mode(site_url: str, browser: Any) -> None:
    from gongkai.assistant import services
    from gongkai.assistant.tests.surfaces import ANSWERABLE

    for _ in range(2):
        services.question_ask(ANSWERABLE)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{site_url}/")
        page.locator("[data-assistant-open]").click()
        panel = page.locator("#gk-assistant-panel")
        panel.wait_for(state="visible")
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.gk-assistant-note')).fontSize)")
        context.add_cookies([{"name": "gk_elder", "value": "1", "url": site_url}])
        page.goto(f"{site_url}/")
        page.locator("[data-assistant-open]").click()
        panel.wait_for(state="visible")
        elder = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.gk-assistant-note')).fontSize)")
        assert elder > normal * 1.2
        panel.locator("[data-assistant-hot] button").first.wait_for()  # this week's hot questions
        page.locator("#gk-assistant-q").fill("职工购买自住住房可以提取住房公积金吗？")
        page.locator("[data-assistant-form] button[type=submit]").click()
        first = panel.locator(".gk-answer-sentences li").first
        first.wait_for()
        page.screenshot(path=str(SCREENSHOTS / "assistant-panel-360-elder.png"))
        # The answer has the room: the hot list gives way, the first sentence is in view.
        assert panel.locator("[data-assistant-hot]").is_hidden()
        log = panel.locator("[data-assistant-log]").bounding_box()
        line = first.bounding_box()
        assert log["y"] <= line["y"] and line["y"] + 20 <= log["y"] + log["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_without_scripts_the_button_leads_to_the_plain_page(site_url: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{site_url}/")
        page.locator("[data-assistant-open]").click()
        page.wait_for_url("**/wd/")
        page.locator("#wd-q").fill("职工购买自住住房可以提取住房公积金吗？")
        page.locator("main form button[type=submit]").click()
        page.locator(".gk-answer-sentences li").first.wait_for()
        page.locator(".gk-answer-feedback button", has_text="有用").click()
        page.locator(".gk-notice", has_text="感谢您的评价").wait_for()
        assert AnswerFeedback.objects.get().helpful is True
    finally:
        context.close()


@pytest.fixture
def streaming_model(settings: Any) -> Iterator[list[tuple[float, str]]]:
    """A fake OpenAI-compatible model on 127.0.0.1 that streams its reply (server-sent
    events), each chunk after its delay."""
    chunks: list[tuple[float, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for wait, text in chunks:
                    time.sleep(wait)
                    event = {"choices": [{"index": 0, "delta": {"content": text}}]}
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GONGKAI_ASSISTANT_LLM_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.GONGKAI_ASSISTANT_LLM_TIMEOUT = 8
    try:
        yield chunks
    finally:
        server.shutdown()
        server.server_close()


def test_sentences_appear_as_the_model_writes_them(
    site_url: str, page: Any, streaming_model: list[tuple[float, str]]
) -> None:
    """With an LLM configured, the panel shows the first checked sentence while the model is
    still writing the second."""
    streaming_model.extend(
        [
            (0.0, "职工离休、退休的，可以提取住房公积金账户内的存储余额[1]。"),
            (3.0, "职工购买自住住房的，可以提取住房公积金账户内的存储余额[1]。"),
        ]
    )
    page.goto(f"{site_url}/")
    page.locator("[data-assistant-open]").click()
    page.locator("#gk-assistant-q").fill("职工退休了可以提取住房公积金吗")
    page.keyboard.press("Enter")
    sentences = page.locator("#gk-assistant-panel .gk-answer-sentences li")
    sentences.first.wait_for(timeout=2500)
    assert sentences.count() == 1 and "离休、退休" in sentences.first.inner_text()
    assert page.locator(".gk-answer-feedback").count() == 0  # the answer is not finished yet
    sentences.nth(1).wait_for(timeout=8000)
    page.locator(".gk-answer-feedback").wait_for()
    assert AskedQuestion.objects.get().cited_external_ids[0] == "t-fund"


def test_panel_names_the_interpretation_of_the_cited_document(site_url: str, page: Any) -> None:
    from gongkai.core.models import Organisation
    from gongkai.publishing import services as publishing
    from gongkai.publishing.models import InfoItem
    from gongkai.search.tests.factories import index_items
    from gongkai.web.tests.factories import published_in

    desk = make_desk(Organisation.objects.get(name="甲市教育局"), "e2e_reading")
    reading = published_in(desk, None, "《甲市住房公积金提取管理办法》政策解读", external_id="t-reading")
    index_items([reading])
    publishing.item_set_related(actor=desk.editor, item=reading, related=[InfoItem.objects.get(external_id="t-fund")])
    page.goto(f"{site_url}/")
    page.locator("[data-assistant-open]").click()
    page.locator("#gk-assistant-q").fill("职工购买自住住房可以提取住房公积金吗？")
    page.keyboard.press("Enter")
    link = page.locator("#gk-assistant-panel .gk-answer-readings a")
    link.wait_for()
    assert link.inner_text() == "《甲市住房公积金提取管理办法》政策解读"
    assert link.get_attribute("href") == f"/gk/item/{reading.pk}/"
