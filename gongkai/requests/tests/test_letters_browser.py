"""The office's letter templates in a real browser (Playwright driving /usr/bin/chromium, as in
tests/e2e): on a 360 px phone, by keyboard, a broken template refused with its Chinese message,
a good one taken, the template downloaded."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from gongkai.core.models import AuditChainHead
from gongkai.core.tests.browser import launch_chromium
from gongkai.core.tests.factories import PASSWORD
from gongkai.requests.models import LetterTemplate

from .factories import desk


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def docx_file(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(str(path))
    return path


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.django_db(transaction=True)
def test_template_pages_on_a_phone_by_keyboard(browser: Any, live_server: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    AuditChainHead.objects.get_or_create(pk=1)
    org, officer, _head = desk("达州市人民政府办公室")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reverse('staff:login')}")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")

        page.goto(f"{live_server.url}{reverse('disclosure_requests:letter_home')}")
        assert org.name in page.inner_text("main")
        page.click("text=管理模板")
        assert "的文书模板" in page.inner_text("h1")
        assert fits(page)

        # the default template, downloaded
        with page.expect_download() as info:
            page.locator("a[href$='/templates/correction/download/']").click()
        assert Path(info.value.path()).read_bytes().startswith(b"PK")

        # by keyboard: focus the upload link of 补正通知书 and press Enter
        page.locator("a[href$='/templates/correction/upload/']").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/templates/correction/upload/")
        assert fits(page)

        page.set_input_files("#id_file", str(docx_file(tmp_path / "bad.docx", "{{ number ")))
        page.locator("main button[type=submit]").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "模板中的占位符有误" in page.inner_text("main")
        assert not LetterTemplate.objects.exists()

        page.set_input_files("#id_file", str(docx_file(tmp_path / "good.docx", "{{ org_name }} {{ number }}")))
        page.click("main button[type=submit]")
        page.wait_for_url("**/templates/")
        assert "模板已更新" in page.inner_text("main")
        assert "本机关模板" in page.inner_text("main")
        assert fits(page)
        assert LetterTemplate.objects.filter(organisation=org, kind="correction").exists()

        # the series prefix
        page.goto(f"{live_server.url}{reverse('disclosure_requests:letter_series_edit', args=[org.pk])}")
        assert fits(page)
        page.fill("#id_number_prefix", "达市府办信复")
        with page.expect_navigation():
            page.press("#id_number_prefix", "Enter")
        assert "达市府办信复〔" in page.inner_text("main")
    finally:
        context.close()
