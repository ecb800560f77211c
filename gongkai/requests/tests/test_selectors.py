"""The desk's reads: scoped to the bodies where the user handles requests, in a constant number
of queries."""

import datetime as dt
from typing import Any

import pytest

from gongkai.core.models import Role, User
from gongkai.core.tests.factories import make_org, make_user
from gongkai.requests import selectors, services
from gongkai.requests.models import DisclosureRequest, RequestStatus, ResultCode

from .factories import TODAY, desk, make_request

D = dt.date
AFTER_DUE = D(2025, 10, 30)  # requests received 2025-09-25 are due 2025-10-29
pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """The user as a new web request loads it (no cached role assignments)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def world() -> dict[str, Any]:
    parent = make_org("达州市")
    a = make_org("甲局", parent=parent)
    b = make_org("乙局", parent=parent)
    officer_a = make_user(org=a, role=Role.OFFICE_OFFICER)
    colleague_a = make_user(org=a, role=Role.OFFICE_OFFICER)
    officer_b = make_user(org=b, role=Role.OFFICE_OFFICER)
    reqs_a = [make_request(a, officer_a) for _ in range(3)]
    recent_a = make_request(a, officer_a, received_on=D(2025, 12, 1), description="路灯维修合同")
    reqs_b = [make_request(b, officer_b) for _ in range(2)]
    services.request_assign(actor=officer_a, request=reqs_a[0], assignee=officer_a, today=TODAY)
    services.request_assign(actor=officer_a, request=reqs_a[1], assignee=colleague_a, today=TODAY)
    services.request_reply(
        actor=officer_a, request=reqs_a[2], result_code=ResultCode.DISCLOSED, replied_on=D(2025, 10, 9), today=TODAY
    )
    return {
        "parent": parent,
        "a": a,
        "b": b,
        "officer_a": officer_a,
        "colleague_a": colleague_a,
        "officer_b": officer_b,
        "reqs_a": reqs_a,
        "recent_a": recent_a,
        "reqs_b": reqs_b,
    }


def test_desk_list_is_scoped_to_the_user_s_bodies(world: dict[str, Any]) -> None:
    seen = set(selectors.requests_for_desk(user=world["officer_a"]).values_list("pk", flat=True))
    assert seen == {r.pk for r in world["reqs_a"]} | {world["recent_a"].pk}
    over = make_user(org=world["parent"], role=Role.OFFICE_HEAD, descendants=True)
    assert selectors.requests_for_desk(user=over).count() == 6
    editor = make_user(org=world["a"], role=Role.EDITOR)
    assert not selectors.requests_for_desk(user=editor).exists()
    assert not selectors.requests_for_desk(user=world["officer_a"], organisation=world["b"]).exists()


def test_desk_list_filters(world: dict[str, Any]) -> None:
    user = world["officer_a"]
    assert selectors.requests_for_desk(user=user, status=RequestStatus.REPLIED).get() == world["reqs_a"][2]
    assert selectors.requests_for_desk(user=user, status="open").count() == 3
    assert selectors.requests_for_desk(user=user, q="路灯 合同").get() == world["recent_a"]
    assert selectors.requests_for_desk(user=user, q=world["recent_a"].number).get() == world["recent_a"]
    overdue = selectors.requests_for_desk(user=user, overdue=True, today=AFTER_DUE)
    assert set(overdue) == set(world["reqs_a"][:2])  # the replied one and the recent one are not overdue
    assert selectors.requests_for_desk(user=user, assignee=world["colleague_a"]).get() == world["reqs_a"][1]
    newest_first = list(selectors.requests_for_desk(user=user))
    assert newest_first[0] == world["recent_a"]


def test_desk_list_query_count(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    for _ in range(5):
        make_request(world["a"], world["officer_a"])
    user = _fresh(world["officer_a"])
    # 1: the user's role assignments (cached on the user), 2: the page with body and assignee
    with django_assert_num_queries(2):
        rows = [
            (r.number, r.organisation.name, r.assignee.username if r.assignee else "")
            for r in selectors.requests_for_desk(user=user, q="老旧", overdue=True, today=AFTER_DUE)
        ]
    assert len(rows) == 7


def test_inbox_holds_mine_and_the_unassigned_open_ones(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    user = _fresh(world["officer_a"])
    with django_assert_num_queries(2):
        inbox = [(r.pk, r.organisation.name, r.assignee_id) for r in selectors.requests_inbox(user=user)]
    assert {pk for pk, _, _ in inbox} == {world["reqs_a"][0].pk, world["recent_a"].pk}
    assert inbox[0][0] == world["reqs_a"][0].pk  # due soonest first
    colleague = {r.pk for r in selectors.requests_inbox(user=world["colleague_a"])}
    assert colleague == {world["reqs_a"][1].pk, world["recent_a"].pk}
    assert set(selectors.requests_inbox(user=world["officer_b"])) == set(world["reqs_b"])


def test_overdue_by_body(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    over = _fresh(make_user(org=world["parent"], role=Role.OFFICE_HEAD, descendants=True))
    with django_assert_num_queries(2):
        rows = [(org.name, n) for org, n in selectors.requests_overdue_by_body(user=over, today=AFTER_DUE)]
    assert rows == [("甲局", 2), ("乙局", 2)]
    assert selectors.requests_overdue_by_body(user=world["officer_b"], today=AFTER_DUE)[0][1] == 2
    assert selectors.requests_overdue_by_body(user=over, today=D(2025, 10, 29)) == []


def test_one_request_for_the_desk(world: dict[str, Any]) -> None:
    req = world["reqs_b"][0]
    assert selectors.request_for_desk(user=world["officer_b"], pk=req.pk) == req
    with pytest.raises(DisclosureRequest.DoesNotExist):
        selectors.request_for_desk(user=world["officer_a"], pk=req.pk)
    with pytest.raises(DisclosureRequest.DoesNotExist):
        selectors.request_for_desk(user=world["officer_a"], pk=999_999)


def test_who_sees_personal_data(world: dict[str, Any]) -> None:
    req = world["reqs_a"][0]
    auditor = make_user(org=world["parent"], role=Role.AUDIT_ADMIN, descendants=True)
    supervisor = make_user(org=world["parent"], role=Role.SUPERVISOR, descendants=True)
    editor = make_user(org=world["a"], role=Role.EDITOR)
    assert selectors.can_see_personal_data(user=world["officer_a"], request=req)
    assert selectors.can_see_personal_data(user=auditor, request=req)
    for user in (world["officer_b"], supervisor, editor):
        assert not selectors.can_see_personal_data(user=user, request=req)


def test_desk_settings_default_to_fees_off() -> None:
    org, _, _ = desk()
    settings = selectors.desk_settings_for(org)
    assert settings.pk is None and not settings.fees_enabled
