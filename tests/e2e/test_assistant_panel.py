"""The 政策问答 panel in a real browser: opened by keyboard on a public page, a question
answered with citations, 有用 pressed and stored; Esc closes and gives focus back; on a
360 px phone it fits the screen; 长者模式 enlarges it."""

import os
import tempfile
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
        page.locator("#gk-assistant-q").fill("职工购买自住住房可以提取住房公积金吗？")
        page.locator("[data-assistant-form] button[type=submit]").click()
        panel.locator(".gk-answer-sentences li").first.wait_for()
        page.screenshot(path=str(SCREENSHOTS / "assistant-panel-360-elder.png"))
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
