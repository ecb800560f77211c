"""The staff review chain in a real browser: a first-stage reviewer signs in through the
login form, finds the item in 待办 and approves it — 保密审查 box included — with the
keyboard alone; the workspace pages fit a 360 px screen."""

from dataclasses import dataclass
from typing import Any

import pytest

from gongkai.core.models import OrganisationKind
from gongkai.core.tests.factories import PASSWORD, make_org
from gongkai.publishing import services
from gongkai.publishing.models import InfoItem, ItemState
from gongkai.publishing.tests.factories import Desk, draft, make_desk

pytestmark = pytest.mark.e2e

ACTIVE_JS = "() => ({id: document.activeElement.id, text: (document.activeElement.textContent || '').trim()})"
FOCUS_STYLE_JS = (
    "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
)
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Chain:
    url: str
    desk: Desk
    item: InfoItem


@pytest.fixture
def chain(transactional_db: None, live_server: Any) -> Chain:
    from gongkai.core.models import AuditChainHead

    # A transactional test flushes the tables afterwards, the audit chain's head with them.
    AuditChainHead.objects.get_or_create(pk=1)
    org = make_org("达州市达川区人民政府", short_name="达川区", kind=OrganisationKind.GOVERNMENT)
    desk = make_desk(org, "dc")
    item = draft(desk, "关于2026年冬季供暖的通知")
    services.item_submit(actor=desk.editor, item=item)
    return Chain(url=str(live_server.url), desk=desk, item=item)


def tab_until(page: Any, wanted: Any, *, limit: int = 120) -> dict[str, str]:
    """Press Tab until `wanted(active element)` holds; the keyboard is the only input."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active: dict[str, str] = page.evaluate(ACTIVE_JS)
        if wanted(active):
            return active
    raise AssertionError(f"Tab never reached the wanted element (last: {active})")


def test_first_stage_reviewer_approves_with_the_keyboard_only(page: Any, chain: Chain) -> None:
    page.goto(f"{chain.url}/staff/login/?next=/staff/todo/")
    page.fill("#id_username", chain.desk.first.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/staff/todo/")
    assert chain.item.title in page.inner_text("main")

    # From 待办 to the item, then the attestation box and the approve button.
    tab_until(page, lambda a: a["text"] == chain.item.title)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/staff/items/{chain.item.pk}/")

    tab_until(page, lambda a: a["id"] == "id_approve-confidentiality_attested")
    outline_style, outline_width = page.evaluate(FOCUS_STYLE_JS)
    assert outline_style != "none" and float(outline_width.removesuffix("px")) >= 2  # visible focus
    page.keyboard.press("Space")
    assert page.is_checked("#id_approve-confidentiality_attested")
    tab_until(page, lambda a: a["id"] == "approve-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "已通过本环节审核" in page.inner_text("main")
    item = InfoItem.objects.get(pk=chain.item.pk)
    assert item.state == ItemState.IN_REVIEW and item.review_stage == 2
    assert item.review_actions.filter(actor=chain.desk.first, decision="approve", confidentiality_attested=True)


def test_workspace_pages_fit_a_360_px_screen(browser: Any, chain: Chain) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{chain.url}/staff/login/")
        page.fill("#id_username", chain.desk.editor.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")
        for path in [
            "/staff/todo/",
            "/staff/items/",
            "/staff/items/mine/",
            "/staff/items/new/",
            f"/staff/items/{chain.item.pk}/",
            "/staff/review/1/",
            "/staff/calendar/",
            "/staff/timeliness/",
        ]:
            response = page.goto(f"{chain.url}{path}")
            assert response is not None and response.status == 200, path
            assert page.evaluate(OVERFLOW_JS) <= 0, path
    finally:
        context.close()
