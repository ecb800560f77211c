"""Reads behind the staff workspace's publishing pages (待办, review queues, calendar,
timeliness). Every read starts from publishing.selectors.items_for(user), so nothing
outside the user's bodies is ever returned.

Which stage an item waits for depends on its body's PublishingSettings.stage_roles, a
JSON list: candidate items are fetched in one query, the settings in one more, and the
stage role is matched in Python (portable across SQLite and PostgreSQL, no JSON-path SQL).
"""

import calendar as month_calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core import workdays
from gongkai.core.models import Notification, Organisation, Role, User
from gongkai.core.permissions import AnyUser, Perm, has_role, organisations_where

from . import selectors
from .models import (
    DisclosureMode,
    InfoItem,
    ItemState,
    ItemVersion,
    PublishingSettings,
    ReviewAction,
    ReviewDecision,
)
from .models.settings import DEFAULT_STAGE_ROLES

#: 待办 and the timeliness page flag items due within this many working days.
DUE_SOON_WORKDAYS = 5

_REVIEW_PERMS = (Perm.ITEM_REVIEW_FIRST, Perm.ITEM_REVIEW_SECOND, Perm.ITEM_REVIEW_FINAL)


def reviewer_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The bodies on which the user holds any review role."""
    condition = Q(pk__in=[])
    for perm in _REVIEW_PERMS:
        condition |= Q(pk__in=organisations_where(user, perm).values("pk"))
    return Organisation.objects.filter(condition)


def stage_roles_of(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each body's review stages (the roles, in order), in one query."""
    ids = set(organisation_ids)
    stored = dict(
        PublishingSettings.objects.filter(organisation_id__in=ids).values_list("organisation_id", "stage_roles")
    )
    return {pk: list(stored.get(pk) or DEFAULT_STAGE_ROLES) for pk in ids}


def with_review_facts(items: QuerySet[InfoItem], user: User) -> QuerySet[InfoItem]:
    """Annotate who last edited each item and whether `user` already passed another
    stage of its current round (the two independence rules of item_review)."""
    return items.annotate(
        last_editor_id=Subquery(
            ItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number").values("author_id")[:1]
        ),
        passed_other_stage=Exists(
            ReviewAction.objects.filter(
                item=OuterRef("pk"), round=OuterRef("review_round"), actor=user, decision=ReviewDecision.APPROVE
            ).exclude(stage=OuterRef("review_stage"))
        ),
    )


def review_blocker(user: User, item: InfoItem) -> str:
    """Why `user` may not review the annotated item, or "" (the services decide; this
    only spares the reviewer a form that would be refused)."""
    if user.pk in (item.created_by_id, getattr(item, "last_editor_id", None)):
        return _("不能审核自己起草或最后修改的信息。")
    if getattr(item, "passed_other_stage", False):
        return _("同一人不能办理同一信息的两个审核环节。")
    return ""


def stage_role(roles: list[str], stage: int) -> str:
    return roles[stage - 1] if 1 <= stage <= len(roles) else ""


def stage_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


# --- 待办 -----------------------------------------------------------------------------


class TodoKind(StrEnum):
    REVIEW = "review"
    PUBLISH = "publish"
    POST_REVIEW = "post_review"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class TodoEntry:
    item: InfoItem
    kind: TodoKind
    task: str


def _todo_entry(user: User, item: InfoItem, roles: list[str]) -> TodoEntry | None:
    org = item.organisation
    independent = user.pk not in (item.created_by_id, getattr(item, "last_editor_id", None))
    if item.state == ItemState.IN_REVIEW:
        role = stage_role(roles, item.review_stage)
        if role and has_role(user, role, org) and not review_blocker(user, item):
            return TodoEntry(item, TodoKind.REVIEW, _("待%(role)s（第%(stage)d环节）") % {
                "role": stage_label(role), "stage": item.review_stage,
            })  # fmt: skip
    if item.state == ItemState.APPROVED and roles and has_role(user, roles[-1], org):
        return TodoEntry(item, TodoKind.PUBLISH, _("已通过审核，待发布"))
    if (
        item.emergency_pending
        and item.emergency_by_id != user.pk
        and independent
        and any(has_role(user, role, org) for role in roles)
    ):
        return TodoEntry(item, TodoKind.POST_REVIEW, _("紧急发布，待补审"))
    if item.state == ItemState.REJECTED and item.created_by_id == user.pk:
        return TodoEntry(item, TodoKind.REJECTED, _("已退回，待修改后重新提交"))
    return None


def todo_for(user: User) -> list[TodoEntry]:
    """What the user must act on now, ordered by the Art. 26 due date (earliest first):
    items at a review stage whose role the user holds on the item's body, approved items
    for the final-stage role to publish, emergency publications awaiting someone else's
    post-review, and the user's own rejected items."""
    waiting = Q(organisation__in=reviewer_organisations(user)) & (
        Q(state__in=[ItemState.IN_REVIEW, ItemState.APPROVED]) | Q(emergency_pending=True)
    )
    mine = Q(created_by=user, state=ItemState.REJECTED)
    candidates = list(with_review_facts(selectors.items_for(user).filter(waiting | mine), user))
    roles = stage_roles_of(item.organisation_id for item in candidates)
    entries = [
        entry for item in candidates if (entry := _todo_entry(user, item, roles[item.organisation_id])) is not None
    ]
    entries.sort(key=lambda e: (e.item.due_on is None, e.item.due_on or date.min, e.item.pk))
    return entries


def unread_notifications(user: User, *, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-id")[:limit])


# --- review queues --------------------------------------------------------------------

#: At most this many review stages (PublishingSettings: 1 to 3).
MAX_STAGES = 3


@dataclass(frozen=True, slots=True)
class QueueEntry:
    item: InfoItem
    role: str
    blocker: str


def review_queue(user: User, stage: int) -> list[QueueEntry]:
    """Items waiting at `stage` in the bodies where the user holds that stage's role,
    by due date; `blocker` says why the user may not act on one (drafted it, ...)."""
    candidates = list(
        with_review_facts(
            selectors.items_for(user).filter(
                state=ItemState.IN_REVIEW, review_stage=stage, organisation__in=reviewer_organisations(user)
            ),
            user,
        ).order_by("due_on", "pk")
    )
    roles = stage_roles_of(item.organisation_id for item in candidates)
    entries: list[QueueEntry] = []
    for item in candidates:
        role = stage_role(roles[item.organisation_id], stage)
        if role and has_role(user, role, item.organisation):
            entries.append(QueueEntry(item, role, review_blocker(user, item)))
    return entries


def review_counts(user: User) -> dict[int, int]:
    """How many items wait at each stage for the user (for the queue tabs)."""
    counts = dict.fromkeys(range(1, MAX_STAGES + 1), 0)
    candidates = list(
        selectors.items_for(user).filter(state=ItemState.IN_REVIEW, organisation__in=reviewer_organisations(user))
    )
    roles = stage_roles_of(item.organisation_id for item in candidates)
    for item in candidates:
        role = stage_role(roles[item.organisation_id], item.review_stage)
        if role and has_role(user, role, item.organisation):
            counts[item.review_stage] = counts.get(item.review_stage, 0) + 1
    return counts


# --- publishing calendar --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    published: list[InfoItem]
    scheduled: list[InfoItem]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month as aware datetimes in the site's time zone: [start, end)."""
    zone = timezone.get_current_timezone()
    first = date(year, month, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time.min, zone), datetime.combine(following, time.min, zone)


def publishing_calendar(user: AnyUser, year: int, month: int) -> list[CalendarDay]:
    """Every day of the month with the live items in scope published on it (publish
    time reached) or scheduled for it (定时发布: publish time still ahead)."""
    start, end = month_bounds(year, month)
    now = timezone.now()
    items = (
        selectors.items_for(user)
        .filter(is_live=True, published_at__gte=start, published_at__lt=end)
        .order_by("published_at", "pk")
    )
    by_day: dict[date, tuple[list[InfoItem], list[InfoItem]]] = defaultdict(lambda: ([], []))
    for item in items:
        assert item.published_at is not None  # noqa: S101 (filtered on it)
        published, scheduled = by_day[timezone.localdate(item.published_at)]
        (scheduled if item.published_at > now else published).append(item)
    days = month_calendar.monthrange(year, month)[1]
    return [CalendarDay(d, *by_day.get(d, ([], []))) for d in (date(year, month, n) for n in range(1, days + 1))]


# --- Art. 26 timeliness ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BodyTimeliness:
    organisation: Organisation
    late: int
    due_soon: int
    items: list[InfoItem]


def timeliness_for(user: AnyUser, *, today: date | None = None) -> list[BodyTimeliness]:
    """Per body in scope, its unpublished items that are late (due date passed) or due
    within DUE_SOON_WORKDAYS working days (条例第二十六条), with the counts."""
    today = today or timezone.localdate()
    scope = organisations_where(user, Perm.ORG_VIEW)
    # Art. 26 binds what is to be disclosed proactively; items kept for disclosure on
    # request or not disclosed have no publication deadline.
    watch = (
        selectors.late_or_due_soon(scope, within_days=DUE_SOON_WORKDAYS)
        .filter(disclosure_mode=DisclosureMode.PROACTIVE)
        .select_related("organisation", "column", "created_by")
    )
    grouped: dict[int, list[InfoItem]] = defaultdict(list)
    bodies: dict[int, Organisation] = {}
    for item in watch:
        grouped[item.organisation_id].append(item)
        bodies[item.organisation_id] = item.organisation
    rows = [
        BodyTimeliness(
            organisation=bodies[pk],
            late=sum(1 for i in items if i.due_on is not None and i.due_on < today),
            due_soon=sum(1 for i in items if i.due_on is not None and i.due_on >= today),
            items=items,
        )
        for pk, items in grouped.items()
    ]
    rows.sort(key=lambda r: (-r.late, r.organisation.path))
    return rows


def due_soon_horizon(today: date | None = None) -> date:
    """The last day counted as "due soon": DUE_SOON_WORKDAYS working days ahead."""
    return workdays.add_workdays(today or timezone.localdate(), DUE_SOON_WORKDAYS).date


# --- lists ------------------------------------------------------------------------------


def item_list(
    user: AnyUser,
    *,
    state: str = "",
    organisation: Organisation | None = None,
    column_id: int | None = None,
) -> QuerySet[InfoItem]:
    """The items of the bodies in scope, newest change first, filtered."""
    items = selectors.items_for(user)
    if state:
        items = items.filter(state=state)
    if organisation is not None:
        items = items.filter(organisation=organisation)
    if column_id is not None:
        items = items.filter(column_id=column_id)
    return items.order_by("-updated_at", "-pk")
