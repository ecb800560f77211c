"""Openness statistics for the openness office and the supervisors (公开工作统计).

Two halves:

* **Scope** (the selector part): ``statistics_scope(user)`` is every body whose statistics the
  user may read, and ``Filters.bodies()`` narrows it to the body (with or without its
  descendants) chosen on the page. Nothing outside the scope is ever counted.
* **Aggregation**: pure functions over querysets, each one or two GROUP BY queries. The
  figures are built once (``Statistics``) and shown as a table, a chart and an .xlsx file, so
  the three always carry the same numbers.

Definitions (each one stated where it is computed):

* received in the period: ``received_on`` in the period;
* replied (答复) in the period: status 已答复 / 已办结 with ``replied_on`` in the period (a request
  withdrawn or treated as abandoned ends without a reply and is not a reply; nor is one whose
  result is 其他处理-1 or -2, 不再处理, even when imported from a ledger with another status);
* result mix: every request concluded in the period with a result code, by the rows of
  annual-report table III (so withdrawals, 其他处理-3, and abandonments, 其他处理-1, count);
* on time: replied on or before ``due_on`` (条例第三十三条, the due date kept by the request desk,
  including extensions and pauses). A reply without a recorded due date (old ledger rows) is
  counted apart, not guessed;
* working days to reply: ``core.workdays`` — working days after receipt up to the reply day;
* overdue open requests: in the running period (已登记 / 办理中) with ``due_on`` before today.
  A request waiting for a correction (条例第三十条: the period restarts on the corrected request)
  or in a consultation (第三十二条、第三十四条: the clock stops) is not overdue;
* proactive items published: proactive items first published in the period (withdrawn later or not);
* Art. 26 timeliness (条例第二十六条: within 20 working days of forming or change): proactive items
  whose due date falls in the period; on time when first published on or before the due date
  (the rule of the item page, publishing's ``published_late``), late when published after it or
  still unpublished once it has passed; items not yet published and not yet due are pending.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from gongkai.core import workdays
from gongkai.core.models import Organisation
from gongkai.core.permissions import AnyUser, Perm, organisations_where
from gongkai.core.workdays import WorkdayCalendar
from gongkai.publishing.models import DisclosureMode, InfoItem
from gongkai.requests.models import DisclosureRequest, RequestStatus, ResultCode, result_group
from gongkai.requests.models.choices import RESULT_GROUPS

#: A request in one of these statuses has been answered by a reply letter.
REPLIED_STATUSES = (RequestStatus.REPLIED, RequestStatus.CLOSED)
#: Results that end a request without a reply (行政机关不再处理: no correction in time, fee not
#: paid). The desk marks them 视为放弃; a row imported from a ledger may carry them with another
#: status, so the result decides as well.
NO_REPLY_RESULTS = (ResultCode.OTHER_1, ResultCode.OTHER_2)


def answered_requests(requests: QuerySet[DisclosureRequest]) -> QuerySet[DisclosureRequest]:
    """The requests answered by a reply letter (whatever way they reached the platform)."""
    return requests.filter(status__in=REPLIED_STATUSES).exclude(result_code__in=NO_REPLY_RESULTS)


#: The period runs in these statuses: past due_on it is overdue (see the module docstring).
RUNNING_STATUSES = (RequestStatus.REGISTERED, RequestStatus.IN_HANDLING)


# --- scope (selectors) -------------------------------------------------------------------


def statistics_scope(user: AnyUser) -> list[Organisation]:
    """Every body whose statistics the user may read (Perm.STATISTICS_VIEW: office officers and
    heads, supervisors), in tree order. Each role covers its body and, when granted with
    descendants, the bodies below it (core.permissions)."""
    return list(organisations_where(user, Perm.STATISTICS_VIEW).order_by("path"))


@dataclass(frozen=True, slots=True)
class Period:
    """A run of days, both ends included."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)

    @property
    def label(self) -> str:
        if self.is_year:
            return f"{self.start.year}年"
        return f"{self.start.isoformat()}至{self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """For file names: 2025 or 20250101-20250630."""
        return str(self.start.year) if self.is_year else f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes in the site's time zone: [start, end + 1 day)."""
        zone = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, zone),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, zone),
        )


@dataclass(frozen=True, slots=True)
class Filters:
    """What the page asks for: a body (None: the whole scope), whether its descendants count,
    and the period."""

    period: Period
    organisation: Organisation | None = None
    descendants: bool = True

    def bodies(self, scope: Sequence[Organisation]) -> list[Organisation]:
        """The bodies counted: the chosen one (with its descendants) within the scope."""
        if self.organisation is None:
            return list(scope)
        root = self.organisation
        if not self.descendants:
            return [org for org in scope if org.pk == root.pk]
        return [org for org in scope if org.pk == root.pk or org.path.startswith(root.path)]


# --- figures ------------------------------------------------------------------------------


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as "—", never as 0 %)."""
    return part / whole if whole else None


def average(total: int, count: int) -> Decimal | None:
    """total / count to one decimal place (half up), or None when count is 0."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: dt.date
    received: int
    replied: int


@dataclass(frozen=True, slots=True)
class ResultCount:
    code: str
    label: str
    group: str
    count: int


@dataclass(frozen=True, slots=True)
class ResultMix:
    rows: list[ResultCount]
    #: (group label, count) in the order of the annual-report table.
    groups: list[tuple[str, int]]
    total: int


@dataclass(slots=True)
class BodyReplies:
    """Replies of one body in the period: how many, how many on time, and working days."""

    organisation: Organisation | None  # None: the total row
    replied: int = 0
    on_time: int = 0
    late: int = 0
    no_due: int = 0
    workdays_total: int = 0
    provisional: bool = False

    @property
    def with_due(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.with_due)

    @property
    def average_workdays(self) -> Decimal | None:
        return average(self.workdays_total, self.replied)


@dataclass(frozen=True, slots=True)
class BodyOverdue:
    organisation: Organisation
    overdue: int
    oldest_due: dt.date | None


@dataclass(frozen=True, slots=True)
class BodyItems:
    organisation: Organisation
    published: int


@dataclass(frozen=True, slots=True)
class ColumnItems:
    title: str
    published: int


@dataclass(slots=True)
class BodyArt26:
    organisation: Organisation | None  # None: the total row
    on_time: int = 0
    late_published: int = 0
    overdue_unpublished: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late_published + self.overdue_unpublished

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.decided)


# --- aggregation ---------------------------------------------------------------------------


def requests_of(bodies: Iterable[Organisation]) -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(organisation_id__in=[b.pk for b in bodies]).order_by()


def proactive_items_of(bodies: Iterable[Organisation]) -> QuerySet[InfoItem]:
    """Items to be disclosed proactively (条例第二十六条 binds these only, as publishing's
    selectors.late_or_due_soon)."""
    return InfoItem.objects.filter(
        organisation_id__in=[b.pk for b in bodies], disclosure_mode=DisclosureMode.PROACTIVE
    ).order_by()


def requests_by_month(requests: QuerySet[DisclosureRequest], period: Period) -> list[MonthCount]:
    """Received (by day of receipt) and replied (by reply day) per month: two GROUP BY queries."""
    window = (period.start, period.end)
    received = _per_month(requests.filter(received_on__range=window), "received_on")
    answered = _per_month(answered_requests(requests).filter(replied_on__range=window), "replied_on")
    return [MonthCount(m, received.get(m, 0), answered.get(m, 0)) for m in period.months()]


def _per_month(requests: QuerySet[DisclosureRequest], day_field: str) -> dict[dt.date, int]:
    """Counts per first day of the month. Grouped by the day in SQL (at most 366 groups a
    year, on an indexed plain column) and folded into months here: portable, and much faster
    on SQLite than a month truncation evaluated row by row."""
    counts: dict[dt.date, int] = {}
    for day, n in requests.values_list(day_field).annotate(n=Count("pk")).values_list(day_field, "n"):
        month = day.replace(day=1)
        counts[month] = counts.get(month, 0) + n
    return counts


def result_mix(requests: QuerySet[DisclosureRequest], period: Period) -> ResultMix:
    """Requests concluded in the period by result (rows of annual-report table III): one query."""
    counts = dict(
        requests.filter(replied_on__range=(period.start, period.end))
        .exclude(result_code="")
        .values_list("result_code")
        .annotate(n=Count("pk"))
        .values_list("result_code", "n")
    )
    rows = [ResultCount(c.value, str(c.label), result_group(c.value), counts.get(c.value, 0)) for c in ResultCode]
    groups: dict[str, int] = dict.fromkeys(RESULT_GROUPS.values(), 0)
    for row in rows:
        groups[row.group] += row.count
    return ResultMix(rows=rows, groups=list(groups.items()), total=sum(groups.values()))


class WorkdaySpans:
    """Working days between many pairs of dates (core.workdays.WorkdayCalendar.workdays_between)
    from one walk over the calendar: each day between the earliest and the latest date is
    classified once by the calendar, and a span is the difference of two running totals.
    The same answer as workdays_between, pair for pair (tests/test_statistics checks it)."""

    def __init__(self, calendar: WorkdayCalendar, first: dt.date, last: dt.date) -> None:
        self.first_day_counts = calendar.first_day_counts
        self._status: dict[dt.date, tuple[bool, bool]] = {}
        #: date → (working days, provisional days) from ``first`` up to and including it.
        self._running: dict[dt.date, tuple[int, int]] = {}
        workdays = provisional = 0
        day = first
        while day <= last:
            status = calendar.day_kind(day)
            workdays += status.is_workday
            provisional += status.provisional
            self._status[day] = (status.is_workday, status.provisional)
            self._running[day] = (workdays, provisional)
            day += dt.timedelta(days=1)

    def between(self, start: dt.date, end: dt.date) -> tuple[int, bool]:
        """(working days after ``start`` up to and including ``end``, provisional)."""
        if end < start or (end == start and not self.first_day_counts):
            return 0, False
        work_end, prov_end = self._running[end]
        work_start, prov_start = self._running[start]
        days, provisional = work_end - work_start, prov_end - prov_start
        if self.first_day_counts:  # the start day is day 1 (core.workdays.add_workdays)
            is_workday, is_provisional = self._status[start]
            days += is_workday
            provisional += is_provisional
        return days, provisional > 0


def replies_by_body(
    requests: QuerySet[DisclosureRequest], period: Period, bodies: Sequence[Organisation], calendar: WorkdayCalendar
) -> list[BodyReplies]:
    """Per body: replies in the period, on time or late against due_on, and the working days
    from receipt to reply (core.workdays). One GROUP BY query: requests with the same body,
    day of receipt and reply day share one row; the calendar is walked once (WorkdaySpans)."""
    rows = {b.pk: BodyReplies(b) for b in bodies}
    grouped = list(
        answered_requests(requests)
        .filter(replied_on__range=(period.start, period.end))
        .values_list("organisation_id", "received_on", "replied_on")
        .annotate(
            n=Count("pk"),
            no_due=Count("pk", filter=Q(due_on__isnull=True)),
            on_time=Count("pk", filter=Q(replied_on__lte=F("due_on"))),
        )
    )
    if not grouped:
        return [rows[b.pk] for b in bodies]
    spans = WorkdaySpans(calendar, min(min(g[1], g[2]) for g in grouped), max(max(g[1], g[2]) for g in grouped))
    for org_id, received, replied, n, no_due, on_time in grouped:
        row = rows.get(org_id)
        if row is None:
            continue
        days, provisional = spans.between(received, replied)
        row.replied += n
        row.no_due += no_due
        row.on_time += on_time
        row.late += n - no_due - on_time
        row.workdays_total += days * n
        row.provisional = row.provisional or provisional
    return [rows[b.pk] for b in bodies]


def total_replies(rows: Iterable[BodyReplies]) -> BodyReplies:
    total = BodyReplies(None)
    for row in rows:
        total.replied += row.replied
        total.on_time += row.on_time
        total.late += row.late
        total.no_due += row.no_due
        total.workdays_total += row.workdays_total
        total.provisional = total.provisional or row.provisional
    return total


def overdue_by_body(
    requests: QuerySet[DisclosureRequest], bodies: Sequence[Organisation], today: dt.date
) -> list[BodyOverdue]:
    """Per body: open requests whose reply period has run out (running, due_on before today)."""
    counts = {
        org_id: (n, oldest)
        for org_id, n, oldest in requests.filter(status__in=RUNNING_STATUSES, due_on__lt=today)
        .values_list("organisation_id")
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .values_list("organisation_id", "n", "oldest")
    }
    return [BodyOverdue(b, *counts.get(b.pk, (0, None))) for b in bodies]


def items_by_body(items: QuerySet[InfoItem], period: Period, bodies: Sequence[Organisation]) -> list[BodyItems]:
    """Per body: proactive items first published in the period (publish time reached)."""
    counts = dict(
        _published_in(items, period)
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    return [BodyItems(b, counts.get(b.pk, 0)) for b in bodies]


def items_by_column(items: QuerySet[InfoItem], period: Period) -> list[ColumnItems]:
    """Proactive items first published in the period per catalog column, columns of the same
    title in different bodies added up; most items first."""
    rows = (
        _published_in(items, period)
        .values_list("column__title")
        .annotate(n=Count("pk"))
        .values_list("column__title", "n")
    )
    return sorted((ColumnItems(title, n) for title, n in rows), key=lambda r: (-r.published, r.title))


def _published_in(items: QuerySet[InfoItem], period: Period) -> QuerySet[InfoItem]:
    start, end = period.bounds()
    return items.filter(first_published_at__gte=start, first_published_at__lt=min(end, timezone.now()))


def art26_by_body(
    items: QuerySet[InfoItem], period: Period, bodies: Sequence[Organisation], today: dt.date
) -> list[BodyArt26]:
    """Per body, proactive items whose Art. 26 due date falls in the period: published on
    time, published late, unpublished past the due date, pending. One GROUP BY query."""
    published = Q(first_published_at__isnull=False)
    unpublished = Q(first_published_at__isnull=True)
    grouped = (
        items.filter(due_on__range=(period.start, period.end))
        .values_list("organisation_id")
        .annotate(
            on_time=Count("pk", filter=published & Q(first_published_at__date__lte=F("due_on"))),
            late=Count("pk", filter=published & Q(first_published_at__date__gt=F("due_on"))),
            overdue=Count("pk", filter=unpublished & Q(due_on__lt=today)),
            pending=Count("pk", filter=unpublished & Q(due_on__gte=today)),
        )
        .values_list("organisation_id", "on_time", "late", "overdue", "pending")
    )
    counts = {org_id: values for org_id, *values in grouped}
    rows = []
    for body in bodies:
        on_time, late, overdue, pending = counts.get(body.pk, (0, 0, 0, 0))
        rows.append(BodyArt26(body, on_time, late, overdue, pending))
    return rows


def total_art26(rows: Iterable[BodyArt26]) -> BodyArt26:
    total = BodyArt26(None)
    for row in rows:
        total.on_time += row.on_time
        total.late_published += row.late_published
        total.overdue_unpublished += row.overdue_unpublished
        total.pending += row.pending
    return total


# --- the whole page ------------------------------------------------------------------------


@dataclass
class Statistics:
    """Every figure of the page for ``bodies`` (already scoped), computed on first use: the
    page uses them all, an .xlsx download only the one it exports."""

    bodies: list[Organisation]
    period: Period
    today: dt.date

    @cached_property
    def calendar(self) -> WorkdayCalendar:
        return workdays.calendar()  # one query

    @cached_property
    def requests(self) -> QuerySet[DisclosureRequest]:
        return requests_of(self.bodies)

    @cached_property
    def items(self) -> QuerySet[InfoItem]:
        return proactive_items_of(self.bodies)

    @cached_property
    def by_month(self) -> list[MonthCount]:
        return requests_by_month(self.requests, self.period)

    @cached_property
    def results(self) -> ResultMix:
        return result_mix(self.requests, self.period)

    @cached_property
    def replies(self) -> list[BodyReplies]:
        return replies_by_body(self.requests, self.period, self.bodies, self.calendar)

    @cached_property
    def replies_total(self) -> BodyReplies:
        return total_replies(self.replies)

    @cached_property
    def overdue(self) -> list[BodyOverdue]:
        return overdue_by_body(self.requests, self.bodies, self.today)

    @cached_property
    def items_per_body(self) -> list[BodyItems]:
        return items_by_body(self.items, self.period, self.bodies)

    @cached_property
    def items_per_column(self) -> list[ColumnItems]:
        return items_by_column(self.items, self.period)

    @cached_property
    def art26(self) -> list[BodyArt26]:
        return art26_by_body(self.items, self.period, self.bodies, self.today)

    @cached_property
    def art26_total(self) -> BodyArt26:
        return total_art26(self.art26)
