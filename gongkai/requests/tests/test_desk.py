"""Assignment, the 条例第三十五条 period and 条例第四十四条 release, through the services."""

import datetime as dt

import pytest

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Notification, Organisation, Role, User
from gongkai.core.tests.factories import make_org, make_user
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem, ItemState
from gongkai.publishing.services import catalog_ensure
from gongkai.requests import services
from gongkai.requests.models import DisclosureRequest, EventKind, RequestStatus, ResultCode

from .factories import ID, TODAY, desk, make_request

D = dt.date
pytestmark = pytest.mark.django_db


# --- assignment ---------------------------------------------------------------------------


def test_assign_to_a_handler_notifies_them(django_capture_on_commit_callbacks: object) -> None:
    org, officer, head = desk()
    colleague = make_user(org=org, role=Role.OFFICE_OFFICER)
    req = make_request(org, officer)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        req = services.request_assign(actor=head, request=req, assignee=colleague, version=req.version, today=TODAY)
    assert req.assignee == colleague
    assert req.version == 2
    assert req.events.filter(kind=EventKind.ASSIGNED).count() == 1
    note = Notification.objects.get()
    assert note.user == colleague and req.number in note.message
    record = AuditRecord.objects.filter(action="request.assign").latest("seq")
    assert record.changes == {"assignee_id": [None, colleague.pk]}


def test_assign_to_someone_without_request_handle_is_refused() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    editor = make_user(org=org, role=Role.EDITOR)
    other_body = make_user(org=make_org(), role=Role.OFFICE_OFFICER)
    for user in (editor, other_body):
        with pytest.raises(DomainError, match=r"不是.*承办人员"):
            services.request_assign(actor=officer, request=req, assignee=user, today=TODAY)
    req.refresh_from_db()
    assert req.assignee is None and req.version == 1


def test_an_officer_of_a_parent_body_with_descendants_may_be_assigned() -> None:
    parent = make_org()
    child = make_org(parent=parent)
    officer = make_user(org=child, role=Role.OFFICE_OFFICER)
    over = make_user(org=parent, role=Role.OFFICE_OFFICER, descendants=True)
    req = make_request(child, officer)
    assert services.request_assign(actor=officer, request=req, assignee=over, today=TODAY).assignee == over


def test_assign_needs_request_handle_and_a_current_version() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    stranger = make_user(org=make_org(), role=Role.OFFICE_HEAD)
    with pytest.raises(NotPermitted):
        services.request_assign(actor=stranger, request=req, assignee=officer, today=TODAY)
    with pytest.raises(DomainError, match="已被他人修改"):
        services.request_assign(actor=officer, request=req, assignee=officer, version=0, today=TODAY)


def test_unassign_and_no_change() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_assign(actor=officer, request=req, assignee=officer, today=TODAY)
    with pytest.raises(DomainError, match="没有变化"):
        services.request_assign(actor=officer, request=req, assignee=officer, today=TODAY)
    assert services.request_assign(actor=officer, request=req, assignee=None, today=TODAY).assignee is None


def test_a_closed_request_cannot_be_assigned() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    services.request_reply(
        actor=officer, request=req, result_code=ResultCode.DISCLOSED, replied_on=D(2025, 10, 9), today=TODAY
    )
    with pytest.raises(DomainError, match="不能进行此操作"):
        services.request_assign(actor=officer, request=req, assignee=officer, today=TODAY)


# --- 条例第三十五条 -----------------------------------------------------------------------


def test_custom_period_by_the_office_head_recomputes_the_due_date() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)  # received 2025-09-25, due 2025-10-29
    req = services.request_set_custom_period(
        actor=head, request=req, days=40, reason="申请人一个月内提出同类申请30件", version=req.version, today=TODAY
    )
    assert req.custom_period == 40
    # 2025-10-29 is the 20th working day after 09-25; 20 more working days → 2025-11-26
    assert req.due_on == D(2025, 11, 26)
    event = req.events.get(kind=EventKind.CUSTOM_PERIOD_SET)
    assert event.days == 40 and "30件" in event.note
    record = AuditRecord.objects.filter(action="request.set_custom_period").latest("seq")
    assert record.changes["due_on"] == ["2025-10-29", "2025-11-26"]


def test_custom_period_needs_the_office_head() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    with pytest.raises(NotPermitted):
        services.request_set_custom_period(actor=officer, request=req, days=40, reason="量大", today=TODAY)


@pytest.mark.parametrize("days", [20, 0, -5, True, services.MAX_CUSTOM_PERIOD + 1])
def test_custom_period_must_be_longer_than_20_working_days(days: int) -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    with pytest.raises(DomainError, match="条例第三十五条"):
        services.request_set_custom_period(actor=head, request=req, days=days, reason="量大", today=TODAY)
    req.refresh_from_db()
    assert req.custom_period is None and req.due_on == D(2025, 10, 29)


def test_custom_period_needs_a_reason() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    with pytest.raises(DomainError, match="理由"):
        services.request_set_custom_period(actor=head, request=req, days=30, reason=" ", today=TODAY)


# --- 条例第四十四条 -----------------------------------------------------------------------


def _replied(result: str = ResultCode.DISCLOSED) -> tuple[Organisation, User, DisclosureRequest]:
    org, officer, _ = desk()
    catalog_ensure(actor=None, organisation=org)
    req = make_request(org, officer)
    req = services.request_reply(actor=officer, request=req, result_code=result, replied_on=D(2025, 10, 9), today=TODAY)
    return org, officer, req


def test_release_makes_a_draft_item_without_personal_data() -> None:
    org, officer, req = _replied()
    item = services.request_release_to_item(actor=officer, request=req, today=TODAY)
    assert item.state == ItemState.DRAFT
    assert not item.is_live
    assert item.organisation == org
    assert item.column.key == ColumnKey.OTHER_DOCS
    assert item.title == "2025年本区老旧小区改造项目清单"
    assert item.formed_on == D(2025, 10, 9)
    text = f"{item.title} {item.summary} {item.body_html}"
    for personal in ("张小三", ID, "13812345678", "zhang@example.cn", "凤凰大道"):
        assert personal not in text
    req.refresh_from_db()
    assert req.released_item == item
    assert req.events.filter(kind=EventKind.RELEASED_TO_ITEM).count() == 1
    assert AuditRecord.objects.filter(action="request.release_to_item", actor=officer).exists()
    assert AuditRecord.objects.filter(action="item.create", object_id=str(item.pk)).exists()


def test_release_refuses_twice() -> None:
    _, officer, req = _replied()
    services.request_release_to_item(actor=officer, request=req, today=TODAY)
    with pytest.raises(DomainError, match="不能重复"):
        services.request_release_to_item(actor=officer, request=req, today=TODAY)
    assert InfoItem.objects.count() == 1


def test_release_with_a_chosen_column_and_title() -> None:
    org, officer, req = _replied(ResultCode.PARTLY_DISCLOSED)
    column = CatalogColumn.objects.get(organisation=org, key=ColumnKey.PLANS)
    item = services.request_release_to_item(
        actor=officer,
        request=req,
        column=column,
        title="老旧小区改造项目清单（2025年）",
        today=TODAY,
    )
    assert item.column == column and item.title == "老旧小区改造项目清单（2025年）"


def test_release_refuses_another_body_s_column() -> None:
    _, officer, req = _replied()
    other = make_org()
    catalog_ensure(actor=None, organisation=other)
    column = CatalogColumn.objects.get(organisation=other, key=ColumnKey.PLANS)
    with pytest.raises(DomainError, match="不属于"):
        services.request_release_to_item(actor=officer, request=req, column=column, today=TODAY)
    assert not InfoItem.objects.exists()


@pytest.mark.parametrize("result", [ResultCode.WITHHELD_1, ResultCode.CANNOT_PROVIDE_1, ResultCode.NOT_PROCESSED_2])
def test_release_only_after_disclosure(result: str) -> None:
    _, officer, req = _replied(result)
    with pytest.raises(DomainError, match="条例第四十四条"):
        services.request_release_to_item(actor=officer, request=req, today=TODAY)
    assert not InfoItem.objects.exists()


def test_release_of_an_open_request_is_refused() -> None:
    org, officer, _ = desk()
    catalog_ensure(actor=None, organisation=org)
    req = make_request(org, officer)
    assert req.status == RequestStatus.REGISTERED
    with pytest.raises(DomainError, match="条例第四十四条"):
        services.request_release_to_item(actor=officer, request=req, today=TODAY)


def test_release_needs_request_handle_on_the_body() -> None:
    _, _, req = _replied()
    editor_elsewhere = make_user(org=make_org(), role=Role.OFFICE_OFFICER)
    with pytest.raises(NotPermitted):
        services.request_release_to_item(actor=editor_elsewhere, request=req, today=TODAY)


def test_an_officer_who_may_draft_is_the_item_s_author() -> None:
    org, officer, req = _replied()
    from gongkai.core.services import role_grant

    role_grant(actor=None, user=officer, organisation=org, role=Role.EDITOR)
    officer = User.objects.get(pk=officer.pk)
    item = services.request_release_to_item(actor=officer, request=req, today=TODAY)
    assert item.created_by == officer
