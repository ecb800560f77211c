"""Reminders of the reply deadline (答复期限提醒): 5 and 2 working days before the due date,
and once when it has passed.

Sent to the request's assignee, or, while nobody is assigned, to the body's handlers (the
openness office). Each kind is sent once per due date (ReminderSent rows): a due date that
moves (an extension, a consultation, a calendar change) may earn the reminders again.
Only requests whose reply period is running are reminded (selectors.RUNNING_STATUSES): the
period restarts after a correction (条例第三十条) and stands still during a consultation
(条例第三十二条、第三十四条).

A consultation has its own timer: the third party or the other body answers within 15
working days (条例第三十二条、第三十四条). While a request is paused, the running
consultation's timer is reminded the same way (5 and 2 working days before, and once when
it has passed), each kind once per consultation due date.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from gongkai.core import audit, workdays
from gongkai.core.models import User
from gongkai.core.notifications import notify

from .deadlines import ConsultationTimer
from .models import DisclosureRequest, ReminderKind, ReminderSent, RequestEvent, RequestStatus
from .selectors import RUNNING_STATUSES, request_consultations
from .services import desk_url, handlers_of

#: Working days before the due date at which the reminders go out, most urgent last.
BEFORE: tuple[tuple[int, ReminderKind], ...] = ((5, ReminderKind.DUE5), (2, ReminderKind.DUE2))


def reminder_kind(*, calendar: workdays.WorkdayCalendar, today: dt.date, due_on: dt.date) -> ReminderKind | None:
    """The reminder a request due on ``due_on`` calls for on ``today``: the most urgent one
    that applies (a run missed on the 5-day mark does not send both on the 2-day mark)."""
    if today > due_on:
        return ReminderKind.OVERDUE
    left = calendar.workdays_between(today, due_on).count
    kind: ReminderKind | None = None
    for days, candidate in BEFORE:
        if left <= days:
            kind = candidate
    return kind


#: The reply-deadline reminder kind → the same urgency for a consultation's timer.
CONSULTATION_KINDS = {
    ReminderKind.DUE5: ReminderKind.CONSULT5,
    ReminderKind.DUE2: ReminderKind.CONSULT2,
    ReminderKind.OVERDUE: ReminderKind.CONSULT_OVER,
}


def _consultation_message(req: DisclosureRequest, timer: ConsultationTimer, kind: ReminderKind, left: int) -> str:
    if kind == ReminderKind.CONSULT_OVER:
        return (
            f"申请 {req.number} 的{timer.who}已超过15个工作日的期限 {timer.due}：{timer.silence}。"
            "请登记征求意见结束，恢复计算答复期限"
        )
    return f"申请 {req.number} 的{timer.who}距期限 {timer.due} 还有 {left} 个工作日（{timer.article}）"


def _message(req: DisclosureRequest, kind: ReminderKind, left: int) -> str:
    if kind == ReminderKind.OVERDUE:
        return f"申请 {req.number} 已超过答复期限 {req.due_on}，请尽快答复（条例第三十三条）"
    return f"申请 {req.number} 距答复期限 {req.due_on} 还有 {left} 个工作日，请按时答复"


@transaction.atomic
def request_reminders_send(*, today: dt.date | None = None) -> int:
    """Send the reminders due on ``today``; returns how many were sent. Safe to run any number
    of times a day."""
    today = today if today is not None else timezone.localdate()
    calendar = workdays.calendar()
    horizon = calendar.add_workdays(today, max(days for days, _kind in BEFORE)).date
    candidates = (
        DisclosureRequest.objects.filter(status__in=RUNNING_STATUSES, due_on__isnull=False, due_on__lte=horizon)
        .select_related("organisation", "assignee")
        .order_by("due_on", "pk")
    )
    sent_before = set(ReminderSent.objects.filter(request__in=candidates).values_list("request_id", "kind", "due_on"))
    handlers: dict[int, list[User]] = {}
    new: list[ReminderSent] = []
    for req in candidates:
        if req.due_on is None:  # filtered out above; keeps the type checker informed
            continue
        kind = reminder_kind(calendar=calendar, today=today, due_on=req.due_on)
        if kind is None or (req.pk, kind.value, req.due_on) in sent_before:
            continue
        if req.assignee is not None and req.assignee.is_active:
            recipients = [req.assignee]
        else:
            if req.organisation_id not in handlers:
                handlers[req.organisation_id] = handlers_of(req.organisation)
            recipients = handlers[req.organisation_id]
        left = calendar.workdays_between(today, req.due_on).count
        notify(recipients, _message(req, kind, left), desk_url(req))
        new.append(ReminderSent(request=req, kind=kind, due_on=req.due_on, sent_on=today))
    new += _consultation_reminders(calendar, today, handlers)
    ReminderSent.objects.bulk_create(new, ignore_conflicts=True)  # a run racing another sends no error
    if new:
        audit.record(
            actor=None,
            action="request.reminders_send",
            changes={"day": today.isoformat(), "sent": len(new)},
        )
    return len(new)


def _recipients(req: DisclosureRequest, handlers: dict[int, list[User]]) -> list[User]:
    if req.assignee is not None and req.assignee.is_active:
        return [req.assignee]
    if req.organisation_id not in handlers:
        handlers[req.organisation_id] = handlers_of(req.organisation)
    return handlers[req.organisation_id]


def _consultation_reminders(
    calendar: workdays.WorkdayCalendar, today: dt.date, handlers: dict[int, list[User]]
) -> list[ReminderSent]:
    """The reminders of the running consultations' 15-working-day timers (unsaved rows)."""
    paused = list(
        DisclosureRequest.objects.filter(status=RequestStatus.PAUSED)
        .select_related("organisation", "assignee")
        .prefetch_related(Prefetch("events", queryset=RequestEvent.objects.order_by("on", "pk")))
        .order_by("pk")
    )
    sent_before = set(
        ReminderSent.objects.filter(request__in=paused, kind__in=CONSULTATION_KINDS.values()).values_list(
            "request_id", "kind", "due_on"
        )
    )
    new: list[ReminderSent] = []
    for req in paused:
        timers = request_consultations(request=req, calendar=calendar, events=req.events.all())
        running = [t for t in timers if t.ended is None]
        if not running:
            continue
        timer = running[-1]
        urgency = reminder_kind(calendar=calendar, today=today, due_on=timer.due)
        if urgency is None:
            continue
        kind = CONSULTATION_KINDS[urgency]
        if (req.pk, kind.value, timer.due) in sent_before:
            continue
        left = calendar.workdays_between(today, timer.due).count
        notify(_recipients(req, handlers), _consultation_message(req, timer, kind, left), desk_url(req))
        new.append(ReminderSent(request=req, kind=kind, due_on=timer.due, sent_on=today))
    return new
