"""Writes about information-processing fees (信息处理费, 条例第四十二条, 国办函〔2020〕109号)
and the body's desk settings. The amounts come from the pure fees.py.

Whether the reply period stops while a fee notice is out is OPEN in DOMAIN.md ("Fees": "OPEN:
whether waiting for payment pauses the clock (default: it does not)"). Following that
default, a fee notice leaves the due date as it is; only the payment window of 20 working
days runs alongside it. When the window passes unpaid the request is treated as abandoned
(Sichuan rule, annual-report row 其他处理-2).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from gongkai.core import audit, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.notifications import notify
from gongkai.core.permissions import Perm, require

from . import fees
from .models import (
    DeskSettings,
    DisclosureRequest,
    EventKind,
    FeeNotice,
    FeeNoticeStatus,
    RequestEvent,
    RequestStatus,
    ResultCode,
)
from .services import _lock, _require_open, desk_url, handlers_of

#: 国办函〔2020〕109号 as applied in Sichuan: pay within 20 working days counted from the day
#: after the notice (the notice day is day 0, core.workdays.add_workdays).
PAY_WITHIN_WORKDAYS = 20
#: The statuses in which a fee notice may be issued: the request is being handled.
_FEE_STATUSES = (RequestStatus.REGISTERED, RequestStatus.IN_HANDLING, RequestStatus.PAUSED)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _role(actor: User | None, perm: Perm, organisation: Organisation) -> str:
    return "" if actor is None else str(require(actor, perm, organisation))


def fees_enabled(organisation: Organisation) -> bool:
    """条例第四十二条: free by default; true only when the body switched fees on."""
    return DeskSettings.objects.filter(organisation=organisation, fees_enabled=True).exists()


@transaction.atomic
def desk_settings_update(
    *,
    actor: User | None,
    organisation: Organisation,
    fees_enabled: bool,
    handler_notes: str | None = None,
) -> DeskSettings:
    """Switch fees on or off for the body (and keep the desk's notes). Needs EXTENSION_APPROVE:
    the head of the openness office decides."""
    role = _role(actor, Perm.EXTENSION_APPROVE, organisation)
    row, _created = DeskSettings.objects.select_for_update(no_key=True).get_or_create(organisation=organisation)
    before: dict[str, Any] = {"fees_enabled": row.fees_enabled, "handler_notes": row.handler_notes}
    row.fees_enabled = bool(fees_enabled)
    if handler_notes is not None:
        row.handler_notes = handler_notes.strip()
    row.save()
    changes = audit.diff(before, {"fees_enabled": row.fees_enabled, "handler_notes": row.handler_notes})
    if changes:
        audit.record(
            actor=actor, role=role, action="requests.desk_settings_update", organisation=organisation, changes=changes
        )
    return row


def _same_requester(req: DisclosureRequest) -> Q:
    """The requester, matched by identity number, else by name and phone (国办函〔2020〕109号
    counts per requester)."""
    match = Q(request__id_number=req.id_number) if req.id_number else Q(pk__in=[])
    if req.requester_name and req.phone:
        match |= Q(request__requester_name=req.requester_name, request__phone=req.phone)
    return match


def items_charged_this_month(req: DisclosureRequest, *, on: dt.date) -> int:
    """Items counted for the same requester at the same body in the calendar month of ``on``
    (free, issued and paid per-item notices; a lapsed one was never charged)."""
    first = on.replace(day=1)
    total = (
        FeeNotice.objects.filter(
            _same_requester(req),
            request__organisation_id=req.organisation_id,
            method=fees.FeeMethod.BY_ITEM,
            issued_on__gte=first,
            issued_on__lte=on,
        )
        .exclude(status=FeeNoticeStatus.LAPSED)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return int(total or 0)


@transaction.atomic
def fee_notice_issue(
    *,
    actor: User | None,
    request: DisclosureRequest,
    method: str,
    quantity: int,
    version: int | None = None,
    today: dt.date | None = None,
) -> FeeNotice:
    """The fee notice (收费通知书) for a request, by one method (never both): per item, counted
    cumulatively per requester per calendar month, or per volume (pages of this request).

    Refused while the body has fees off (条例第四十二条: free by default) and when the request
    already has a notice that was not lapsed. A notice within the free allowance is recorded as
    FREE (no payment window) so the month's count stays right. The reply period keeps running
    (DOMAIN.md, Fees: waiting for payment does not pause the clock by default)."""
    organisation = request.organisation
    role = _role(actor, Perm.REQUEST_HANDLE, organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, *_FEE_STATUSES)
    if not fees_enabled(organisation):
        raise DomainError(
            f"{organisation.name}未开启收取信息处理费（条例第四十二条：依申请提供政府信息，不收取费用）。"
        )
    if req.fee_notices.exclude(status=FeeNoticeStatus.LAPSED).exists():
        raise DomainError(f"申请“{req.number}”已发出收费通知；同一申请只能按件或按量中的一种方式计收一次。")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise DomainError(f"件数或页数应为正整数（收到 {quantity}）。")
    earlier = items_charged_this_month(req, on=today) if method == fees.FeeMethod.BY_ITEM else 0
    try:
        if method == fees.FeeMethod.BY_ITEM:
            fee = fees.calculate_fee(method=method, items=quantity, earlier_items_this_month=earlier)
        else:
            fee = fees.calculate_fee(method=method, pages=quantity)
    except fees.FeeError as exc:
        raise DomainError(str(exc)) from exc
    pay_by = workdays.calendar().add_workdays(today, PAY_WITHIN_WORKDAYS) if not fee.free else None
    notice = FeeNotice.objects.create(
        request=req,
        method=fee.method,
        quantity=quantity,
        earlier_items=earlier,
        amount=fee.amount,
        bands=[{"first": b.first, "last": b.last, "unit_price": b.unit_price, "amount": b.amount} for b in fee.bands],
        issued_on=today,
        pay_by=pay_by.date if pay_by else None,
        pay_by_provisional=pay_by.provisional if pay_by else False,
        status=FeeNoticeStatus.FREE if fee.free else FeeNoticeStatus.ISSUED,
        issued_by=actor,
    )
    note = f"{fee.method.label} {quantity}，{fee.amount}元" + (f"，缴费期限 {notice.pay_by}" if notice.pay_by else "")
    RequestEvent.objects.create(request=req, kind=EventKind.FEE_NOTICE_ISSUED, on=today, actor=actor, note=note)
    req.version += 1
    req.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        role=role,
        action="request.fee_notice_issue",
        organisation=organisation,
        obj=req,
        changes={
            "notice": notice.pk,
            "method": notice.method,
            "quantity": quantity,
            "earlier_items": earlier,
            "amount": notice.amount,
            "pay_by": notice.pay_by,
        },
    )
    return notice


def notice_fee(notice: FeeNotice) -> fees.Fee:
    """The fee a notice was issued for, as fees.py computes it (for the 收费通知书)."""
    bands = tuple(fees.FeeBand(int(b["first"]), int(b["last"]), int(b["unit_price"])) for b in notice.bands)
    return fees.Fee(fees.FeeMethod(notice.method), notice.amount, bands)


@transaction.atomic
def fee_payment_record(
    *,
    actor: User | None,
    notice: FeeNotice,
    paid_on: dt.date,
    version: int | None = None,
    today: dt.date | None = None,
) -> FeeNotice:
    """The requester paid. Refused for a notice already paid or lapsed, a day before the notice
    or in the future, and a day after the payment window (the request is then abandoned,
    fee_notices_lapse)."""
    organisation = notice.request.organisation
    role = _role(actor, Perm.REQUEST_HANDLE, organisation)
    today = _today(today)
    locked = FeeNotice.objects.select_for_update(of=("self",), no_key=True).select_related("request").get(pk=notice.pk)
    if version is not None and locked.version != version:
        raise DomainError(f"收费通知已被他人修改（当前版本 {locked.version}），请刷新后重新操作。")
    if locked.status != FeeNoticeStatus.ISSUED:
        raise DomainError(f"该收费通知当前状态为“{locked.get_status_display()}”，不能登记缴费。")
    if paid_on < locked.issued_on:
        raise DomainError(f"缴费日期（{paid_on.isoformat()}）不能早于收费通知日期（{locked.issued_on.isoformat()}）。")
    if paid_on > today:
        raise DomainError(f"缴费日期（{paid_on.isoformat()}）不能晚于今天（{today.isoformat()}）。")
    if locked.pay_by is not None and paid_on > locked.pay_by:
        raise DomainError(f"缴费期限（{locked.pay_by.isoformat()}）已过，申请视为放弃（其他处理-2），不能再登记缴费。")
    locked.status = FeeNoticeStatus.PAID
    locked.paid_on = paid_on
    locked.version += 1
    locked.save()
    req = DisclosureRequest.objects.select_for_update(no_key=True).get(pk=locked.request_id)
    RequestEvent.objects.create(
        request=req, kind=EventKind.FEE_PAID, on=paid_on, actor=actor, note=f"{locked.amount}元"
    )
    req.version += 1
    req.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        role=role,
        action="request.fee_payment_record",
        organisation=organisation,
        obj=req,
        changes={"notice": locked.pk, "paid_on": paid_on, "amount": locked.amount},
    )
    return locked


@transaction.atomic
def fee_notices_lapse(*, today: dt.date | None = None) -> int:
    """Every issued notice still unpaid after its payment window lapses; an open request it
    belongs to ends as abandoned with result 其他处理-2 (申请人逾期未按收费通知要求缴纳费用),
    on ``today``. Run daily with the reminders. Returns how many notices lapsed."""
    today = _today(today)
    due = (
        FeeNotice.objects.select_for_update(of=("self",), no_key=True)
        .filter(status=FeeNoticeStatus.ISSUED, pay_by__lt=today)
        .select_related("request", "request__organisation")
        .order_by("pk")
    )
    count = 0
    for notice in due:
        notice.status = FeeNoticeStatus.LAPSED
        notice.version += 1
        notice.save()
        req = (
            DisclosureRequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("organisation")
            .get(pk=notice.request_id)
        )
        changes: dict[str, Any] = {"notice": notice.pk, "pay_by": notice.pay_by}
        if req.is_open:
            RequestEvent.objects.create(
                request=req, kind=EventKind.FEE_LAPSED, on=today, note="申请人逾期未按收费通知要求缴纳费用"
            )
            changes.update(
                status=[req.status, RequestStatus.ABANDONED], result_code=[req.result_code, ResultCode.OTHER_2]
            )
            req.status, req.result_code, req.replied_on = RequestStatus.ABANDONED, ResultCode.OTHER_2, today
            notify(
                handlers_of(req.organisation) if req.assignee is None else [req.assignee],
                f"申请 {req.number} 逾期未缴纳信息处理费，已视为放弃申请（其他处理-2）",
                desk_url(req),
            )
        req.version += 1
        req.save()
        audit.record(actor=None, action="request.fee_lapse", organisation=req.organisation, obj=req, changes=changes)
        count += 1
    return count
