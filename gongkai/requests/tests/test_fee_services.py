"""Fee notices, payments and the lapse of unpaid notices (国办函〔2020〕109号), through the services.

Dates: the official 2025 schedule. A notice on 2025-10-09 (Thursday) must be paid by the 20th
working day after it: 10-10, 10-11 (make-up Saturday), 10-13…17, 10-20…24, 10-27…31, 11-03,
11-04, 11-05 → 2025-11-05."""

import datetime as dt

import pytest

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Notification, Organisation, User
from gongkai.core.tests.factories import make_org
from gongkai.requests import fee_services, fees, services
from gongkai.requests.fees import FeeMethod
from gongkai.requests.models import (
    DeskSettings,
    DisclosureRequest,
    EventKind,
    FeeNotice,
    FeeNoticeStatus,
    RequestStatus,
    ResultCode,
)

from .factories import ID, TODAY, desk, make_request

D = dt.date
ISSUED = D(2025, 10, 9)
PAY_BY = D(2025, 11, 5)
pytestmark = pytest.mark.django_db


def _fees_on() -> tuple[Organisation, User, User]:
    org, officer, head = desk()
    fee_services.desk_settings_update(actor=head, organisation=org, fees_enabled=True)
    return org, officer, head


def _issue(req: DisclosureRequest, officer: User, quantity: int, method: str = FeeMethod.BY_ITEM) -> FeeNotice:
    return fee_services.fee_notice_issue(
        actor=officer,
        request=req,
        method=method,
        quantity=quantity,
        today=ISSUED,
    )


# --- settings -------------------------------------------------------------------------------


def test_fees_are_off_by_default_and_the_notice_is_refused() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    assert not fee_services.fees_enabled(org)
    with pytest.raises(DomainError, match="未开启收取信息处理费"):
        _issue(req, officer, 12)
    assert not FeeNotice.objects.exists()


def test_desk_settings_update_is_the_office_head_s_and_audited() -> None:
    org, officer, head = desk()
    with pytest.raises(NotPermitted):
        fee_services.desk_settings_update(actor=officer, organisation=org, fees_enabled=True)
    row = fee_services.desk_settings_update(actor=head, organisation=org, fees_enabled=True, handler_notes="周一缴费")
    assert row.fees_enabled and fee_services.fees_enabled(org)
    assert DeskSettings.objects.get(organisation=org).handler_notes == "周一缴费"
    record = AuditRecord.objects.filter(action="requests.desk_settings_update").latest("seq")
    assert record.changes["fees_enabled"] == [False, True]
    fee_services.desk_settings_update(actor=head, organisation=org, fees_enabled=False)
    assert not fee_services.fees_enabled(org)


# --- issuing ----------------------------------------------------------------------------------


def test_per_volume_notice_with_bands_and_a_20_working_day_window() -> None:
    org, officer, _ = _fees_on()
    req = make_request(org, officer)
    notice = _issue(req, officer, 150, FeeMethod.BY_VOLUME)
    # pages 31–100 at 10 (700) + 101–150 at 20 (1000)
    assert notice.amount == 1700
    assert notice.bands == [
        {"first": 31, "last": 100, "unit_price": 10, "amount": 700},
        {"first": 101, "last": 150, "unit_price": 20, "amount": 1000},
    ]
    assert notice.status == FeeNoticeStatus.ISSUED
    assert notice.pay_by == PAY_BY
    req.refresh_from_db()
    # DOMAIN.md: waiting for payment does not pause the reply period
    assert req.due_on == D(2025, 10, 29)
    assert req.status == RequestStatus.REGISTERED
    assert req.events.filter(kind=EventKind.FEE_NOTICE_ISSUED).count() == 1
    assert AuditRecord.objects.filter(action="request.fee_notice_issue").latest("seq").changes["amount"] == 1700


def test_per_item_counts_the_same_requester_s_items_this_month() -> None:
    org, officer, _ = _fees_on()
    first = _issue(make_request(org, officer), officer, 8)
    assert first.status == FeeNoticeStatus.FREE and first.amount == 0 and first.pay_by is None
    # same ID number: items 9–15 → 11–15 charged at 100
    second = _issue(make_request(org, officer), officer, 7)
    assert second.earlier_items == 8 and second.amount == 500
    # matched by name and phone when the ID number is missing: items 16–35
    third = _issue(make_request(org, officer, id_type="", id_number=""), officer, 20)
    assert third.earlier_items == 15
    assert third.amount == 15 * 100 + 5 * 200
    # another requester starts from zero
    other = _issue(make_request(org, officer, requester_name="王五", id_type="", id_number="", phone="1"), officer, 12)
    assert other.earlier_items == 0 and other.amount == 200


def test_per_item_count_is_per_calendar_month_and_per_body() -> None:
    org, officer, _ = _fees_on()
    fee_services.fee_notice_issue(
        actor=officer, request=make_request(org, officer), method=FeeMethod.BY_ITEM, quantity=10, today=D(2025, 9, 30)
    )
    october = _issue(make_request(org, officer), officer, 5)
    assert october.earlier_items == 0 and october.amount == 0
    other_org, other_officer, _ = _fees_on()
    elsewhere = _issue(make_request(other_org, other_officer), other_officer, 5)
    assert elsewhere.earlier_items == 0


def test_a_lapsed_notice_is_not_counted() -> None:
    org, officer, _ = _fees_on()
    _issue(make_request(org, officer), officer, 15)
    fee_services.fee_notices_lapse(today=PAY_BY + dt.timedelta(days=1))
    again = fee_services.fee_notice_issue(
        actor=officer, request=make_request(org, officer), method=FeeMethod.BY_ITEM, quantity=3, today=D(2025, 10, 31)
    )
    assert again.earlier_items == 0


def test_one_notice_per_request_and_only_while_it_is_handled() -> None:
    org, officer, _ = _fees_on()
    req = make_request(org, officer)
    _issue(req, officer, 40, FeeMethod.BY_VOLUME)
    with pytest.raises(DomainError, match="只能按件或按量中的一种方式计收一次"):
        _issue(req, officer, 12, FeeMethod.BY_ITEM)
    replied = make_request(org, officer)
    services.request_reply(
        actor=officer, request=replied, result_code=ResultCode.DISCLOSED, replied_on=D(2025, 10, 9), today=TODAY
    )
    with pytest.raises(DomainError, match="不能进行此操作"):
        _issue(replied, officer, 12)


@pytest.mark.parametrize(("method", "quantity"), [("by_weight", 3), (FeeMethod.BY_ITEM, 0), (FeeMethod.BY_ITEM, -1)])
def test_bad_method_or_quantity_is_refused(method: str, quantity: int) -> None:
    org, officer, _ = _fees_on()
    with pytest.raises(DomainError):
        _issue(make_request(org, officer), officer, quantity, method)
    assert not FeeNotice.objects.exists()


def test_another_body_s_officer_cannot_issue() -> None:
    org, officer, _ = _fees_on()
    _, stranger, _ = desk()
    with pytest.raises(NotPermitted):
        _issue(make_request(org, officer), stranger, 40, FeeMethod.BY_VOLUME)


# --- payment ------------------------------------------------------------------------------------


def test_payment_is_recorded_once() -> None:
    org, officer, _ = _fees_on()
    req = make_request(org, officer)
    notice = _issue(req, officer, 40, FeeMethod.BY_VOLUME)
    paid = fee_services.fee_payment_record(
        actor=officer, notice=notice, paid_on=D(2025, 10, 20), version=notice.version, today=TODAY
    )
    assert paid.status == FeeNoticeStatus.PAID and paid.paid_on == D(2025, 10, 20)
    assert req.events.filter(kind=EventKind.FEE_PAID).count() == 1
    with pytest.raises(DomainError, match="不能登记缴费"):
        fee_services.fee_payment_record(actor=officer, notice=notice, paid_on=D(2025, 10, 21), today=TODAY)
    assert fee_services.fee_notices_lapse(today=D(2025, 12, 1)) == 0


@pytest.mark.parametrize(
    ("paid_on", "message"),
    [
        (D(2025, 10, 8), "不能早于收费通知日期"),
        (D(2026, 1, 5), "不能晚于今天"),
        (PAY_BY + dt.timedelta(days=1), "缴费期限"),
    ],
)
def test_payment_dates_are_checked(paid_on: dt.date, message: str) -> None:
    org, officer, _ = _fees_on()
    notice = _issue(make_request(org, officer), officer, 40, FeeMethod.BY_VOLUME)
    with pytest.raises(DomainError, match=message):
        fee_services.fee_payment_record(actor=officer, notice=notice, paid_on=paid_on, today=TODAY)
    notice.refresh_from_db()
    assert notice.status == FeeNoticeStatus.ISSUED


def test_payment_with_a_stale_version_is_refused() -> None:
    org, officer, _ = _fees_on()
    notice = _issue(make_request(org, officer), officer, 40, FeeMethod.BY_VOLUME)
    with pytest.raises(DomainError, match="已被他人修改"):
        fee_services.fee_payment_record(actor=officer, notice=notice, paid_on=ISSUED, version=5, today=TODAY)


# --- lapse --------------------------------------------------------------------------------------


def test_unpaid_after_the_window_the_request_is_abandoned_as_other_2(
    django_capture_on_commit_callbacks: object,
) -> None:
    org, officer, head = _fees_on()
    req = make_request(org, officer)
    _issue(req, officer, 40, FeeMethod.BY_VOLUME)
    assert fee_services.fee_notices_lapse(today=PAY_BY) == 0  # the last day to pay
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert fee_services.fee_notices_lapse(today=PAY_BY + dt.timedelta(days=1)) == 1
    req.refresh_from_db()
    assert req.status == RequestStatus.ABANDONED
    assert req.result_code == ResultCode.OTHER_2
    assert req.replied_on == D(2025, 11, 6)
    assert req.events.filter(kind=EventKind.FEE_LAPSED).count() == 1
    assert FeeNotice.objects.get().status == FeeNoticeStatus.LAPSED
    assert set(Notification.objects.values_list("user_id", flat=True)) == {officer.pk, head.pk}
    assert AuditRecord.objects.filter(action="request.fee_lapse", actor=None).count() == 1
    assert fee_services.fee_notices_lapse(today=D(2025, 12, 1)) == 0  # once


def test_lapse_leaves_a_request_already_replied_as_it_is() -> None:
    org, officer, _ = _fees_on()
    req = make_request(org, officer)
    _issue(req, officer, 40, FeeMethod.BY_VOLUME)
    services.request_withdraw(actor=officer, request=req, on=D(2025, 10, 10), today=TODAY)
    assert fee_services.fee_notices_lapse(today=D(2025, 11, 6)) == 1
    req.refresh_from_db()
    assert req.status == RequestStatus.WITHDRAWN and req.result_code == ResultCode.OTHER_3


def test_personal_data_stays_out_of_the_fee_audit() -> None:
    org, officer, _ = _fees_on()
    _issue(make_request(org, officer), officer, 12)
    for record in AuditRecord.objects.filter(action__startswith="request.fee"):
        assert ID not in str(record.changes) and "张小三" not in str(record.changes)


def test_desk_settings_of_one_body_do_not_enable_another() -> None:
    _fees_on()
    assert not fee_services.fees_enabled(make_org())


def test_notice_fee_gives_back_the_computed_fee() -> None:
    org, officer, _ = _fees_on()
    notice = _issue(make_request(org, officer), officer, 150, FeeMethod.BY_VOLUME)
    notice.refresh_from_db()
    fee = fee_services.notice_fee(notice)
    assert fee == fees.fee_by_volume(pages=150)


def test_issue_with_a_stale_version_is_refused() -> None:
    org, officer, _ = _fees_on()
    req = make_request(org, officer)
    with pytest.raises(DomainError, match="已被他人修改"):
        fee_services.fee_notice_issue(
            actor=officer, request=req, method=FeeMethod.BY_ITEM, quantity=3, version=req.version - 1, today=ISSUED
        )
    assert not FeeNotice.objects.exists()
