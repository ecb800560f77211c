"""Reads of the request desk, scoped to what the user may see.

Every list starts from `organisations_where(user, Perm.REQUEST_HANDLE)`: a request of a body
outside the user's scope does not exist for them (the workspace answers 404). Lists select
the organisation and the assignee with the row, so a page of them costs one query whatever
its length.

Personal data of the requester (条例 and the platform's privacy rule, DOMAIN.md) are shown in
full only to the body's handlers and the audit administrators (`can_see_personal_data`);
everyone else gets `DisclosureRequest.masked()`.
"""

import datetime as dt
import hmac
import re
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongkai.core import workdays
from gongkai.core.models import Organisation
from gongkai.core.permissions import AnyUser, Perm, can, organisations_where
from gongkai.core.workdays import WorkdayCalendar

from .deadlines import ConsultationTimer, PauseReason, consultation_timer
from .models import (
    OPEN_STATUSES,
    DeskSettings,
    DisclosureRequest,
    EventKind,
    FeeNotice,
    Letter,
    PauseKind,
    RequestAttachment,
    RequestEvent,
    RequestStatus,
)

#: The statuses in which the reply period runs, so a due date in the past means overdue. A
#: request waiting for a correction has no running period (条例第三十条: it restarts), and the
#: due date of a paused one moves on every day of the pause (条例第三十二条、第三十四条).
RUNNING_STATUSES = (RequestStatus.REGISTERED, RequestStatus.IN_HANDLING)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _base() -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.select_related("organisation", "assignee")


def _overdue(today: dt.date) -> Q:
    return Q(status__in=RUNNING_STATUSES, due_on__lt=today)


def _filtered(
    result: QuerySet[DisclosureRequest],
    *,
    organisation: Organisation | None,
    status: str | None,
    q: str,
    overdue: bool,
    today: dt.date | None,
) -> QuerySet[DisclosureRequest]:
    """The list filters shared by requests_for_desk and requests_for_reading."""
    if organisation is not None:
        result = result.filter(organisation=organisation)
    if status == "open":
        result = result.filter(status__in=OPEN_STATUSES)
    elif status:
        result = result.filter(status=status)
    for word in q.split()[:5]:
        result = result.filter(
            Q(number__icontains=word) | Q(description__icontains=word) | Q(requester_name__icontains=word)
        )
    if overdue:
        result = result.filter(_overdue(_today(today)))
    return result


def requests_for_desk(
    *,
    user: AnyUser,
    organisation: Organisation | None = None,
    status: str | None = None,
    q: str = "",
    overdue: bool = False,
    assignee: AnyUser | None = None,
    today: dt.date | None = None,
) -> QuerySet[DisclosureRequest]:
    """The requests of the bodies where the user handles requests, newest receipt first.

    organisation: only that body (nothing when it is outside the scope); status: one
    RequestStatus value, or "open" for every open one; q: words found in the number, the
    description or the requester's name; overdue: open, running and past the due date."""
    result = _base().filter(organisation__in=organisations_where(user, Perm.REQUEST_HANDLE))
    result = _filtered(result, organisation=organisation, status=status, q=q, overdue=overdue, today=today)
    if assignee is not None:
        result = result.filter(assignee_id=assignee.pk)
    return result.order_by("-received_on", "-pk")


def requests_inbox(*, user: AnyUser) -> QuerySet[DisclosureRequest]:
    """待办: the open requests assigned to the user, and the open unassigned ones of the bodies
    where the user handles requests; the soonest due first (those without a due date last)."""
    if not user.is_authenticated:
        return DisclosureRequest.objects.none()
    scope = organisations_where(user, Perm.REQUEST_HANDLE)
    mine = Q(assignee_id=user.pk) | Q(assignee__isnull=True)
    return (
        _base().filter(mine, organisation__in=scope, status__in=OPEN_STATUSES).order_by("due_on", "received_on", "pk")
    )


def requests_overdue_by_body(*, user: AnyUser, today: dt.date | None = None) -> list[tuple[Organisation, int]]:
    """For each body in the user's scope with overdue requests: (body, how many), most first."""
    today = _today(today)
    rows = (
        organisations_where(user, Perm.REQUEST_HANDLE)
        .annotate(
            overdue=Count(
                "disclosure_requests",
                filter=Q(
                    disclosure_requests__status__in=RUNNING_STATUSES,
                    disclosure_requests__due_on__lt=today,
                ),
            )
        )
        .filter(overdue__gt=0)
        .order_by("-overdue", "path")
    )
    return [(org, int(org.overdue)) for org in rows]


def reading_scope(user: AnyUser) -> QuerySet[Organisation]:
    """The bodies whose requests the user may read: where they handle requests, and where
    they audit (AUDIT_READ: the audit administrators read everything, change nothing)."""
    handle = organisations_where(user, Perm.REQUEST_HANDLE).values("pk")
    audit = organisations_where(user, Perm.AUDIT_READ).values("pk")
    return Organisation.objects.filter(Q(pk__in=handle) | Q(pk__in=audit))


def requests_for_reading(
    *,
    user: AnyUser,
    organisation: Organisation | None = None,
    status: str | None = None,
    q: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[DisclosureRequest]:
    """requests_for_desk over reading_scope: the handlers' bodies and the audited ones."""
    result = _base().filter(organisation__in=reading_scope(user))
    result = _filtered(result, organisation=organisation, status=status, q=q, overdue=overdue, today=today)
    return result.order_by("-received_on", "-pk")


def request_for_reading(*, user: AnyUser, pk: int) -> DisclosureRequest:
    """One request the user may read (reading_scope); DisclosureRequest.DoesNotExist otherwise.
    Writing still needs request_for_desk and the services' permission checks."""
    return _base().filter(organisation__in=reading_scope(user)).get(pk=pk)


def request_for_desk(*, user: AnyUser, pk: int) -> DisclosureRequest:
    """One request in the user's scope; DisclosureRequest.DoesNotExist otherwise (a 404, the
    same as a request that does not exist)."""
    return _base().filter(organisation__in=organisations_where(user, Perm.REQUEST_HANDLE)).get(pk=pk)


def letter_for_reading(*, user: AnyUser, pk: int) -> Letter:
    """A letter of a request the user handles or audits (reading_scope); Letter.DoesNotExist
    otherwise."""
    return Letter.objects.select_related("request").get(pk=pk, request__organisation__in=reading_scope(user))


def can_see_personal_data(*, user: AnyUser, request: DisclosureRequest) -> bool:
    """Whether the user may see the requester's personal data unmasked: the handlers of that
    body (REQUEST_HANDLE) and the audit administrators (AUDIT_READ)."""
    organisation = request.organisation
    return can(user, Perm.REQUEST_HANDLE, organisation) or can(user, Perm.AUDIT_READ, organisation)


def request_timeline(*, request: DisclosureRequest) -> QuerySet[RequestEvent]:
    """The request's events in order, with who did each."""
    return request.events.select_related("actor").order_by("on", "pk")


def request_consultations(
    *,
    request: DisclosureRequest,
    calendar: WorkdayCalendar | None = None,
    events: Iterable[RequestEvent] | None = None,
) -> list[ConsultationTimer]:
    """The request's consultations (条例第三十二条、第三十四条) in order, each with its own
    15-working-day timer; the one still running has no ``ended``. One query (plus the calendar
    when not given); none when ``events`` (the request's events, in order) are given."""
    source = events if events is not None else request.events.order_by("on", "pk")
    events = [e for e in source if e.kind in (EventKind.PAUSE_STARTED, EventKind.PAUSE_ENDED)]
    if not events:
        return []
    calendar = calendar if calendar is not None else workdays.calendar()
    timers: list[ConsultationTimer] = []
    start: RequestEvent | None = None
    for event in events:
        if event.kind == EventKind.PAUSE_STARTED:
            start = event
        elif start is not None:
            timers.append(_timer(calendar, start, event.on))
            start = None
    if start is not None:
        timers.append(_timer(calendar, start, None))
    return timers


def _timer(calendar: WorkdayCalendar, start: RequestEvent, ended: dt.date | None) -> ConsultationTimer:
    reason: PauseReason = "third_party" if start.pause_kind == PauseKind.THIRD_PARTY else "other_body"
    return consultation_timer(calendar, started=start.on, reason=reason, ended=ended)


def request_attachments(*, request: DisclosureRequest) -> QuerySet[RequestAttachment]:
    return request.attachments.order_by("pk")


def request_fee_notices(*, request: DisclosureRequest) -> QuerySet[FeeNotice]:
    return request.fee_notices.order_by("issued_on", "pk")


def desk_settings_for(organisation: Organisation) -> DeskSettings:
    """The body's desk settings, or the defaults (fees off) when it never set them (unsaved)."""
    found = DeskSettings.objects.filter(organisation=organisation).first()
    return found if found is not None else DeskSettings(organisation=organisation)


def _normalise_phone(value: str) -> str:
    digits = re.sub(r"[^0-9]", "", value)
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def request_find_for_requester(*, tracking_code: str, contact: str) -> DisclosureRequest | None:
    """The request for the public status page: the tracking code plus the phone number or the
    e-mail address given on the request (normalised: digits only for phones, +86 dropped;
    e-mail case-insensitive). Compared in constant time; None whatever is wrong, so a guess
    learns nothing."""
    code = tracking_code.strip()
    given = contact.strip()
    if not code or not given or len(code) > 32:
        return None
    req = DisclosureRequest.objects.filter(tracking_code=code).select_related("organisation").first()
    phone = _normalise_phone(req.phone) if req is not None else ""
    email = req.email.strip().lower() if req is not None else ""
    # Both comparisons always run, so the time taken does not tell which part was wrong; a
    # contact the request lacks never matches.
    phone_ok = hmac.compare_digest(_normalise_phone(given).encode(), phone.encode()) and bool(phone)
    email_ok = hmac.compare_digest(given.lower().encode(), email.encode()) and bool(email)
    if req is None or not (phone_ok or email_ok):
        return None
    return req
