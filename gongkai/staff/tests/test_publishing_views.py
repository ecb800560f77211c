"""The publishing pages of the staff workspace, driven through the HTTP client as the
people of a 编审发 chain use them: every transition goes through the real services."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core import services as core_services
from gongkai.core.models import AuditRecord, Notification, Role, User
from gongkai.core.tests.factories import make_user
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing import attachments, services
from gongkai.publishing.models import Attachment, CatalogColumn, ColumnKey, InfoItem, ItemState, ReviewAction
from gongkai.publishing.tests.factories import Desk, approve_all, draft, make_desk, published
from gongkai.publishing.tests.samples import docx_bytes, pdf_bytes


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run on-commit work (notifications) at once, as each committed request would; the
    test's own transaction never commits."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def desk(tree: Tree) -> Desk:
    """达川区: its catalog and an editor with the three reviewers."""
    return make_desk(tree.dachuan, "dc")


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def page(client: Client, user: User, name: str, *args: Any, **query: Any) -> str:
    response = as_user(client, user).get(reverse(name, args=args), query)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def post(client: Client, user: User, name: str, pk: int, data: dict[str, Any] | None = None) -> Any:
    return as_user(client, user).post(reverse(name, args=[pk]), data or {})


def todo_titles(client: Client, user: User) -> str:
    body = page(client, user, "staff:todo")
    return body.split('id="todo-notes"')[0]


def fresh(item: InfoItem) -> InfoItem:
    return InfoItem.objects.get(pk=item.pk)


def form_data(column: CatalogColumn, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "关于2026年冬季供暖的通知",
        "column": column.pk,
        "formed_on": timezone.localdate().isoformat(),
        "doc_number": "达川府办发[2026]15号",
        "validity": "in_force",
        "disclosure_mode": "proactive",
        "scope": "public",
        "body_html": "<p>各乡镇人民政府：</p><p>供暖自11月15日开始。</p>",
    }
    data.update(overrides)
    return data


# --- the whole chain ---------------------------------------------------------------------


def test_three_stage_review_from_draft_to_publication(client: Client, desk: Desk) -> None:
    # The drafter writes the item in the workspace.
    response = as_user(client, desk.editor).post(
        reverse("staff:item_create") + f"?org={desk.org.pk}", form_data(desk.column)
    )
    assert response.status_code == 302
    item = InfoItem.objects.get(title="关于2026年冬季供暖的通知")
    assert response["Location"] == reverse("staff:item_detail", args=[item.pk])
    assert item.doc_number == "达川府办发〔2026〕15号"
    assert item.created_by == desk.editor and item.state == ItemState.DRAFT
    assert item.title in page(client, desk.editor, "staff:my_drafts")
    assert item.title not in todo_titles(client, desk.first)

    assert post(client, desk.editor, "staff:item_submit", item.pk).status_code == 302
    assert fresh(item).state == ItemState.IN_REVIEW
    assert Notification.objects.filter(user=desk.first, message=f"待初审：{item.title}").exists()
    assert item.title in todo_titles(client, desk.first)
    for waiting in (desk.second, desk.final, desk.editor):
        assert item.title not in todo_titles(client, waiting)
    assert item.title not in page(client, desk.editor, "staff:my_drafts")

    # Stage 1: the 保密审查 box is required.
    detail = page(client, desk.first, "staff:item_detail", item.pk)
    assert 'name="approve-confidentiality_attested"' in detail
    refused = post(client, desk.first, "staff:item_approve", item.pk, {"approve-comment": "同意"})
    assert refused.status_code == 200
    assert "初审须确认已进行保密审查（条例第十七条）。" in refused.content.decode()
    assert 'aria-invalid="true"' in refused.content.decode()
    assert fresh(item).review_stage == 1
    ok = post(client, desk.first, "staff:item_approve", item.pk, {"approve-confidentiality_attested": "on"})
    assert ok.status_code == 302
    assert fresh(item).review_stage == 2
    assert item.title not in todo_titles(client, desk.first)
    assert item.title in todo_titles(client, desk.second)
    assert Notification.objects.filter(user=desk.second, message=f"待复审：{item.title}").exists()

    # Stage 2 has no attestation box.
    assert "confidentiality_attested" not in page(client, desk.second, "staff:item_detail", item.pk)
    assert post(client, desk.second, "staff:item_approve", item.pk).status_code == 302
    assert item.title not in todo_titles(client, desk.second)
    assert item.title in todo_titles(client, desk.final)
    assert item.title in page(client, desk.final, "staff:review_queue", 3)
    assert item.title not in page(client, desk.final, "staff:review_queue", 1)

    assert post(client, desk.final, "staff:item_approve", item.pk).status_code == 302
    assert fresh(item).state == ItemState.APPROVED
    final_todo = todo_titles(client, desk.final)
    assert item.title in final_todo and "已通过审核，待发布" in final_todo
    assert Notification.objects.filter(user=desk.final, message=f"待发布：{item.title}").exists()

    assert post(client, desk.final, "staff:item_publish", item.pk, {"publish-when": "now"}).status_code == 302
    item = fresh(item)
    assert item.state == ItemState.PUBLISHED and item.is_live and item.index_number
    for person in (desk.editor, desk.first, desk.second, desk.final):
        assert item.title not in todo_titles(client, person)
    assert Notification.objects.filter(user=desk.editor, message=f"已发布：{item.title}").exists()

    decisions = list(ReviewAction.objects.filter(item=item).values_list("decision", "stage", "actor__username"))
    assert decisions == [
        ("submit", 1, "dc_editor"),
        ("approve", 1, "dc_first"),
        ("approve", 2, "dc_second"),
        ("approve", 3, "dc_final"),
        ("publish", 0, "dc_final"),
    ]
    audited = list(
        AuditRecord.objects.filter(object_id=str(item.pk), action__startswith="item.").values_list("action", flat=True)
    )
    assert audited == ["item.create", "item.submit", "item.approve", "item.approve", "item.approve", "item.publish"]
    history = page(client, desk.editor, "staff:item_detail", item.pk)
    assert "dc_first" in history and "已确认" in history


def test_notifications_are_marked_read_by_their_owner_only(client: Client, desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    note = Notification.objects.get(user=desk.first)
    assert f"待初审：{item.title}" in page(client, desk.first, "staff:todo")
    # Someone else's notification is untouched.
    as_user(client, desk.second).post(reverse("staff:notification_read", args=[note.pk]))
    assert Notification.objects.get(pk=note.pk).read_at is None
    response = as_user(client, desk.first).post(reverse("staff:notification_read", args=[note.pk]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert "没有未读提醒" in page(client, desk.first, "staff:todo")
    for title in ("第二条", "第三条"):
        services.item_submit(actor=desk.editor, item=draft(desk, title))
    untouched = Notification.objects.create(user=desk.second, message="别人的提醒")
    response = as_user(client, desk.first).post(reverse("staff:notifications_read_all"), follow=True)
    assert "已将 2 条提醒标为已读。" in response.content.decode()
    assert not Notification.objects.filter(user=desk.first, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=untouched.pk).read_at is None


def test_posts_need_the_csrf_token(desk: Desk) -> None:
    item = draft(desk)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(desk.editor)
    assert strict.post(reverse("staff:item_submit", args=[item.pk])).status_code == 403
    assert fresh(item).state == ItemState.DRAFT
    body = strict.get(reverse("staff:item_detail", args=[item.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    response = strict.post(reverse("staff:item_submit", args=[item.pk]), {"csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    assert fresh(item).state == ItemState.IN_REVIEW


def test_rejection_returns_to_the_drafter_with_the_comment(client: Client, desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    empty = post(client, desk.second, "staff:item_reject", item.pk, {"reject-comment": "  "})
    assert "退回时请填写退回意见。" in empty.content.decode()
    assert fresh(item).state == ItemState.IN_REVIEW
    response = post(client, desk.second, "staff:item_reject", item.pk, {"reject-comment": "请补充供暖收费标准"})
    assert response.status_code == 302
    assert fresh(item).state == ItemState.REJECTED
    drafter_todo = todo_titles(client, desk.editor)
    assert item.title in drafter_todo and "已退回" in drafter_todo
    assert item.title not in todo_titles(client, desk.second)
    detail = page(client, desk.editor, "staff:item_detail", item.pk)
    assert "退回意见" in detail and "请补充供暖收费标准" in detail
    assert f'action="/staff/items/{item.pk}/submit/"' in detail
    assert Notification.objects.filter(user=desk.editor, message__contains="请补充供暖收费标准").exists()
    assert item.title in page(client, desk.editor, "staff:my_drafts")


def test_nobody_approves_their_own_draft(client: Client, desk: Desk) -> None:
    core_services.role_grant(actor=None, user=desk.editor, organisation=desk.org, role=Role.REVIEWER_FIRST)
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    detail = page(client, desk.editor, "staff:item_detail", item.pk)
    assert "不能审核自己起草或最后修改的信息。" in detail
    assert 'name="approve-confidentiality_attested"' not in detail
    assert item.title not in todo_titles(client, desk.editor)
    response = post(client, desk.editor, "staff:item_approve", item.pk, {"approve-confidentiality_attested": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "不能审核自己起草或最后修改的信息。" in body
    assert fresh(item).review_stage == 1
    assert not ReviewAction.objects.filter(item=item, decision="approve").exists()


def test_one_person_never_passes_two_stages(client: Client, desk: Desk) -> None:
    core_services.role_grant(actor=None, user=desk.first, organisation=desk.org, role=Role.REVIEWER_SECOND)
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    post(client, desk.first, "staff:item_approve", item.pk, {"approve-confidentiality_attested": "on"})
    assert fresh(item).review_stage == 2
    assert item.title not in todo_titles(client, desk.first)
    assert "同一人不能办理同一信息的两个审核环节。" in page(client, desk.first, "staff:review_queue", 2)
    response = post(client, desk.first, "staff:item_approve", item.pk)
    assert response.status_code == 200
    assert "同一人不能办理同一信息的两个审核环节。" in response.content.decode()
    assert fresh(item).review_stage == 2


def test_wrong_stage_role_sees_no_form_and_is_refused(client: Client, desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    assert "approve-button" not in page(client, desk.second, "staff:item_detail", item.pk)
    response = post(client, desk.second, "staff:item_approve", item.pk, {"approve-confidentiality_attested": "on"})
    assert "第1审核环节由初审办理" in response.content.decode()
    assert fresh(item).review_stage == 1


ACTIONS = ("submit", "approve", "reject", "publish", "emergency_publish", "post_review", "withdraw", "attachment")


# --- organisation scope ---------------------------------------------------------------------


def test_a_tongchuan_editor_never_reaches_dachuan_items(
    client: Client, tree: Tree, desk: Desk, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.catalog_ensure(actor=None, organisation=tree.tongchuan)
    tc_column = CatalogColumn.objects.get(organisation=tree.tongchuan, key=ColumnKey.OTHER_DOCS)
    long_ago = timezone.localdate() - timedelta(days=60)
    own = services.item_create(
        actor=tree.tc_editor,
        organisation=tree.tongchuan,
        column=tc_column,
        title="通川区自己的信息",
        formed_on=long_ago,
    )
    waiting = draft(desk, "达川区草稿信息", formed_on=long_ago)
    live = published(desk, "达川区已发布信息")
    services.item_update(actor=desk.editor, item=live, body_html="<p>修订稿</p>")
    in_review = draft(desk, "达川区审核中信息")
    services.item_submit(actor=desk.editor, item=in_review)
    attached = attachments.attachment_add(actor=desk.editor, item=waiting, upload=("通知.pdf", pdf_bytes()))
    tc_first = make_user("tc_first", org=tree.tongchuan, role=Role.REVIEWER_FIRST, descendants=True)
    services.item_submit(actor=tree.tc_editor, item=own)

    tc = as_user(client, tree.tc_editor)
    for item in (waiting, live, in_review):
        for name, args in [
            ("staff:item_detail", [item.pk]),
            ("staff:item_edit", [item.pk]),
            ("staff:item_version", [item.pk, 1]),
            ("staff:attachment_download", [item.pk, attached.pk]),
        ]:
            assert tc.get(reverse(name, args=args)).status_code == 404, name
        assert tc.post(reverse("staff:attachment_remove", args=[item.pk, attached.pk])).status_code == 404
        for action in ACTIONS:
            response = tc.post(
                reverse(f"staff:item_{action}", args=[item.pk]),
                {"reject-comment": "x", "emergency-reason": "x", "withdraw-reason": "x", "publish-when": "now"},
            )
            assert response.status_code == 404, action
        assert tc.post(reverse("staff:item_edit", args=[item.pk]), form_data(desk.column)).status_code == 404
    assert fresh(waiting).state == ItemState.DRAFT and fresh(live).is_live
    assert fresh(in_review).review_stage == 1
    assert Attachment.objects.filter(pk=attached.pk).exists()
    # Creating in 达川区 is refused as well.
    assert tc.get(reverse("staff:item_create"), {"org": desk.org.pk}).status_code == 404
    assert tc.post(reverse("staff:item_create") + f"?org={desk.org.pk}", form_data(desk.column)).status_code == 404

    month = timezone.localdate().strftime("%Y-%m")
    pages = [
        page(client, tree.tc_editor, "staff:item_list"),
        page(client, tree.tc_editor, "staff:item_list", org=desk.org.pk),
        page(client, tree.tc_editor, "staff:my_drafts"),
        page(client, tree.tc_editor, "staff:todo"),
        page(client, tree.tc_editor, "staff:review_queue", 1),
        page(client, tree.tc_editor, "staff:publishing_calendar", month=month),
        page(client, tree.tc_editor, "staff:timeliness"),
    ]
    reviewer_pages = [page(client, tc_first, "staff:todo"), page(client, tc_first, "staff:review_queue", 1)]
    for body in pages + reviewer_pages:
        assert "达川区" not in body
    # The pages do show what is in scope, so the check above could fail.
    assert own.title in pages[0] and own.title in pages[6]
    assert all(own.title in body for body in reviewer_pages)
    assert live.title in page(client, desk.final, "staff:publishing_calendar", month=month)
    assert waiting.title in page(client, desk.final, "staff:timeliness")


# --- editing and the diff -------------------------------------------------------------------


def test_editing_a_published_item_shows_the_diff_and_keeps_the_live_content(client: Client, desk: Desk) -> None:
    item = published(
        desk,
        "达川区2026年秋季征兵公告",
        body_html="<p>一、征集对象</p><p>年满18周岁的男性公民。</p><p>二、报名时间</p><p>9月1日至9月30日。</p>",
    )
    edit_page = page(client, desk.editor, "staff:item_edit", item.pk)
    assert "达川区2026年秋季征兵公告" in edit_page and "已发布" in edit_page
    data = form_data(
        desk.column,
        title="达川区2026年秋季征兵公告（修订）",
        doc_number="",
        formed_on=fresh(item).formed_on.isoformat(),
        validity=fresh(item).validity,
        body_html="<p>一、征集对象</p><p>年满18周岁的男性公民。</p><p>二、报名时间</p><p>9月1日至10月15日。</p>",
    )
    response = as_user(client, desk.editor).post(reverse("staff:item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    live = fresh(item)
    assert live.title == "达川区2026年秋季征兵公告" and live.is_live  # the public still sees the old content
    assert live.state == ItemState.DRAFT

    detail = page(client, desk.first, "staff:item_detail", item.pk)
    diff = detail.split('id="item-diff"')[1].split('id="item-content"')[0]
    assert re.search(r"<del>.*9月1日至9月30日。</del>", diff)
    assert re.search(r"<ins>.*9月1日至10月15日。</ins>", diff)
    assert "一、征集对象" not in diff  # unchanged lines beyond the context are left out
    assert "年满18周岁的男性公民。" in diff  # context line
    assert re.search(r"<ins>.*达川区2026年秋季征兵公告（修订）</ins>", diff)
    assert "发布版本（第1版）" in diff and "工作稿（第2版）" in diff

    version = page(client, desk.editor, "staff:item_version", item.pk, 2)
    assert "与第1版相比" in version and "9月1日至10月15日。" in version
    assert as_user(client, desk.editor).get(reverse("staff:item_version", args=[item.pk, 9])).status_code == 404


def test_form_errors_are_in_chinese_and_linked_to_their_fields(client: Client, desk: Desk) -> None:
    url = reverse("staff:item_create") + f"?org={desk.org.pk}"
    response = as_user(client, desk.editor).post(
        url,
        form_data(
            desk.column,
            title="",
            doc_number="没有年份",
            scope="limited",
            body_html="<p onclick='x()'>正文</p>",
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "标题不能为空。" in body
    assert "限定范围公开须写明公开对象。" in body
    assert "正文含有脚本" in body
    assert 'id="id_title_error"' in body and re.search(r'aria-describedby="[^"]*\bid_title_error"', body)
    assert 'href="#id_scope_groups"' in body
    assert not InfoItem.objects.exists()


def test_an_item_under_review_cannot_be_edited(client: Client, desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    response = as_user(client, desk.editor).get(reverse("staff:item_edit", args=[item.pk]), follow=True)
    assert "该信息审核中，不能修改。" in response.content.decode()
    assert page(client, desk.first, "staff:item_detail", item.pk)
    assert as_user(client, desk.first).get(reverse("staff:item_edit", args=[item.pk])).status_code == 403


def test_unchanged_edit_saves_no_version(client: Client, desk: Desk) -> None:
    item = draft(desk, body_html="<p>正文</p>")
    data = form_data(
        desk.column, title=item.title, doc_number="", formed_on=item.formed_on.isoformat(), validity="not_applicable"
    )
    data["body_html"] = "<p>正文</p>"
    response = as_user(client, desk.editor).post(reverse("staff:item_edit", args=[item.pk]), data, follow=True)
    assert "内容没有变化" in response.content.decode()
    assert item.versions.count() == 1


def test_body_from_a_word_document_and_attachments(client: Client, desk: Desk, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the uploads stay out of the project's var/
    upload = SimpleUploadedFile("关于冬季供暖的通知.docx", docx_bytes())
    data = form_data(desk.column, title="", body_html="")
    data["docx"] = upload
    response = as_user(client, desk.editor).post(reverse("staff:item_create") + f"?org={desk.org.pk}", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = InfoItem.objects.get(title="关于冬季供暖的通知")
    assert "现将有关事项通知如下" in item.body_text
    original = Attachment.objects.get(item=item, is_original=True)

    pdf = SimpleUploadedFile("附件1.pdf", pdf_bytes())
    added = as_user(client, desk.editor).post(reverse("staff:item_attachment", args=[item.pk]), {"file": pdf})
    assert added.status_code == 302
    attached = Attachment.objects.get(item=item, original_name="附件1.pdf")
    download = client.get(reverse("staff:attachment_download", args=[item.pk, attached.pk]))
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]

    fake = SimpleUploadedFile("假的.pdf", b"not a pdf at all")
    refused = as_user(client, desk.editor).post(reverse("staff:item_attachment", args=[item.pk]), {"file": fake})
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert Attachment.objects.filter(item=item).count() == 2

    removed = as_user(client, desk.editor).post(reverse("staff:attachment_remove", args=[item.pk, original.pk]))
    assert removed.status_code == 302
    assert not Attachment.objects.filter(pk=original.pk).exists()


# --- emergency publication, withdrawal, scheduling -------------------------------------------


def test_emergency_publication_waits_for_someone_elses_post_review(client: Client, desk: Desk) -> None:
    item = draft(desk, "达川区暴雨红色预警")
    refused = post(client, desk.final, "staff:item_emergency_publish", item.pk, {"emergency-reason": ""})
    assert "紧急发布须写明理由。" in refused.content.decode()
    response = post(client, desk.final, "staff:item_emergency_publish", item.pk, {"emergency-reason": "汛情紧急"})
    assert response.status_code == 302
    assert fresh(item).emergency_pending and fresh(item).is_live
    assert "紧急发布，待补审" in todo_titles(client, desk.first)
    assert item.title not in todo_titles(client, desk.final)
    missing = post(client, desk.first, "staff:item_post_review", item.pk)
    assert "补审须确认已进行保密审查" in missing.content.decode()
    done = post(client, desk.first, "staff:item_post_review", item.pk, {"post_review-confidentiality_attested": "on"})
    assert done.status_code == 302
    assert not fresh(item).emergency_pending
    assert item.title not in todo_titles(client, desk.first)


def test_withdrawal_needs_a_reason(client: Client, desk: Desk) -> None:
    item = published(desk)
    assert "撤稿须写明理由。" in post(client, desk.final, "staff:item_withdraw", item.pk).content.decode()
    assert fresh(item).is_live
    post(client, desk.final, "staff:item_withdraw", item.pk, {"withdraw-reason": "内容有误"})
    assert not fresh(item).is_live and fresh(item).withdrawn_reason == "内容有误"


def test_scheduled_publication_is_on_the_calendar(client: Client, desk: Desk) -> None:
    item = approve_all(desk, draft(desk, "冬季供暖安排通知"))
    at = timezone.localtime() + timedelta(days=3)
    missing = post(client, desk.final, "staff:item_publish", item.pk, {"publish-when": "scheduled"})
    assert "请填写定时发布时间。" in missing.content.decode()
    response = post(
        client,
        desk.final,
        "staff:item_publish",
        item.pk,
        {"publish-when": "scheduled", "publish-at": at.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert fresh(item).published_at is not None
    body = page(client, desk.editor, "staff:publishing_calendar", month=at.strftime("%Y-%m"))
    day = body.split(f'datetime="{at.date().isoformat()}"')[1].split("</li>\n")[0]
    assert "定时" in day and item.title in day
    other = (at + timedelta(days=40)).strftime("%Y-%m")
    assert item.title not in page(client, desk.editor, "staff:publishing_calendar", month=other)
    # A nonsense month falls back to the current one.
    assert page(client, desk.editor, "staff:publishing_calendar", month="2026-13")


@time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_timeliness_counts_late_and_due_soon_per_body(client: Client, tree: Tree, desk: Desk) -> None:
    late = draft(desk, "已超期的信息", formed_on=date(2026, 9, 27))
    # 2026-10-31 + 20 working days = 2026-11-27: within 5 working days of 2026-11-26.
    soon = draft(desk, "即将到期的信息", formed_on=date(2026, 10, 31))
    far = draft(desk, "时间充裕的信息", formed_on=date(2026, 11, 25))
    on_request = draft(desk, "依申请公开的信息", formed_on=date(2026, 9, 27), disclosure_mode="on_request")
    done = published(desk, "已发布的信息", formed_on=date(2026, 9, 27))
    assert fresh(soon).due_on == date(2026, 11, 27)
    supervisor_page = page(client, tree.supervisor, "staff:timeliness")
    assert late.title in supervisor_page and soon.title in supervisor_page
    for absent in (far, done, on_request):
        assert absent.title not in supervisor_page
    summary = supervisor_page.split("<tbody>")[1].split("</tbody>")[0]
    assert re.search(rf"{tree.dachuan.name}</a></th><td>1</td><td>1</td>", summary)
    assert "已超期" in page(client, desk.editor, "staff:item_detail", late.pk)
    assert "即将到期" in page(client, desk.editor, "staff:item_detail", soon.pk)
    assert "超期发布" in page(client, desk.editor, "staff:item_detail", done.pk)


# --- lists and their query counts -------------------------------------------------------------


def test_item_list_filters_by_state_body_and_column(client: Client, tree: Tree, desk: Desk) -> None:
    a = draft(desk, "草稿甲")
    b = published(desk, "已发布乙")
    policy = CatalogColumn.objects.get(organisation=desk.org, key=ColumnKey.POLICY)
    c = services.item_create(
        actor=desk.editor, organisation=desk.org, column=policy, title="政策文件丙", formed_on=date(2026, 11, 2)
    )
    body = page(client, tree.supervisor, "staff:item_list", state="published")
    assert b.title in body and a.title not in body
    body = page(client, tree.supervisor, "staff:item_list", org=desk.org.pk, column=policy.pk)
    assert c.title in body and a.title not in body and b.title not in body
    body = page(client, tree.supervisor, "staff:item_list", org=tree.tongchuan.pk)
    assert "共 0 条" in body


def _many(desk: Desk, n: int) -> None:
    for i in range(n):
        item = draft(desk, f"批量信息{i}")
        if i % 3 == 0:
            services.item_submit(actor=desk.editor, item=item)
        elif i % 3 == 1:
            services.item_publish(actor=desk.final, item=approve_all(desk, item))


@pytest.mark.parametrize(
    ("name", "args", "query", "who", "limit"),
    [
        ("staff:item_list", [], {}, "supervisor", 9),
        ("staff:item_list", [], {"state": "draft"}, "supervisor", 9),
        ("staff:my_drafts", [], {}, "editor", 9),
        ("staff:todo", [], {}, "first", 9),
        ("staff:review_queue", [1], {}, "first", 10),
        ("staff:publishing_calendar", [], {}, "supervisor", 6),
        ("staff:timeliness", [], {}, "supervisor", 8),
    ],
)
def test_list_pages_have_a_fixed_query_count(
    client: Client,
    tree: Tree,
    desk: Desk,
    django_assert_max_num_queries: Callable[..., Any],
    name: str,
    args: list[int],
    query: dict[str, str],
    who: str,
    limit: int,
) -> None:
    user = {"supervisor": tree.supervisor, "editor": desk.editor, "first": desk.first}[who]
    as_user(client, user)
    _many(desk, 3)
    client.get(reverse(name, args=args), query)  # warm the session
    with django_assert_max_num_queries(limit):
        small = client.get(reverse(name, args=args), query).content.decode()
    _many(desk, 9)
    with django_assert_max_num_queries(limit):
        large = client.get(reverse(name, args=args), query).content.decode()
    assert len(large) > len(small)


def test_item_page_has_a_fixed_query_count(
    client: Client, desk: Desk, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    item = published(desk)
    services.item_update(actor=desk.editor, item=item, body_html="<p>修订</p>")
    as_user(client, desk.final).get(reverse("staff:item_detail", args=[item.pk]))
    # 12 for the item, its versions and history; 2 for the screening panel (contents, findings).
    with django_assert_max_num_queries(14):
        client.get(reverse("staff:item_detail", args=[item.pk]))
    for n in range(5):
        services.item_update(actor=desk.editor, item=item, body_html=f"<p>修订{n}</p>")
    services.item_submit(actor=desk.editor, item=item)
    services.item_review(actor=desk.first, item=item, approve=False, comment="再改")
    with django_assert_max_num_queries(14):
        body = client.get(reverse("staff:item_detail", args=[item.pk])).content.decode()
    assert "第7版" in body and "再改" in body


def test_anonymous_users_are_sent_to_login(client: Client, desk: Desk) -> None:
    item = draft(desk)
    for url in [
        reverse("staff:todo"),
        reverse("staff:item_list"),
        reverse("staff:my_drafts"),
        reverse("staff:item_create"),
        reverse("staff:item_detail", args=[item.pk]),
        reverse("staff:review_queue", args=[1]),
        reverse("staff:publishing_calendar"),
        reverse("staff:timeliness"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("staff:login") in response["Location"]
    assert client.post(reverse("staff:item_submit", args=[item.pk])).status_code == 302
    assert fresh(item).state == ItemState.DRAFT


def test_a_user_without_drafting_rights_cannot_create(client: Client, tree: Tree, desk: Desk) -> None:
    response = as_user(client, desk.first).get(reverse("staff:item_create"))
    assert response.status_code == 403
    multi = make_user("two_bodies", org=tree.dachuan, role=Role.EDITOR)
    core_services.role_grant(actor=None, user=multi, organisation=tree.tongchuan, role=Role.EDITOR)
    chooser = page(client, multi, "staff:item_create")
    assert tree.dachuan.name in chooser and tree.tongchuan.name in chooser and tree.city.name not in chooser
    form = page(client, multi, "staff:item_create", org=desk.org.pk)
    assert "法定主动公开内容" in form  # the body's own catalog


def test_related_items_are_set_by_index_number_and_shown_publicly(client: Client, desk: Desk, tree: Tree) -> None:
    policy = published(desk, "达川区教育局关于义务教育招生的通知")
    reading = published(desk, "《关于义务教育招生的通知》政策解读")
    hidden = draft(desk, "尚未发布的草稿")
    url = reverse("staff:item_related", args=[reading.pk])
    as_user(client, desk.editor)
    refused = client.post(url, {"related-index_numbers": f"{policy.index_number}\n不存在的索引号"})
    assert "找不到索引号为 不存在的索引号 的信息" in refused.content.decode()
    assert not fresh(reading).related.exists()
    client.post(url, {"related-index_numbers": policy.index_number})
    assert list(fresh(reading).related.all()) == [policy]
    assert AuditRecord.objects.filter(action="item.set_related", object_id=str(reading.pk)).exists()
    assert hidden.index_number is None  # drafts have no index number, so they cannot be named
    public_page = client.get(f"/site/dachuan/gk/item/{reading.pk}/").content.decode()
    assert "达川区教育局关于义务教育招生的通知" in public_page
    as_user(client, tree.tc_editor)
    assert client.post(url, {"related-index_numbers": ""}).status_code == 404
