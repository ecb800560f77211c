"""Writes of the request desk. Each function is one complete state change: the permission
check, the row (locked with select_for_update, so two handlers acting at once cannot lose an
update), the timeline event, the recomputed deadline and the audit record.

`actor=None` means the platform itself (imports run by the operator, the calendar receiver).
Rule violations raise core.errors.DomainError with a Chinese message. Dates that must not lie
in the future are checked against ``today`` (default: today in Asia/Shanghai).
"""

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gongkai.core import audit, creditcode, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, RoleAssignment, User
from gongkai.core.notifications import notify
from gongkai.core.permissions import ROLE_PERMS, Perm, can, require
from gongkai.core.workdays import WorkdayCalendar
from gongkai.publishing import filetypes
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem
from gongkai.screening.detectors import is_valid_id15, is_valid_id18

from .deadlines import (
    MAX_EXTENSION,
    REPLY_PERIOD,
    DeadlineError,
    DeadlineResult,
    Pause,
    PauseReason,
    compute_deadline,
)
from .models import (
    ATTACHMENT_MAX_BYTES,
    OPEN_STATUSES,
    Channel,
    DeliveryForm,
    DisclosureRequest,
    EventKind,
    IdType,
    PauseKind,
    RequestAttachment,
    RequesterType,
    RequestEvent,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
    ReviewRecord,
)
from .selectors import request_find_for_requester as request_find_for_requester  # a read; kept here too

#: 条例第三十条: the office asks for a correction once, within 7 working days of receipt.
CORRECTION_NOTICE_DAYS = 7
#: 条例第三十五条: the longest reasonable period the desk accepts (about four years of working days).
MAX_CUSTOM_PERIOD = 1000
#: Channels staff register on the requester's behalf; online requests come through the public form.
STAFF_CHANNELS = (Channel.IN_PERSON, Channel.LETTER, Channel.FAX, Channel.EMAIL, Channel.ORAL)
_TRACKED = (
    "status",
    "result_code",
    "replied_on",
    "extended",
    "extension_days",
    "custom_period",
    "due_on",
    "due_provisional",
    "assignee_id",
)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _role(actor: User | None, perm: Perm, organisation: Organisation) -> str:
    return "" if actor is None else str(require(actor, perm, organisation))


def _snapshot(req: DisclosureRequest) -> dict[str, Any]:
    return {f: getattr(req, f) for f in _TRACKED}


def _lock(request: DisclosureRequest, version: int | None) -> DisclosureRequest:
    """The request row, freshly read and locked until the transaction ends.

    version: the version the caller's form was built from; a different stored version means
    someone else changed the request in between (optimistic locking)."""
    # Only the request row, and FOR NO KEY UPDATE: a plain FOR UPDATE through the join would also
    # lock the body's row, which the audit record's foreign key must share (a deadlock on
    # PostgreSQL with any writer holding the audit chain head).
    locked = (
        DisclosureRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("organisation")
        .get(pk=request.pk)
    )
    if version is not None and locked.version != version:
        raise DomainError(f"申请“{locked.number}”已被他人修改（当前版本 {locked.version}），请刷新后重新操作。")
    return locked


def _require_open(req: DisclosureRequest, *allowed: str) -> None:
    statuses = allowed or tuple(OPEN_STATUSES)
    if req.status not in statuses:
        raise DomainError(f"申请“{req.number}”当前状态为“{req.get_status_display()}”，不能进行此操作。")


def _not_future(day: dt.date, label: str, today: dt.date) -> None:
    if day > today:
        raise DomainError(f"{label}（{day.isoformat()}）不能晚于今天（{today.isoformat()}）。")


def _not_before_receipt(req: DisclosureRequest, day: dt.date, label: str) -> None:
    if day < req.received_on:
        raise DomainError(f"{label}（{day.isoformat()}）不能早于收到申请之日（{req.received_on.isoformat()}）。")


def _reason(pause_kind: str) -> PauseReason:
    return "third_party" if pause_kind == PauseKind.THIRD_PARTY else "other_body"


def _pauses(events: Iterable[RequestEvent], today: dt.date) -> list[Pause]:
    """Pairs of pause_started / pause_ended; a pause still running counts up to ``today``."""
    result: list[Pause] = []
    start: RequestEvent | None = None
    for event in events:
        if event.kind == EventKind.PAUSE_STARTED:
            start = event
        elif event.kind == EventKind.PAUSE_ENDED and start is not None:
            result.append(Pause(start.on, event.on, _reason(start.pause_kind)))
            start = None
    if start is not None:
        result.append(Pause(start.on, max(start.on, today), _reason(start.pause_kind)))
    return result


def deadline_of(
    req: DisclosureRequest,
    calendar: WorkdayCalendar,
    today: dt.date,
    events: Sequence[RequestEvent] | None = None,
) -> DeadlineResult:
    """The request's deadline from its stored events, with the steps (each citing its
    article) for the desk to show. Raises DomainError when the events break a rule of the 条例
    (e.g. a consultation that starts after the period ran out)."""
    events = list(events) if events is not None else list(req.events.order_by("on", "pk"))
    corrections = [e.on for e in events if e.kind == EventKind.CORRECTION_RECEIVED]
    extensions = [e.days for e in events if e.kind == EventKind.EXTENSION_APPROVED and e.days]
    try:
        return compute_deadline(
            calendar,
            received=req.received_on,
            correction_received=corrections[-1] if corrections else None,
            pauses=_pauses(events, today),
            extensions=extensions,
            custom_period=req.custom_period,
        )
    except DeadlineError as exc:
        raise DomainError(str(exc)) from exc


def _recompute(req: DisclosureRequest, calendar: WorkdayCalendar, today: dt.date) -> None:
    """Set due_on / due_provisional from the stored events (deadlines.compute_deadline)."""
    result = deadline_of(req, calendar, today)
    req.due_on = result.due
    req.due_provisional = result.provisional


#: The due date from the stored timeline, for other modules of the desk (the ledger import).
recompute_due = _recompute


def _save(
    req: DisclosureRequest,
    *,
    actor: User | None,
    role: str,
    action: str,
    before: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> DisclosureRequest:
    req.version += 1
    req.save()
    changes = audit.diff(before, _snapshot(req))
    if extra:
        changes.update(extra)
    audit.record(actor=actor, role=role, action=action, organisation=req.organisation, obj=req, changes=changes)
    return req


def _event(req: DisclosureRequest, actor: User | None, kind: str, on: dt.date, **fields: Any) -> RequestEvent:
    return RequestEvent.objects.create(request=req, kind=kind, on=on, actor=actor, **fields)


# --- registration -------------------------------------------------------------------------


def validate_id_number(id_type: str, id_number: str, *, today: dt.date) -> str:
    """The number as stored (upper case, no spaces); raises DomainError when a resident ID
    number fails GB 11643 (region, birth date, check digit)."""
    number = id_number.strip().replace(" ", "").upper()
    if id_type == IdType.ID_CARD and not (is_valid_id18(number, today) or is_valid_id15(number)):
        raise DomainError(f"居民身份证号码“{number}”无效：请核对地区码、出生日期和校验位。")
    if id_type == IdType.CREDIT_CODE:
        try:
            return creditcode.validate(number)
        except creditcode.CreditCodeError as exc:
            raise DomainError(str(exc)) from exc
    return number


def receipt_date(
    *,
    channel: str,
    submitted_at: dt.datetime | None = None,
    signed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
) -> dt.date:
    """条例第三十一条: the day of receipt.

    in person (and orally, staff writing it down): the day it is handed in (``submitted_at``);
    by letter: the day the letter is signed for (``signed_on``); an ordinary letter needing no
    signature: the day the office confirms with the requester (``confirmed_on``);
    fax, e-mail and online: the day both sides confirm receipt (``confirmed_on``)."""
    if channel in (Channel.IN_PERSON, Channel.ORAL):
        if submitted_at is None:
            raise DomainError("当面或口头提出的申请，请填写提交时间（收到之日即提交之日，条例第三十一条第一项）。")
        return timezone.localdate(submitted_at)
    if channel == Channel.LETTER:
        day = signed_on or confirmed_on
        if day is None:
            raise DomainError("信函申请请填写签收日期；平常信函请填写与申请人确认之日（条例第三十一条第二项）。")
        return day
    if channel in (Channel.FAX, Channel.EMAIL, Channel.ONLINE):
        if confirmed_on is None:
            raise DomainError("传真、电子邮件和网上申请，请填写双方确认之日（条例第三十一条第三项）。")
        return confirmed_on
    raise DomainError(f"未知的提交方式“{channel}”。")


def _next_number(organisation: Organisation, year: int) -> str:
    # Orders concurrent registrations; NO KEY so rows referring to the body (audit records) can
    # still be written meanwhile.
    Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
    prefix = f"{year}-"
    taken = DisclosureRequest.objects.filter(organisation=organisation, number__startswith=prefix).values_list(
        "number", flat=True
    )
    highest = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


@transaction.atomic
def request_register(
    *,
    actor: User | None,
    organisation: Organisation,
    channel: str,
    requester_type: str,
    requester_name: str,
    description: str,
    id_type: str = "",
    id_number: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    delivery_form: str = "",
    delivery_way: str = "",
    submitted_at: dt.datetime | None = None,
    signed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    number: str = "",
    today: dt.date | None = None,
) -> DisclosureRequest:
    """Register a request that arrived offline (in person, letter, fax, e-mail, orally).

    The day of receipt follows 条例第三十一条 (see receipt_date); one in the future is refused.
    ``number`` (申请编号) is given by the office or, when empty, the next ``YYYY-NNNN``."""
    role = _role(actor, Perm.REQUEST_HANDLE, organisation)
    today = _today(today)
    if channel not in STAFF_CHANNELS:
        raise DomainError("网上申请由申请人通过网站提交；工作人员登记请选择当面、信函、传真、电子邮件或口头。")
    if requester_type not in RequesterType.values:
        raise DomainError(f"未知的申请人类型“{requester_type}”。")
    if id_type and id_type not in IdType.values:
        raise DomainError(f"未知的证件类型“{id_type}”。")
    if not requester_name.strip():
        raise DomainError("请填写申请人姓名或名称（条例第二十九条）。")
    if not description.strip():
        raise DomainError("请填写所需政府信息的名称、文号或便于查询的其他特征性描述（条例第二十九条）。")
    if not (phone.strip() or email.strip() or address.strip()):
        raise DomainError("请至少填写一种联系方式（电话、电子邮箱或通信地址）。")
    received_on = receipt_date(
        channel=channel, submitted_at=submitted_at, signed_on=signed_on, confirmed_on=confirmed_on
    )
    _not_future(received_on, "收到申请之日", today)
    if submitted_at is not None and received_on < timezone.localdate(submitted_at):
        raise DomainError("收到申请之日不能早于提交之日。")
    id_number = validate_id_number(id_type, id_number, today=today) if id_number.strip() else ""
    number = number.strip() or _next_number(organisation, received_on.year)
    if len(number) > 40:
        raise DomainError("申请编号不能超过40个字符。")
    if DisclosureRequest.objects.filter(organisation=organisation, number=number).exists():
        raise DomainError(f"申请编号“{number}”已存在。")
    req = DisclosureRequest(
        organisation=organisation,
        number=number,
        requester_type=requester_type,
        requester_name=requester_name.strip(),
        id_type=id_type,
        id_number=id_number,
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        channel=channel,
        description=description.strip(),
        delivery_form=delivery_form,
        delivery_way=delivery_way.strip(),
        submitted_at=submitted_at,
        received_on=received_on,
        status=RequestStatus.REGISTERED,
    )
    req.save()
    _recompute(req, workdays.calendar(), today)
    # Personal data stay out of the audit trail: the request row holds them.
    return _save(
        req,
        actor=actor,
        role=role,
        action="request.register",
        before={},
        extra={"number": number, "channel": channel, "received_on": received_on},
    )


# --- correction (补正, 条例第三十条) ------------------------------------------------------


@transaction.atomic
def request_ask_correction(
    *,
    actor: User | None,
    request: DisclosureRequest,
    asked_on: dt.date,
    what: str,
    respond_by: dt.date,
    late_reason: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第三十条: ask once for a correction, naming what to add and a reasonable period.

    The notice is due within 7 working days of receipt; a later one is refused unless
    ``late_reason`` says why (recorded on the timeline and in the audit trail)."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, RequestStatus.REGISTERED, RequestStatus.IN_HANDLING)
    if req.events.filter(kind=EventKind.CORRECTION_REQUESTED).exists():
        raise DomainError("补正只能要求一次（条例第三十条：一次性告知需要补正的事项）。")
    if not what.strip():
        raise DomainError("请写明需要补正的事项（条例第三十条）。")
    _not_before_receipt(req, asked_on, "补正通知日期")
    _not_future(asked_on, "补正通知日期", today)
    if respond_by <= asked_on:
        raise DomainError("补正期限应晚于补正通知日期，请给出合理的补正期限。")
    limit = workdays.calendar().add_workdays(req.received_on, CORRECTION_NOTICE_DAYS).date
    late = asked_on > limit
    if late and not late_reason.strip():
        raise DomainError(
            f"补正通知应在收到申请之日起{CORRECTION_NOTICE_DAYS}个工作日内（{limit.isoformat()}前）发出"
            "（条例第三十条）；逾期发出请说明理由。"
        )
    note = what.strip() + (f"\n逾期告知理由：{late_reason.strip()}" if late else "")
    _event(req, actor, EventKind.CORRECTION_REQUESTED, asked_on, respond_by=respond_by, note=note)
    before = _snapshot(req)
    req.status = RequestStatus.CORRECTION_REQUESTED
    extra: dict[str, Any] = {"asked_on": asked_on, "respond_by": respond_by}
    if late:
        extra["late_reason"] = late_reason.strip()
    return _save(req, actor=actor, role=role, action="request.ask_correction", before=before, extra=extra)


@transaction.atomic
def request_correction_received(
    *,
    actor: User | None,
    request: DisclosureRequest,
    received_on: dt.date,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第三十条: the corrected request arrived; the reply period restarts from that day."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, RequestStatus.CORRECTION_REQUESTED)
    asked = req.events.filter(kind=EventKind.CORRECTION_REQUESTED).latest("on", "pk")
    if received_on < asked.on:
        raise DomainError(f"收到补正之日（{received_on.isoformat()}）不能早于补正通知日期（{asked.on.isoformat()}）。")
    _not_future(received_on, "收到补正之日", today)
    _event(req, actor, EventKind.CORRECTION_RECEIVED, received_on, note=note.strip())
    before = _snapshot(req)
    req.status = RequestStatus.IN_HANDLING
    _recompute(req, workdays.calendar(), today)
    return _save(
        req, actor=actor, role=role, action="request.correction_received", before=before, extra={"on": received_on}
    )


@transaction.atomic
def request_abandon(
    *,
    actor: User | None,
    request: DisclosureRequest,
    on: dt.date | None = None,
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第三十条: no correction by the period given → treated as abandoned (其他处理-1)."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    on = on or today
    req = _lock(request, version)
    _require_open(req, RequestStatus.CORRECTION_REQUESTED)
    asked = req.events.filter(kind=EventKind.CORRECTION_REQUESTED).latest("on", "pk")
    respond_by = asked.respond_by or asked.on  # always set by request_ask_correction
    if on <= respond_by:
        raise DomainError(f"补正期限（{respond_by.isoformat()}）尚未届满，不能视为放弃申请。")
    _not_future(on, "视为放弃之日", today)
    _event(req, actor, EventKind.ABANDONED, on, note="申请人无正当理由逾期不补正")
    return _conclude(req, actor=actor, role=role, status=RequestStatus.ABANDONED, result=ResultCode.OTHER_1, on=on)


def _conclude(
    req: DisclosureRequest, *, actor: User | None, role: str, status: str, result: str, on: dt.date
) -> DisclosureRequest:
    """End a request without a reply letter (abandoned, withdrawn): its result row of the
    annual report and the day it ended."""
    before = _snapshot(req)
    req.status, req.result_code, req.replied_on = status, result, on
    action = "request.abandon" if status == RequestStatus.ABANDONED else "request.withdraw"
    return _save(req, actor=actor, role=role, action=action, before=before)


# --- consultations (条例第三十二条、第三十四条) ---------------------------------------------


@transaction.atomic
def request_pause(
    *,
    actor: User | None,
    request: DisclosureRequest,
    kind: str,
    started_on: dt.date,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """The office consults a third party (第三十二条) or another body (第三十四条) from
    ``started_on``: the clock stops until request_resume."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, RequestStatus.REGISTERED, RequestStatus.IN_HANDLING)
    if kind not in PauseKind.values:
        raise DomainError(f"未知的征求意见对象“{kind}”。可选：third_party（第三方）、other_body（其他机关）。")
    _not_before_receipt(req, started_on, "征求意见开始日期")
    _not_future(started_on, "征求意见开始日期", today)
    last_end = req.events.filter(kind=EventKind.PAUSE_ENDED).order_by("-on").values_list("on", flat=True).first()
    if last_end is not None and started_on <= last_end:
        raise DomainError(f"征求意见开始日期应晚于上一次征求意见的结束日期（{last_end.isoformat()}）。")
    _event(req, actor, EventKind.PAUSE_STARTED, started_on, pause_kind=kind, note=note.strip())
    before = _snapshot(req)
    req.status = RequestStatus.PAUSED
    _recompute(req, workdays.calendar(), today)
    return _save(
        req, actor=actor, role=role, action="request.pause", before=before, extra={"kind": kind, "on": started_on}
    )


@transaction.atomic
def request_resume(
    *,
    actor: User | None,
    request: DisclosureRequest,
    ended_on: dt.date,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """The consultation ended; ``ended_on`` is the last day not counted (both ends of a pause
    are excluded from the period, deadlines.Pause)."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, RequestStatus.PAUSED)
    started = req.events.filter(kind=EventKind.PAUSE_STARTED).latest("on", "pk")
    if ended_on < started.on:
        raise DomainError(f"征求意见结束日期（{ended_on.isoformat()}）不能早于开始日期（{started.on.isoformat()}）。")
    _not_future(ended_on, "征求意见结束日期", today)
    _event(req, actor, EventKind.PAUSE_ENDED, ended_on, pause_kind=started.pause_kind, note=note.strip())
    before = _snapshot(req)
    req.status = RequestStatus.IN_HANDLING
    _recompute(req, workdays.calendar(), today)
    return _save(req, actor=actor, role=role, action="request.resume", before=before, extra={"on": ended_on})


# --- extension (条例第三十三条第二款) -------------------------------------------------------


@transaction.atomic
def request_extend(
    *,
    actor: User | None,
    request: DisclosureRequest,
    days: int,
    approved_on: dt.date,
    reason: str,
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第三十三条第二款: the head of the openness office extends the period once, by at
    most 20 working days, before it runs out."""
    role = _role(actor, Perm.EXTENSION_APPROVE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, RequestStatus.REGISTERED, RequestStatus.IN_HANDLING, RequestStatus.PAUSED)
    if req.extended or req.events.filter(kind=EventKind.EXTENSION_APPROVED).exists():
        raise DomainError("答复期限只能延长一次（条例第三十三条第二款）。")
    if isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION:
        raise DomainError(f"延长答复期限应为1至{MAX_EXTENSION}个工作日（条例第三十三条第二款，收到 {days}）。")
    if not reason.strip():
        raise DomainError("请写明延期理由（将写入延期答复通知书）。")
    _not_before_receipt(req, approved_on, "批准延期日期")
    _not_future(approved_on, "批准延期日期", today)
    # The due date as it stands on the day of approval: a consultation still running keeps
    # moving it (the stored one was computed when the request last changed).
    current = deadline_of(req, workdays.calendar(), approved_on).due
    if approved_on > current:
        raise DomainError(f"答复期限（{current.isoformat()}）已届满，不能再批准延期。")
    _event(req, actor, EventKind.EXTENSION_APPROVED, approved_on, days=days, note=reason.strip())
    before = _snapshot(req)
    req.extended = True
    req.extension_days = days
    _recompute(req, workdays.calendar(), today)
    return _save(req, actor=actor, role=role, action="request.extend", before=before, extra={"reason": reason.strip()})


# --- reply, withdrawal ---------------------------------------------------------------------


@transaction.atomic
def request_reply(
    *,
    actor: User | None,
    request: DisclosureRequest,
    result_code: str,
    replied_on: dt.date,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第三十六条至第三十九条: the reply, with exactly one result from the annual-report
    rows. A reply that discloses part and withholds the rest (第三十七条) is recorded only as
    partly_disclosed — one code per request, so it cannot be counted twice."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    if result_code not in ResultCode.values:
        raise DomainError(f"未知的办理结果“{result_code}”，请从年度报告表三的办理结果中选择。")
    if result_code in (ResultCode.OTHER_1, ResultCode.OTHER_2):
        raise DomainError("逾期不补正、逾期不缴费视为放弃申请，不能作为答复结果登记。")
    if req.status == RequestStatus.PAUSED:
        raise DomainError("正在征求意见，请先登记征求意见结束再答复。")
    _require_open(req, RequestStatus.REGISTERED, RequestStatus.IN_HANDLING)
    _not_before_receipt(req, replied_on, "答复日期")
    _not_future(replied_on, "答复日期", today)
    _event(req, actor, EventKind.REPLY, replied_on, note=note.strip())
    before = _snapshot(req)
    req.status = RequestStatus.REPLIED
    req.result_code = result_code
    req.replied_on = replied_on
    late = req.due_on is not None and replied_on > req.due_on
    return _save(req, actor=actor, role=role, action="request.reply", before=before, extra={"late": late})


@transaction.atomic
def request_withdraw(
    *,
    actor: User | None,
    request: DisclosureRequest,
    on: dt.date,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """The requester withdraws the request; counted in the annual report as 其他处理-3."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req)
    _not_before_receipt(req, on, "撤回日期")
    _not_future(on, "撤回日期", today)
    _event(req, actor, EventKind.WITHDRAWN, on, note=note.strip())
    return _conclude(req, actor=actor, role=role, status=RequestStatus.WITHDRAWN, result=ResultCode.OTHER_3, on=on)


@transaction.atomic
def request_close(
    *,
    actor: User | None,
    request: DisclosureRequest,
    on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第四十五条: a replied request is closed and archived (办结归档) once the reply and
    the information have been delivered. The result and reply date stay as replied."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    on = on or today
    req = _lock(request, version)
    _require_open(req, RequestStatus.REPLIED)
    if req.replied_on is not None and on < req.replied_on:
        raise DomainError(f"办结日期（{on.isoformat()}）不能早于答复日期（{req.replied_on.isoformat()}）。")
    _not_future(on, "办结日期", today)
    _event(req, actor, EventKind.CLOSED, on, note=note.strip())
    before = _snapshot(req)
    req.status = RequestStatus.CLOSED
    return _save(req, actor=actor, role=role, action="request.close", before=before, extra={"on": on})


#: Said in the audit trail when the requester withdraws through the status page.
REQUESTER_ACTOR = "申请人（网上撤回）"


@transaction.atomic
def request_withdraw_by_requester(
    *,
    tracking_code: str,
    contact: str,
    reason: str = "",
    today: dt.date | None = None,
) -> DisclosureRequest:
    """The requester withdraws their own request from the public status page. They prove who
    they are again with the tracking code and the phone or e-mail given on the request
    (selectors.request_find_for_requester); anything wrong answers the same generic refusal.
    Counted as 其他处理-3 like a withdrawal the office registers. Idempotent: withdrawing a
    request already withdrawn returns it unchanged."""
    today = _today(today)
    found = request_find_for_requester(tracking_code=tracking_code, contact=contact)
    if found is None:
        raise DomainError("查询码或联系方式不正确，未能撤回申请。")
    req = _lock(found, None)
    if req.status == RequestStatus.WITHDRAWN:
        return req
    if not req.is_open:
        raise DomainError(f"申请“{req.number}”已{req.get_status_display()}，不能再撤回。")
    note = "申请人通过办理进度页面撤回" + (f"：{reason.strip()[:500]}" if reason.strip() else "")
    _event(req, None, EventKind.WITHDRAWN, today, note=note)
    before = _snapshot(req)
    req.status, req.result_code, req.replied_on = RequestStatus.WITHDRAWN, ResultCode.OTHER_3, today
    req.version += 1
    req.save()
    audit.record(
        actor=None,
        actor_name=REQUESTER_ACTOR,
        action="request.withdraw",
        organisation=req.organisation,
        obj=req,
        changes=audit.diff(before, _snapshot(req)),
    )
    active_assignee = req.assignee is not None and req.assignee.is_active
    recipients = [req.assignee] if active_assignee and req.assignee else handlers_of(req.organisation)
    notify(recipients, f"申请人已撤回政府信息公开申请 {req.number}", desk_url(req))
    return req


@transaction.atomic
def review_record_add(
    *,
    actor: User | None,
    request: DisclosureRequest,
    kind: str,
    outcome: str = ReviewOutcome.PENDING,
    filed_on: dt.date | None = None,
    note: str = "",
) -> ReviewRecord:
    """A reconsideration or lawsuit about the request (annual-report table IV)."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    req = _lock(request, None)
    if kind not in ReviewKind.values:
        raise DomainError(f"未知的复议诉讼类型“{kind}”。可选：行政复议、直接起诉、复议后起诉。")
    if outcome not in ReviewOutcome.values:
        raise DomainError(f"未知的复议诉讼结果“{outcome}”。可选：维持、纠正、其他、尚未审结。")
    if filed_on is not None:
        _not_before_receipt(req, filed_on, "提起日期")
    review = ReviewRecord.objects.create(request=req, kind=kind, outcome=outcome, filed_on=filed_on, note=note.strip())
    req.version += 1
    req.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        role=role,
        action="request.review_add",
        organisation=req.organisation,
        obj=req,
        changes={"kind": kind, "outcome": outcome, "filed_on": filed_on},
    )
    return review


@transaction.atomic
def review_record_update(
    *,
    actor: User | None,
    review: ReviewRecord,
    outcome: str,
    filed_on: dt.date | None = None,
    note: str | None = None,
) -> ReviewRecord:
    """The reconsideration or lawsuit was decided (or a detail was wrong): change its outcome
    (e.g. 尚未审结 → 维持), its filing day or its note later. Audited with the old outcome."""
    req = review.request
    role = _role(actor, Perm.REQUEST_HANDLE, req.organisation)
    locked_req = _lock(req, None)
    current = ReviewRecord.objects.select_for_update().get(pk=review.pk, request=locked_req)
    if outcome not in ReviewOutcome.values:
        raise DomainError(f"未知的复议诉讼结果“{outcome}”。可选：维持、纠正、其他、尚未审结。")
    if filed_on is not None:
        _not_before_receipt(locked_req, filed_on, "提起日期")
    before = {"outcome": current.outcome, "filed_on": current.filed_on, "note": current.note}
    current.outcome = outcome
    if filed_on is not None:
        current.filed_on = filed_on
    if note is not None:
        current.note = note.strip()
    after = {"outcome": current.outcome, "filed_on": current.filed_on, "note": current.note}
    if after == before:
        raise DomainError("复议诉讼记录没有变化。")
    current.save(update_fields=["outcome", "filed_on", "note"])
    locked_req.version += 1
    locked_req.save(update_fields=["version", "updated_at"])
    changes = audit.diff(before, after)
    changes["review"] = current.pk
    audit.record(
        actor=actor,
        role=role,
        action="request.review_update",
        organisation=locked_req.organisation,
        obj=locked_req,
        changes=changes,
    )
    return current


# --- deadlines after a calendar change -----------------------------------------------------


@transaction.atomic
def request_recompute_deadlines(*, changed: Iterable[dt.date], today: dt.date | None = None) -> int:
    """Recompute due_on of the open requests a calendar change can touch: those whose
    counting window (receipt … due date) contains a changed day, and every provisional one.
    Loads the calendar once. Returns how many due dates changed; each change is audited."""
    days = sorted(set(changed))
    if not days:
        return 0
    today = _today(today)
    calendar = workdays.calendar()
    window = Q(received_on__lt=days[-1]) & (Q(due_on__gte=days[0]) | Q(due_on__isnull=True))
    candidates = (
        DisclosureRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("organisation")
        .filter(status__in=OPEN_STATUSES)
        .filter(window | Q(due_provisional=True))
        .order_by("pk")
    )
    count = 0
    for req in candidates:
        before = _snapshot(req)
        try:
            _recompute(req, calendar, today)
        except DomainError:
            continue  # the stored events no longer fit the new calendar; staff see the old date
        if _snapshot(req) != before:
            _save(req, actor=None, role="", action="request.deadline_recomputed", before=before)
            count += 1
    return count


# --- the desk around the request: handlers, notifications --------------------------------

#: The roles that hold REQUEST_HANDLE: the body's openness office.
HANDLER_ROLES = tuple(sorted(role for role, perms in ROLE_PERMS.items() if Perm.REQUEST_HANDLE in perms))
#: Said in the audit trail for what the public does without an account.
PUBLIC_ACTOR = "公众（网上申请）"


def handlers_of(organisation: Organisation) -> list[User]:
    """The active users who handle requests for the body (REQUEST_HANDLE held on it directly
    or over an ancestor with its descendants), in one query."""
    ancestor_ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    held = Q(organisation=organisation) | Q(organisation_id__in=ancestor_ids, include_descendants=True)
    assignments = (
        RoleAssignment.objects.filter(held, role__in=HANDLER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list({a.user_id: a.user for a in assignments}.values())


def desk_url(req: DisclosureRequest) -> str:
    """The request's page on the staff desk ("" while the pages are not installed)."""
    try:
        return reverse("disclosure_requests:desk_detail", args=[req.pk])
    except NoReverseMatch:
        return ""


# --- online submission (网上申请) ------------------------------------------------------------

#: At most this many files with one online request.
MAX_ATTACHMENTS = 10
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _check_attachment(upload: UploadedFile) -> tuple[filetypes.FileType, str]:
    """The upload's type, told by its content (publishing.filetypes), and its SHA-256; at most
    ATTACHMENT_MAX_BYTES."""
    name = upload.name or "附件"
    size = upload.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise DomainError(
            f"附件“{name}”大小为 {filetypes.human_size(size)}，"
            f"超过了 {filetypes.human_size(ATTACHMENT_MAX_BYTES)} 的上限。"
        )
    upload.seek(0)
    kind = filetypes.check(name, upload.file)  # type: ignore[arg-type]
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest()


@transaction.atomic
def request_submit_online(
    *,
    organisation: Organisation,
    requester_type: str,
    requester_name: str,
    description: str,
    id_type: str,
    id_number: str,
    phone: str,
    email: str,
    address: str,
    contact_person: str = "",
    delivery_form: str,
    delivery_way: str,
    attachments: Sequence[UploadedFile] = (),
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> tuple[DisclosureRequest, bool]:
    """A request sent through the public form (条例第二十九条, data message), confirmed by the
    requester on the form's confirmation step. Returns (request, created).

    Idempotent: the same ``idempotency_key`` returns the request it made the first time,
    ``created`` False, and writes nothing. No actor: the audit trail names the public.

    条例第三十一条第三项: an online request is received on the day both sides confirm it; the
    platform confirms at once when the requester confirms, so the day of receipt is the day
    of submission (Asia/Shanghai). DOMAIN.md knows no rule moving a submission on a
    non-working day to the next working day, and none is applied: the day is day 0 either way
    and the period counts working days only (core.workdays)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    key = idempotency_key.strip()
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        raise DomainError("提交标识无效，请刷新申请页面后重新提交。")
    existing = _existing_submission(key, organisation)
    if existing is not None:
        return existing, False
    if requester_type not in RequesterType.values:
        raise DomainError(f"未知的申请人类型“{requester_type}”。")
    if id_type not in IdType.values:
        raise DomainError("请选择证件类型（条例第二十九条：申请人的身份证明）。")
    if delivery_form not in DeliveryForm.values:
        raise DomainError("请选择获取信息的载体形式（条例第二十九条）。")
    if not requester_name.strip():
        raise DomainError("请填写申请人姓名或名称（条例第二十九条）。")
    if not id_number.strip():
        raise DomainError("请填写证件号码（条例第二十九条：申请人的身份证明）。")
    if not description.strip():
        raise DomainError("请填写所需政府信息的名称、文号或便于查询的其他特征性描述（条例第二十九条）。")
    if not (phone.strip() or email.strip()):
        raise DomainError("请至少填写联系电话或电子邮箱中的一项，用于查询办理进度和接收答复。")
    if email.strip() and not _EMAIL.fullmatch(email.strip()):
        raise DomainError(f"电子邮箱“{email.strip()}”格式不正确。")
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(f"附件最多{MAX_ATTACHMENTS}个。")
    number_checked = validate_id_number(id_type, id_number, today=today)
    checked = [(upload, *_check_attachment(upload)) for upload in attachments]
    received_on = receipt_date(channel=Channel.ONLINE, confirmed_on=today)
    number = _next_number(organisation, received_on.year)  # locks the body: submissions queue here
    existing = _existing_submission(key, organisation)  # a double submit that waited on the lock
    if existing is not None:
        return existing, False
    req = DisclosureRequest(
        organisation=organisation,
        number=number,
        requester_type=requester_type,
        requester_name=requester_name.strip()[:200],
        contact_person=contact_person.strip()[:100],
        id_type=id_type,
        id_number=number_checked,
        phone=phone.strip()[:40],
        email=email.strip(),
        address=address.strip()[:300],
        channel=Channel.ONLINE,
        description=description.strip(),
        delivery_form=delivery_form,
        delivery_way=delivery_way.strip()[:100],
        submitted_at=now,
        received_on=received_on,
        status=RequestStatus.REGISTERED,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError:
        existing = _existing_submission(key, organisation)
        if existing is None:
            raise
        return existing, False
    for upload, kind, digest in checked:
        RequestAttachment.objects.create(
            request=req,
            file=upload,
            original_name=(upload.name or "附件")[:200],
            content_type=kind.content_type,
            size=upload.size or 0,
            sha256=digest,
        )
    _event(req, None, EventKind.SUBMITTED_ONLINE, received_on)
    _recompute(req, workdays.calendar(), today)
    req.version += 1
    req.save()
    audit.record(
        actor=None,
        actor_name=PUBLIC_ACTOR,
        action="request.submit_online",
        organisation=organisation,
        obj=req,
        changes={
            "number": number,
            "channel": Channel.ONLINE,
            "received_on": received_on,
            "due_on": req.due_on,
            "attachments": len(checked),
        },
    )
    notify(
        handlers_of(organisation),
        f"{organisation.name}收到网上政府信息公开申请 {number}，答复期限 {req.due_on}",
        desk_url(req),
    )
    return req, True


def _existing_submission(key: str, organisation: Organisation) -> DisclosureRequest | None:
    existing = DisclosureRequest.objects.filter(idempotency_key=key).select_related("organisation").first()
    if existing is not None and existing.organisation_id != organisation.pk:
        raise DomainError("提交标识无效，请刷新申请页面后重新提交。")
    return existing


# --- assignment -----------------------------------------------------------------------------


@transaction.atomic
def request_assign(
    *,
    actor: User | None,
    request: DisclosureRequest,
    assignee: User | None,
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """Give the request to a handler (承办人), or take it back into the pool (assignee None).
    The assignee must hold REQUEST_HANDLE on the body; they are notified."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    req = _lock(request, version)
    _require_open(req)
    if assignee is not None and not (assignee.is_active and can(assignee, Perm.REQUEST_HANDLE, req.organisation)):
        raise DomainError(
            f"“{assignee.get_full_name() or assignee.username}”不是{req.organisation.name}的依申请公开承办人员。"
        )
    if (assignee.pk if assignee is not None else None) == req.assignee_id:
        raise DomainError("承办人没有变化。")
    before = _snapshot(req)
    req.assignee = assignee
    shown = (assignee.get_full_name() or assignee.username) if assignee is not None else "（未分配）"
    _event(req, actor, EventKind.ASSIGNED, _today(today), note=shown)
    saved = _save(req, actor=actor, role=role, action="request.assign", before=before)
    if assignee is not None and assignee != actor:
        notify([assignee], f"您被指定为政府信息公开申请 {req.number} 的承办人，答复期限 {req.due_on}", desk_url(req))
    return saved


# --- 条例第三十五条: a longer reasonable period ------------------------------------------------


@transaction.atomic
def request_set_custom_period(
    *,
    actor: User | None,
    request: DisclosureRequest,
    days: int,
    reason: str,
    version: int | None = None,
    today: dt.date | None = None,
) -> DisclosureRequest:
    """条例第三十五条: the requester's many or repeated requests go beyond what the office can
    handle; the office sets a longer reasonable period (working days, more than the 20 of
    第三十三条第一款), approved by the head of the openness office. The period replaces the 20
    working days and counts from the same day 0 (deadlines.py)."""
    role = _role(actor, Perm.EXTENSION_APPROVE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    _require_open(req, RequestStatus.REGISTERED, RequestStatus.IN_HANDLING, RequestStatus.PAUSED)
    if isinstance(days, bool) or not isinstance(days, int) or not REPLY_PERIOD < days <= MAX_CUSTOM_PERIOD:
        raise DomainError(
            f"合理答复期限应为{REPLY_PERIOD + 1}至{MAX_CUSTOM_PERIOD}个工作日（条例第三十五条，收到 {days}）。"
        )
    if not reason.strip():
        raise DomainError("请写明确定合理期限的理由（条例第三十五条：申请人申请数量、频次明显超过合理范围）。")
    before = _snapshot(req)
    req.custom_period = days
    _recompute(req, workdays.calendar(), today)
    _event(req, actor, EventKind.CUSTOM_PERIOD_SET, today, days=days, note=reason.strip())
    return _save(
        req, actor=actor, role=role, action="request.set_custom_period", before=before, extra={"reason": reason.strip()}
    )


# --- 条例第四十四条: into proactive disclosure ---------------------------------------------------


@transaction.atomic
def request_release_to_item(
    *,
    actor: User | None,
    request: DisclosureRequest,
    column: CatalogColumn | None = None,
    title: str = "",
    summary: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> InfoItem:
    """条例第四十四条: information released in a reply (予以公开 or 部分公开) becomes a DRAFT
    information item in the body's catalog, which then goes through the normal review chain
    (编审发, 保密审查) before anything is published. Only the description of the information
    is carried over, never the requester's personal data. Once per request.

    ``column``: a CatalogColumn of the body; default the statutory 其他文件 column.
    Needs REQUEST_HANDLE on the body; the item is drafted by the actor when they may draft
    (ITEM_DRAFT), otherwise on the platform's behalf with the handler named in the audit."""
    role = _role(actor, Perm.REQUEST_HANDLE, request.organisation)
    today = _today(today)
    req = _lock(request, version)
    if req.status not in (RequestStatus.REPLIED, RequestStatus.CLOSED) or req.result_code not in (
        ResultCode.DISCLOSED,
        ResultCode.PARTLY_DISCLOSED,
    ):
        raise DomainError(
            "只有已答复且结果为予以公开或部分公开的申请，其公开的信息才能转为主动公开（条例第四十四条）。"
        )
    if req.released_item_id is not None or req.events.filter(kind=EventKind.RELEASED_TO_ITEM).exists():
        raise DomainError(f"申请“{req.number}”公开的信息已转为主动公开，不能重复操作。")
    if column is None:
        column = CatalogColumn.objects.filter(organisation=req.organisation, key=ColumnKey.OTHER_DOCS).first()
        if column is None:
            raise DomainError(f"{req.organisation.name}的公开目录尚无“其他文件”栏目，请选择栏目。")
    elif column.organisation_id != req.organisation_id:
        raise DomainError(f"栏目“{column.title}”不属于{req.organisation.name}。")
    text = req.description.strip()
    title = (title.strip() or text.splitlines()[0])[:300]
    drafter = actor if actor is not None and can(actor, Perm.ITEM_DRAFT, req.organisation) else None
    item = publishing.item_create(
        actor=drafter,
        organisation=req.organisation,
        column=column,
        title=title,
        formed_on=req.replied_on or today,
        summary=summary.strip() or text,
    )
    before = _snapshot(req)
    req.released_item = item
    _event(req, actor, EventKind.RELEASED_TO_ITEM, today, note=f"草稿信息 #{item.pk}：{title}")
    _save(req, actor=actor, role=role, action="request.release_to_item", before=before, extra={"item": item.pk})
    return item
