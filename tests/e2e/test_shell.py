"""The public site shell in a real browser: keyboard use, visible focus, the 适老化
switch, the 360 px layout, colour contrast and no assets from outside."""

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from gongkai.core.models import Organisation

pytestmark = pytest.mark.e2e

PAGES = ["/", "/gk/", "/fw/", "/hd/", "/search/?q=教育"]
# Where the home page screenshots go (looked at by a person; not compared).
SCREENSHOTS = Path(os.environ.get("GONGKAI_SCREENSHOT_DIR", tempfile.gettempdir()))

# WCAG 2.1 contrast of every element's own text against the first opaque background
# behind it (the shell has solid backgrounds only). Returns the failures.
CONTRAST_JS = """
() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || el.getClientRects().length === 0) continue;
    if (el.closest(".visually-hidden")) continue;
    const a = lum(rgb(style.color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${el.tagName} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}`);
    }
  }
  return failures;
}
"""

FOCUS_JS = """
() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName, id: el.id, text: (el.textContent || el.value || "").trim().slice(0, 30),
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), outlineColor: s.outlineColor,
  };
}
"""


def font_size(page: Any, selector: str = "body") -> float:
    return float(page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)"))


def test_first_tab_reaches_the_skip_link_and_enter_moves_to_main(page: Any, shell_url: str) -> None:
    page.goto(shell_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_JS)
    assert focused["text"] == "跳到主要内容"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next Tab goes on from inside main: the home page's search field.
    assert page.evaluate("document.activeElement.id") == "home-q"


def test_every_focusable_element_has_a_visible_outline(page: Any, shell_url: str) -> None:
    page.goto(shell_url + "/gk/")
    # Controls inside closed regions (the assistant's panel before it opens) are not in the tab order.
    count = page.evaluate(
        "[...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]"
        ".filter((e) => e.checkVisibility()).length"
    )
    seen = []
    for _ in range(count):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        seen.append(focused)
        assert focused["outlineStyle"] != "none", focused
        assert focused["outlineWidth"] >= 3, focused
    tags = {f["tag"] for f in seen}
    assert {"A", "BUTTON", "INPUT"} <= tags
    assert any(f["text"] == "政务公开" for f in seen), "navigation links are reached by keyboard"


def test_elder_mode_enlarges_text_and_is_remembered(page: Any, shell_url: str) -> None:
    page.goto(shell_url + "/")
    before = font_size(page)
    colour_before = page.eval_on_selector("body", "el => getComputedStyle(el).color")
    switch = page.get_by_role("button", name="长者模式")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    after = font_size(page)
    assert after >= 20
    assert after > before
    assert page.eval_on_selector("body", "el => getComputedStyle(el).color") != colour_before  # higher contrast
    # Another page, loaded from the server: already large on first paint.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="政务公开").click()
    page.wait_for_url("**/gk/")
    assert page.evaluate("document.documentElement.className") == "elder"
    assert font_size(page) >= 20
    assert font_size(page, "h1") > 24
    page.get_by_role("button", name="长者模式").click()
    page.reload()
    assert font_size(page) == before


def test_elder_mode_works_without_javascript(browser: Any, shell_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(shell_url + "/hd/")
        page.get_by_role("button", name="长者模式").click()
        page.wait_for_load_state()
        assert page.url == shell_url + "/hd/"
        assert font_size(page) >= 20
        assert page.get_by_role("button", name="长者模式").get_attribute("aria-pressed") == "true"
    finally:
        context.close()


@pytest.mark.parametrize("elder", [False, True])
def test_pages_fit_a_360_px_screen(browser: Any, shell_url: str, elder: bool) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    if elder:
        context.add_cookies([{"name": "gk_elder", "value": "1", "url": shell_url}])
    try:
        page = context.new_page()
        city = Organisation.objects.get(name="甲市人民政府")
        for path in [*PAGES, f"/gk/org/{city.pk}/", "/search/?q=" + "教" * 2000, "/no/such/page/"]:
            page.goto(shell_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path}: {width}px wide"
    finally:
        context.close()


@pytest.mark.parametrize("elder", [False, True])
def test_text_contrast_is_at_least_aa(page: Any, shell_url: str, elder: bool) -> None:
    if elder:
        page.context.add_cookies([{"name": "gk_elder", "value": "1", "url": shell_url}])
    for path in PAGES:
        page.goto(shell_url + path)
        assert page.evaluate(CONTRAST_JS) == [], path


def test_every_request_stays_on_the_platform(page: Any, shell_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in PAGES:
        page.goto(shell_url + path)
    assert requested
    outside = [url for url in requested if not url.startswith(shell_url)]
    assert outside == []
    assert any(url.endswith("/static/web/site.css") for url in requested)
    assert any(url.endswith("/static/web/site.js") for url in requested)


def test_screenshots_of_the_home_page(browser: Any, shell_url: str) -> None:
    for width, height in ((1280, 900), (360, 640)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(shell_url + "/")
            path = SCREENSHOTS / f"gongkai-home-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        finally:
            context.close()
