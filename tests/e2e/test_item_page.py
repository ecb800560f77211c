"""An information item in a real browser: the metadata table at 1280 and 360 px (stacked,
readable, no sideways scrolling), the catalog tree folding away on a phone, the print
view on screen and on paper. Screenshots are written for a person to look at."""

import gzip
import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from gongkai.publishing import richtext, services
from gongkai.publishing.models import Attachment, InfoItem, Validity
from gongkai.publishing.tests.factories import make_desk, published

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(os.environ.get("GONGKAI_SCREENSHOT_DIR", tempfile.gettempdir()))
# A State Council document from the gov.cn policy library (../shared/data), as a county
# bureau republishes it: long, with numbered sections, a real 文号 and a real 索引号 pattern.
CORPUS_ID = "govcn-5365341"
TITLE = "国务院关于印发国家职业教育改革实施方案的通知"


def _long_body() -> str:
    corpus = Path(django_settings.SHARED_DIR) / "data" / "corpus.jsonl.gz"
    if corpus.exists():
        with gzip.open(corpus, "rt", encoding="utf-8") as lines:
            for line in lines:
                if CORPUS_ID in line[:40]:
                    text: str = json.loads(line)["body"]
                    # the corpus repeats the title and the 文号 above the text; the page shows them already
                    return richtext.from_plain(text.split("国发〔2019〕4号", 1)[-1])
    # without the shared data: a body of the same shape
    sections = [f"## {n}、第{n}部分" for n in "一二三四五六七"]
    paragraph = "职业教育与普通教育是两种不同教育类型，具有同等重要地位。" * 12
    return richtext.from_plain("\n".join(f"{s}\n{paragraph}\n{paragraph}" for s in sections))


@pytest.fixture
def item(shell_url: str, settings: Any, tmp_path: Path) -> InfoItem:
    from gongkai.core.models import Organisation

    settings.MEDIA_ROOT = str(tmp_path / "media")
    education = Organisation.objects.get(name="甲市教育局")
    education.index_code = "008765432"
    education.save()
    desk = make_desk(education, "e2e")
    subject = services.subject_create(actor=None, name="科技、教育\\教育")
    found = published(
        desk,
        TITLE,
        issuing_organ="国务院",
        doc_number="国发〔2019〕4号",
        date_written=date(2019, 1, 24),
        subject=subject,
        keywords="职业教育 改革 实施方案",
        validity=Validity.IN_FORCE,
        body_html=_long_body(),
    )
    related = published(desk, "甲市教育局关于贯彻落实国家职业教育改革实施方案的通知")
    services.item_set_related(actor=None, item=found, related=[related])
    for name, size in (
        ("附件1：国家职业教育改革实施方案重点任务分工.pdf", 356_000),
        ("附件2：职业院校名单.xlsx", 48_500),
    ):
        Attachment.objects.create(
            item=found,
            file=ContentFile(b"0" * size, name="a.bin"),
            original_name=name,
            file_type=name.rsplit(".", 1)[1],
            size=size,
            sha256="0" * 64,
        )
    return found


def _open(browser: Any, url: str, width: int, height: int, elder: bool = False) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    if elder:
        context.add_cookies([{"name": "gk_elder", "value": "1", "url": url}])
    page = context.new_page()
    page.goto(url)
    return context, page


CELLS_JS = """
() => [...document.querySelectorAll('.item-meta th, .item-meta td')].map((el) => {
  const r = el.getBoundingClientRect();
  return {tag: el.tagName, text: el.textContent.trim(), x: r.x, y: r.y, width: r.width, right: r.right,
          clipped: el.scrollWidth > el.clientWidth + 1, size: parseFloat(getComputedStyle(el).fontSize)};
})
"""


def test_item_page_at_1280_has_the_four_column_table_above_the_title(
    browser: Any, shell_url: str, item: InfoItem
) -> None:
    context, page = _open(browser, f"{shell_url}/gk/item/{item.pk}/", 1280, 900)
    try:
        cells = page.evaluate(CELLS_JS)
        first_row = [c for c in cells if abs(c["y"] - cells[0]["y"]) < 2]
        assert [c["text"] for c in first_row] == ["索引号", item.index_number, "主题分类", "科技、教育\\教育"]
        assert [c["tag"] for c in first_row] == ["TH", "TD", "TH", "TD"]
        labels = [c["text"] for c in cells if c["tag"] == "TH"]
        assert labels == ["索引号", "主题分类", "发布机构", "成文日期", "文号", "发布日期", "有效性", "主题词"]
        table_bottom = page.eval_on_selector(".item-meta", "el => el.getBoundingClientRect().bottom")
        title_top = page.eval_on_selector("h1", "el => el.getBoundingClientRect().top")
        assert table_bottom < title_top
        assert page.get_by_role("heading", level=1).inner_text() == TITLE
        assert page.locator(".doc-number").inner_text() == "国发〔2019〕4号"
        assert page.get_by_role("link", name="附件1：国家职业教育改革实施方案重点任务分工.pdf").is_visible()
        assert "（PDF，347.7 KB）" in page.locator(".item-attachments").inner_text()
        assert page.get_by_role("heading", name="相关文件").is_visible()
        if page.evaluate("'speechSynthesis' in window"):  # 适老化: read-aloud where the browser can speak
            assert page.get_by_role("button", name="朗读全文").is_visible()
        # the table is a table to assistive technology, its headers naming the cells
        assert page.get_by_role("rowheader", name="发布机构").count() == 1
        assert page.get_by_role("cell", name="国务院", exact=True).count() == 1
        page.screenshot(path=str(SCREENSHOTS / "gongkai-item-1280-top.png"))
        path = SCREENSHOTS / "gongkai-item-1280.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 50_000
    finally:
        context.close()


@pytest.mark.parametrize("elder", [False, True])
def test_item_page_at_360_stacks_the_table_and_never_scrolls_sideways(
    browser: Any, shell_url: str, item: InfoItem, elder: bool
) -> None:
    context, page = _open(browser, f"{shell_url}/gk/item/{item.pk}/", 360, 740, elder=elder)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        cells = page.evaluate(CELLS_JS)
        for label, value in zip(cells[::2], cells[1::2], strict=True):
            # each label beside its own value, one pair a line, inside the screen
            assert label["tag"] == "TH" and value["tag"] == "TD"
            assert abs(label["y"] - value["y"]) < 2, (label, value)
            assert value["x"] > label["x"]
            assert value["right"] <= 360 and value["width"] >= 150, value
            assert not value["clipped"], value
            assert value["size"] >= (18 if elder else 14)
        ys = [c["y"] for c in cells[::2]]
        assert ys == sorted(ys) and len(set(ys)) == len(ys), "one pair a line"
        name = f"gongkai-item-360{'-elder' if elder else ''}"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-top.png"))
        page.locator(".item-attachments").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{name}-end.png"))
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 20_000
    finally:
        context.close()


def test_catalog_tree_is_folded_on_a_phone_and_open_on_a_desk(browser: Any, shell_url: str, item: InfoItem) -> None:
    url = f"{shell_url}/gk/col/{item.column_id}/"
    context, page = _open(browser, url, 360, 740)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.eval_on_selector("details.catalog-details", "el => el.open") is False
        # the list comes before the tree's columns on a phone
        assert page.get_by_role("link", name=TITLE).is_visible()
        page.get_by_text("栏目", exact=True).click()
        assert page.get_by_role("link", name="政府信息公开指南").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "gongkai-column-360.png"), full_page=True)
    finally:
        context.close()
    context, page = _open(browser, url, 1280, 900)
    try:
        assert page.eval_on_selector("details.catalog-details", "el => el.open") is True
        tree = page.locator(".catalog-nav").bounding_box()
        first = page.get_by_role("link", name=TITLE).bounding_box()
        assert tree is not None and first is not None
        assert tree["x"] + tree["width"] <= first["x"], "the tree on the left, the list on the right"
        assert page.locator('.catalog-tree a[aria-current="page"]').inner_text() == "其他文件"
        assert page.locator(".item-list .item-date").first.inner_text() == item.published_at.astimezone().strftime(
            "%Y-%m-%d"
        )
        page.screenshot(path=str(SCREENSHOTS / "gongkai-column-1280.png"), full_page=True)
    finally:
        context.close()


def test_print_view_on_screen_and_on_paper(browser: Any, shell_url: str, item: InfoItem) -> None:
    context, page = _open(browser, f"{shell_url}/gk/item/{item.pk}/", 1280, 900)
    try:
        page.get_by_role("link", name="打印本页").click()
        page.wait_for_url(f"**/gk/item/{item.pk}/print/")
        assert page.locator("nav").count() == 0 and page.locator("header, footer").count() == 0
        button = page.get_by_role("button", name="打印")
        assert button.is_visible()  # shown once scripts run
        assert page.get_by_role("heading", level=1).inner_text() == TITLE
        assert page.locator(".item-meta").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "gongkai-item-print-top.png"))
        page.emulate_media(media="print")
        assert not button.is_visible()
        assert not page.get_by_role("link", name="返回正文页").is_visible()
        assert page.eval_on_selector("h1", "el => getComputedStyle(el).color") == "rgb(0, 0, 0)"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3
        (SCREENSHOTS / "gongkai-item-print.pdf").write_bytes(pdf)
    finally:
        context.close()


def test_item_page_prints_without_the_navigation(browser: Any, shell_url: str, item: InfoItem) -> None:
    context, page = _open(browser, f"{shell_url}/gk/item/{item.pk}/", 1280, 900)
    try:
        page.emulate_media(media="print")
        for selector in (".main-nav", ".topbar", ".breadcrumb", ".item-tools", ".site-footer"):
            assert not page.locator(selector).is_visible(), selector
        assert page.locator(".item-meta").is_visible()
        assert page.locator(".item-body").is_visible()
    finally:
        context.close()


def test_item_page_text_contrast_is_at_least_aa(browser: Any, shell_url: str, item: InfoItem) -> None:
    from test_shell import CONTRAST_JS  # the shell's own check (tests/e2e is on the path)

    for elder in (False, True):
        for path in (f"/gk/item/{item.pk}/", f"/gk/col/{item.column_id}/", f"/gk/org/{item.organisation_id}/"):
            context, page = _open(browser, shell_url + path, 1280, 900, elder=elder)
            try:
                assert page.evaluate(CONTRAST_JS) == [], (path, elder)
                if path.startswith("/gk/org/") and not elder:
                    page.screenshot(path=str(SCREENSHOTS / "gongkai-body-1280.png"), full_page=True)
            finally:
                context.close()
