"""The annual-report page in a real browser (Playwright driving the system's Chromium, as in
tests/e2e): it fits a 360 px phone (wide tables scroll inside their box), and an office
officer saves the texts and sends the report with the keyboard alone."""

import os
from collections.abc import Iterator
from typing import Any

import pytest

from gongkai.core.tests.browser import launch_chromium
from gongkai.core.tests.factories import PASSWORD, make_org
from gongkai.publishing.models import InfoItem, ItemState
from gongkai.publishing.tests.factories import make_desk
from gongkai.reports.models import AnnualReport
from gongkai.reports.tests.factories import import_ledger, office

pytestmark = pytest.mark.e2e

OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
ACTIVE_JS = "() => ({tag: document.activeElement.tagName, text: (document.activeElement.textContent || '').trim()})"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_phone_width_and_keyboard_only(browser: Any, transactional_db: None, live_server: Any) -> None:
    from gongkai.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    org = make_org("达州市测试局")
    make_desk(org, "e2e")
    import_ledger(org)
    officer = office(org)
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/staff/login/?next=/staff/reports/annual/{org.pk}/2025/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"**/staff/reports/annual/{org.pk}/2025/")
        assert page.evaluate(OVERFLOW_JS) <= 0
        assert "全部 49 项核对通过" in page.content()
        if os.environ.get("GONGKAI_SCREENSHOT"):
            page.screenshot(path=os.environ["GONGKAI_SCREENSHOT"], full_page=True)
        # Keyboard only: into the 五、 text box, type, then Tab to 保存 and press Enter.
        page.focus("#id_problems")
        page.keyboard.press("Control+A")
        page.keyboard.type("键盘填写的问题和改进。")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(ACTIVE_JS)["text"] == "保存文字部分":
                break
        page.keyboard.press("Enter")
        page.wait_for_selector("text=年度报告的文字部分已保存。")
        assert AnnualReport.objects.get(organisation=org).texts["problems"] == "键盘填写的问题和改进。"
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(ACTIVE_JS)["text"] == "送审发布":
                break
        else:
            raise AssertionError("Tab never reached 送审发布")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=已送审（审核中）")
        item = InfoItem.objects.get(organisation=org)
        assert item.state == ItemState.IN_REVIEW
        assert "键盘填写的问题和改进。" in item.body_html
        assert page.evaluate(OVERFLOW_JS) <= 0
    finally:
        context.close()
