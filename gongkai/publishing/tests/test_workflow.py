"""The 编审发 / 三审 workflow: every rule holds in the services, whatever the path."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from gongkai.core import services as core_services
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Notification, Role
from gongkai.core.tests.factories import make_user
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing import selectors, services
from gongkai.publishing.models import InfoItem, ItemState, ItemVersion, ReviewAction
from gongkai.publishing.tests.factories import Desk, approve_all, draft, make_desk, published


@pytest.fixture
def desk(tree: Tree) -> Desk:
    tree.dachuan_dept.index_code = "511703002"
    tree.dachuan_dept.save()
    return make_desk(tree.dachuan_dept, "dc")


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run on-commit work (notifications, events) at once, as each committed request
    would; the test's own transaction never commits."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def test_three_stages_then_publish_assigns_the_index_number(desk: Desk) -> None:
    item = draft(desk)
    assert item.state == ItemState.DRAFT and item.index_number is None
    services.item_submit(actor=desk.editor, item=item)
    assert Notification.objects.filter(user=desk.first, message__contains=item.title).exists()
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    assert Notification.objects.filter(user=desk.second).exists()
    services.item_review(actor=desk.second, item=item, approve=True)
    item = services.item_review(actor=desk.final, item=item, approve=True)
    assert item.state == ItemState.APPROVED
    assert item not in selectors.public_items()
    item = services.item_publish(actor=desk.final, item=item)
    assert item.state == ItemState.PUBLISHED and item.is_live
    assert item.index_number == f"511703002/{timezone.localdate().year}-00001"
    assert item in selectors.public_items()
    actions = list(ReviewAction.objects.filter(item=item).values_list("decision", "stage"))
    assert actions == [("submit", 1), ("approve", 1), ("approve", 2), ("approve", 3), ("publish", 0)]
    assert ReviewAction.objects.get(item=item, stage=1, decision="approve").confidentiality_attested
    audited = set(AuditRecord.objects.filter(object_id=str(item.pk)).values_list("action", flat=True))
    assert {"item.create", "item.submit", "item.approve", "item.publish"} <= audited


def test_nobody_approves_what_they_drafted(desk: Desk) -> None:
    core_services.role_grant(actor=None, user=desk.editor, organisation=desk.org, role=Role.REVIEWER_FIRST)
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    with pytest.raises(DomainError, match="不能审核自己起草或最后修改的信息"):
        services.item_review(actor=desk.editor, item=item, approve=True, confidentiality_attested=True)


def test_nobody_approves_what_they_edited_last(desk: Desk) -> None:
    core_services.role_grant(actor=None, user=desk.first, organisation=desk.org, role=Role.EDITOR)
    item = draft(desk)
    services.item_update(actor=desk.first, item=item, title="修改后的标题")
    services.item_submit(actor=desk.editor, item=item)
    with pytest.raises(DomainError, match="不能审核自己起草或最后修改的信息"):
        services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)


def test_one_person_never_passes_two_stages(desk: Desk) -> None:
    core_services.role_grant(actor=None, user=desk.first, organisation=desk.org, role=Role.REVIEWER_SECOND)
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    with pytest.raises(DomainError, match="同一人不能办理同一信息的两个审核环节"):
        services.item_review(actor=desk.first, item=item, approve=True)
    assert InfoItem.objects.get(pk=item.pk).review_stage == 2


def test_first_stage_requires_the_confidentiality_attestation(desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    with pytest.raises(DomainError, match="保密审查"):
        services.item_review(actor=desk.first, item=item, approve=True)


def test_wrong_role_for_the_stage_is_refused(desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    with pytest.raises(DomainError, match="第1审核环节由初审办理"):
        services.item_review(actor=desk.second, item=item, approve=True, confidentiality_attested=True)


def test_rejection_returns_to_the_drafter_and_a_new_round_starts(desk: Desk) -> None:
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    with pytest.raises(DomainError, match="退回意见"):
        services.item_review(actor=desk.second, item=item, approve=False)
    item = services.item_review(actor=desk.second, item=item, approve=False, comment="请补充附件")
    assert item.state == ItemState.REJECTED
    assert Notification.objects.filter(user=desk.editor, message__contains="请补充附件").exists()
    services.item_update(actor=desk.editor, item=item, body_html="<p>补充后的正文</p>")
    services.item_submit(actor=desk.editor, item=item)
    # A new round: the first reviewer of the earlier round may act again at stage 1.
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    assert InfoItem.objects.get(pk=item.pk).review_round == 2


def test_a_county_editor_cannot_draft_for_another_county(tree: Tree, desk: Desk) -> None:
    with pytest.raises(NotPermitted):
        services.item_create(
            actor=tree.tc_editor, organisation=desk.org, column=desk.column, title="越权", formed_on=date(2026, 1, 5)
        )


def test_scheduled_publication_stays_hidden_until_its_time(desk: Desk) -> None:
    item = approve_all(desk, draft(desk))
    at = timezone.now() + timedelta(days=2)
    item = services.item_publish(actor=desk.final, item=item, at=at)
    assert item.index_number is not None
    assert item not in selectors.public_items()
    with time_machine.travel(at + timedelta(minutes=1)):
        assert item in selectors.public_items()


def test_emergency_publish_needs_a_reason_and_a_later_review_by_someone_else(desk: Desk) -> None:
    item = draft(desk)
    with pytest.raises(DomainError, match="理由"):
        services.item_emergency_publish(actor=desk.final, item=item, reason=" ")
    with pytest.raises(DomainError, match="终审"):
        services.item_emergency_publish(actor=desk.first, item=item, reason="防汛预警")
    item = services.item_emergency_publish(actor=desk.final, item=item, reason="防汛预警")
    assert item.is_live and item.emergency_pending
    with pytest.raises(DomainError, match="发布人以外"):
        services.item_post_review(actor=desk.final, item=item, confidentiality_attested=True)
    item = services.item_post_review(actor=desk.second, item=item, confidentiality_attested=True)
    assert not item.emergency_pending


def test_withdrawal_takes_effect_at_once_and_needs_a_reason(desk: Desk) -> None:
    item = published(desk)
    with pytest.raises(DomainError, match="理由"):
        services.item_withdraw(actor=desk.final, item=item, reason="")
    services.item_withdraw(actor=desk.final, item=item, reason="内容有误")
    assert item not in selectors.public_items()
    assert InfoItem.objects.get(pk=item.pk).state == ItemState.WITHDRAWN


def test_revision_of_a_published_item_keeps_the_live_text_until_republished(desk: Desk) -> None:
    item = published(desk)
    number = item.index_number
    services.item_update(actor=desk.editor, item=item, body_html="<p>修订后的正文</p>")
    live = InfoItem.objects.get(pk=item.pk)
    assert live.is_live and "现将有关事项" in live.body_text
    assert "修订后的正文" in services.working_copy(live)["body_html"]
    approve_all(desk, live)
    republished = services.item_publish(actor=desk.final, item=live)
    assert republished.body_text == "修订后的正文"
    assert republished.index_number == number
    assert ItemVersion.objects.filter(item=item).count() == 2


def test_one_stage_body_needs_only_the_final_reviewer(desk: Desk) -> None:
    services.settings_update(
        actor=None, organisation=desk.org, stage_roles=["reviewer_final"], index_pattern="{code}/{yyyymm}-{serial}"
    )
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    item = services.item_review(actor=desk.final, item=item, approve=True, confidentiality_attested=True)
    assert item.state == ItemState.APPROVED
    item = services.item_publish(actor=desk.final, item=item)
    today = timezone.localdate()
    assert item.index_number == f"511703002/{today.year}{today.month:02d}-1"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"doc_number": "达市府办发2022年37号"}, "文号"),
        ({"body_html": '<p onmouseover="steal()">x</p>'}, "脚本"),
        ({"body_html": "<script>alert(1)</script>"}, "脚本"),
        ({"title": "  "}, "标题不能为空"),
        ({"validity": "eternal"}, "有效性"),
        ({"scope": "limited"}, "公开对象"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(desk: Desk, fields: dict[str, str], message: str) -> None:
    before = (InfoItem.objects.count(), AuditRecord.objects.count())
    with pytest.raises(DomainError, match=message):
        draft(desk, **fields)
    assert (InfoItem.objects.count(), AuditRecord.objects.count()) == before


def test_column_of_another_body_is_refused(tree: Tree, desk: Desk) -> None:
    other = make_desk(tree.tongchuan_dept, "tcd")
    with pytest.raises(DomainError, match="不属于"):
        services.item_create(
            actor=desk.editor, organisation=desk.org, column=other.column, title="x", formed_on=date(2026, 1, 5)
        )


def test_document_number_variants_are_stored_normalised(desk: Desk) -> None:
    a = draft(desk, doc_number="达市府办发[2022]37号")
    b = draft(desk, doc_number="达市府办发（２０２２）３７号")
    assert a.doc_number == b.doc_number == "达市府办发〔2022〕37号"
    assert (a.doc_issuer, a.doc_year, a.doc_serial) == ("达市府办发", 2022, 37)
    assert a.doc_number_key == b.doc_number_key


def test_article_26_due_date_counts_twenty_working_days(desk: Desk) -> None:
    item = draft(desk, formed_on=date(2025, 9, 25))
    assert item.due_on == date(2025, 10, 29)
    assert not item.due_provisional


def test_calendar_override_moves_open_due_dates(desk: Desk) -> None:
    item = draft(desk, formed_on=date(2026, 12, 20))
    assert item.due_provisional
    core_services.calendar_override_set(
        actor=None, day=date(2027, 1, 1), kind="holiday", name="元旦", source_notice="国务院办公厅通知"
    )
    item.refresh_from_db()
    assert item.due_on == date(2027, 1, 18)
    assert not item.due_provisional


def test_reviewers_of_a_parent_body_with_descendants_act_on_its_departments(tree: Tree) -> None:
    desk = make_desk(tree.dachuan_town, "town")
    county_first = make_user("county_first", org=tree.dachuan, role=Role.REVIEWER_FIRST, descendants=True)
    item = draft(desk)
    services.item_submit(actor=desk.editor, item=item)
    assert Notification.objects.filter(user=county_first).exists()
    services.item_review(actor=county_first, item=item, approve=True, confidentiality_attested=True)


def test_publish_time_in_the_past_is_refused(desk: Desk) -> None:
    item = approve_all(desk, draft(desk))
    with pytest.raises(DomainError, match="不能早于现在"):
        services.item_publish(actor=desk.final, item=item, at=datetime(2020, 1, 1, tzinfo=UTC))
