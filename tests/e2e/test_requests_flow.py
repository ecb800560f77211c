"""A request from the public form to the reply letter, in a real browser: the requester
fills in the form, reviews and confirms it and gets a tracking code; the officer finds it in
待办, replies, issues the reply letter and downloads it as .docx and PDF; the requester's
status page then says 已答复 and offers the letter. The pages fit a 360 px screen."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gongkai.core.models import Organisation, Role, User
from gongkai.core.tests.factories import PASSWORD, make_user
from gongkai.requests import services
from gongkai.requests.models import DisclosureRequest, Letter, PauseKind, RequestStatus
from gongkai.requests.tests.factories import ID

pytestmark = pytest.mark.e2e

OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
PHONE = "13812345678"
# Where the screenshots go (looked at by a person; not compared).
SCREENSHOTS = Path(os.environ.get("GONGKAI_SCREENSHOT_DIR", tempfile.gettempdir()))


@dataclass
class Desk:
    url: str
    body: Organisation
    officer: User


@pytest.fixture
def desk_site(transactional_db: None, live_server: Any, settings: Any, tmp_path: Path) -> Desk:
    from gongkai.core.models import AuditChainHead
    from gongkai.web.tests.factories import build_platform

    settings.MEDIA_ROOT = str(tmp_path / "media")
    # A transactional test flushes the tables afterwards, the audit chain's head with them.
    AuditChainHead.objects.get_or_create(pk=1)
    platform = build_platform()
    officer = make_user("jy_officer", org=platform.education, role=Role.OFFICE_OFFICER)
    return Desk(url=str(live_server.url), body=platform.education, officer=officer)


def _submit_public_form(page: Any, desk: Desk, *, double_click: bool = False) -> str:
    page.goto(f"{desk.url}/ysqgk/")
    with page.expect_navigation():
        page.get_by_role("link", name=desk.body.name, exact=True).click()
    assert "政府信息公开" in page.inner_text("h1")
    assert page.is_checked('input[name="requester_kind"][value="natural_person"]')
    page.fill("#id_requester_name", "王小明")
    page.fill("#id_id_number", ID)
    page.fill("#id_phone", PHONE)
    page.fill("#id_email", "wang@example.cn")
    page.fill("#id_description", "2026年甲市义务教育阶段学校招生计划")
    page.check('input[name="delivery_form"][value="electronic"]')
    page.check('input[name="delivery_way"][value="电子邮件"]')
    with page.expect_navigation():
        page.get_by_role("button", name="下一步：核对申请").click()
    main = page.inner_text("main")
    assert "核对申请内容" in main and "王小明" in main and "电子文本" in main
    assert not DisclosureRequest.objects.exists()  # nothing submitted before the confirmation
    if double_click:
        # A double submit: the same confirmation posted once more from this browser session (as a
        # resend after a lost response would), then the button double-clicked.
        token = page.input_value("input[name=csrfmiddlewaretoken]")
        key = page.input_value("input[name=idempotency_key]")
        action = page.eval_on_selector("#confirm-button", "b => b.form.action")
        first = page.request.post(
            action,
            form={"csrfmiddlewaretoken": token, "idempotency_key": key},
            headers={"Referer": page.url},
            max_redirects=0,
        )
        assert first.status == 302
        page.dblclick("#confirm-button")
        page.wait_for_selector("#tracking-code")
    else:
        with page.expect_navigation():
            page.click("#confirm-button")
    assert "申请已提交" in page.inner_text("h1")
    code = str(page.inner_text("#tracking-code")).strip()
    req = DisclosureRequest.objects.get()
    assert code == req.tracking_code
    assert req.due_on is not None and req.due_on.isoformat() in page.inner_text("main")
    return code


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    return Path(path).read_bytes()


def test_public_form_to_reply_letter_and_status(browser: Any, desk_site: Desk) -> None:
    requester = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    try:
        public = requester.new_page()
        code = _submit_public_form(public, desk_site)
        req = DisclosureRequest.objects.get()

        # The officer signs in, finds the request in 待办 and replies.
        desk = staff.new_page()
        desk.goto(f"{desk_site.url}/staff/login/?next=/staff/requests/inbox/")
        desk.fill("#id_username", desk_site.officer.username)
        desk.fill("#id_password", PASSWORD)
        with desk.expect_navigation():
            desk.press("#id_password", "Enter")
        assert req.number in desk.inner_text("main")
        with desk.expect_navigation():
            desk.get_by_role("link", name=req.number).click()
        assert "王小明" in desk.inner_text("main")  # the body's handler sees the requester in full
        desk.screenshot(path=str(SCREENSHOTS / "requests-desk-detail.png"), full_page=True)
        desk.select_option("#id_reply-result_code", "disclosed")
        with desk.expect_navigation():
            desk.click("#reply-button")
        assert "已登记答复" in desk.inner_text("main")
        assert desk.inner_text("#request-status").strip() == "已答复"

        # The reply letter, issued and downloaded in both formats.
        desk.select_option("#id_letter-kind", "reply")
        with desk.expect_navigation():
            desk.click("#letter-button")
        letter = Letter.objects.get(request=req)
        assert letter.number in desk.inner_text("main")
        assert _download(desk, "a.letter-docx").startswith(b"PK")
        assert _download(desk, "a.letter-pdf").startswith(b"%PDF")

        # The requester looks the request up with the code and the phone number.
        public.goto(f"{desk_site.url}/ysqgk/status/")
        public.fill("#id_tracking_code", code)
        public.fill("#id_contact", PHONE)
        with public.expect_navigation():
            public.get_by_role("button", name="查询").click()
        assert public.inner_text("#request-status").strip() == "已答复"
        assert letter.number in public.inner_text("main")
        assert "王小明" not in public.inner_text("main")
        assert _download(public, f"a[href$='/letters/{letter.pk}.pdf']").startswith(b"%PDF")
        assert _download(public, f"a[href$='/letters/{letter.pk}.docx']").startswith(b"PK")
        req.refresh_from_db()
        assert req.status == RequestStatus.REPLIED
    finally:
        requester.close()
        staff.close()


def test_a_double_click_on_confirm_makes_one_request(page: Any, desk_site: Desk) -> None:
    code = _submit_public_form(page, desk_site, double_click=True)
    assert DisclosureRequest.objects.count() == 1
    assert DisclosureRequest.objects.get().tracking_code == code


def test_the_requester_withdraws_from_the_status_page(page: Any, desk_site: Desk) -> None:
    code = _submit_public_form(page, desk_site)
    page.goto(f"{desk_site.url}/ysqgk/status/")
    page.fill("#id_tracking_code", code)
    page.fill("#id_contact", PHONE)
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    page.get_by_text("不再需要该信息？").click()
    page.fill("#id_contact", "wang@example.cn")
    page.check("#id_confirm")
    with page.expect_navigation():
        page.click("#withdraw-button")
    assert page.inner_text("#request-status").strip() == "已撤回"
    assert "您的申请已撤回" in page.inner_text("main")
    assert DisclosureRequest.objects.get().status == RequestStatus.WITHDRAWN


def test_a_bad_id_number_is_explained_next_to_the_field(page: Any, desk_site: Desk) -> None:
    page.goto(f"{desk_site.url}/ysqgk/{desk_site.body.pk}/")
    page.fill("#id_requester_name", "王小明")
    page.fill("#id_id_number", ID[:-1] + ("0" if ID[-1] != "0" else "1"))
    page.fill("#id_phone", PHONE)
    page.fill("#id_address", "甲市人民路2号")
    page.fill("#id_description", "某项信息")
    with page.expect_navigation():
        page.get_by_role("button", name="下一步：核对申请").click()
    described = page.get_attribute("#id_id_number", "aria-describedby") or ""
    assert "id_id_number_error" in described.split()
    assert "校验位" in page.inner_text("#id_id_number_error")
    assert page.get_attribute("#id_id_number", "aria-invalid") == "true"
    assert not DisclosureRequest.objects.exists()


ACTIVE_JS = "() => ({id: document.activeElement.id, text: (document.activeElement.textContent || '').trim()})"
FOCUS_STYLE_JS = (
    "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
)


def test_the_form_is_filled_in_and_confirmed_with_the_keyboard(page: Any, desk_site: Desk) -> None:
    page.goto(f"{desk_site.url}/ysqgk/{desk_site.body.pk}/")
    page.focus("#id_requester_name")
    page.keyboard.type("王小明")
    for field, text in (("#id_id_number", ID), ("#id_phone", PHONE), ("#id_address", "甲市人民路2号")):
        page.focus(field)
        page.keyboard.type(text)
    page.focus("#id_description")
    page.keyboard.type("2026年甲市义务教育阶段学校招生计划")
    # Tab on to the radio group of the delivery form and choose 电子文本 with the arrow keys.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_JS)["id"] == "id_delivery_form_0":
            break
    outline_style, outline_width = page.evaluate(FOCUS_STYLE_JS)
    assert outline_style != "none" and float(outline_width.removesuffix("px")) >= 2  # visible focus
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#id_delivery_form_1")
    for _ in range(20):
        page.keyboard.press("Tab")
        if "下一步" in page.evaluate(ACTIVE_JS)["text"]:
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_JS)["id"] == "confirm-button":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "申请已提交" in page.inner_text("h1")
    assert DisclosureRequest.objects.get().delivery_form == "electronic"


def test_request_pages_fit_a_360_px_screen(browser: Any, desk_site: Desk) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        page = context.new_page()
        code = _submit_public_form(page, desk_site)
        req = DisclosureRequest.objects.get()
        for path in ["/ysqgk/", f"/ysqgk/{desk_site.body.pk}/", f"/ysqgk/receipt/{req.pk}/", "/ysqgk/status/"]:
            response = page.goto(f"{desk_site.url}{path}")
            assert response is not None and response.status == 200, path
            assert page.evaluate(OVERFLOW_JS) <= 0, path
        page.goto(f"{desk_site.url}/ysqgk/{desk_site.body.pk}/")
        page.screenshot(path=str(SCREENSHOTS / "requests-public-form-360.png"), full_page=True)
        # The status page with the withdrawal form unfolded.
        page.goto(f"{desk_site.url}/ysqgk/status/")
        page.fill("#id_tracking_code", code)
        page.fill("#id_contact", PHONE)
        with page.expect_navigation():
            page.get_by_role("button", name="查询").click()
        page.get_by_text("不再需要该信息？").click()
        assert page.is_visible("#withdraw-button")
        assert page.evaluate(OVERFLOW_JS) <= 0, "status page"
        # A consultation under way: its own timer shows on the desk page.
        services.request_pause(
            actor=desk_site.officer, request=req, kind=PauseKind.OTHER_BODY, started_on=req.received_on
        )
        page.goto(f"{desk_site.url}/staff/login/")
        page.fill("#id_username", desk_site.officer.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")
        for path in [
            "/staff/requests/",
            "/staff/requests/inbox/",
            "/staff/requests/overdue/",
            "/staff/requests/new/",
            "/staff/requests/ledger/",
            f"/staff/requests/{req.pk}/",
        ]:
            response = page.goto(f"{desk_site.url}{path}")
            assert response is not None and response.status == 200, path
            assert page.evaluate(OVERFLOW_JS) <= 0, path
        assert "征求意见期限" in page.inner_text("main")
    finally:
        context.close()
