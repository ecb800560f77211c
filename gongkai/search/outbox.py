"""The outbox between publishing and the index.

Publishing writes a row in the same transaction as the change (publish, edit, withdraw,
bulk import), so the index can never miss a change that committed, and a rolled-back
change leaves nothing behind. After commit the `apply_outbox` task is enqueued; the
worker (`gongkai db_worker`) runs it. Applying re-reads the items: an item is in the
index exactly when `public_items()` returns it, whatever op the row names.

Items whose public state changes with time, with no event to announce it, get rows that
fall due later: a scheduled publication (定时发布) at its publish time, a 公示 item the
day after its `public_until`.
"""

import functools
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items

from . import index
from .models import OutboxOp, SearchOutbox

BATCH = 500


def enqueue(item_ids: Iterable[int], op: str) -> None:
    """Record that these items' index entries must follow the database. Call it inside
    the transaction that changes them; the worker applies the rows after commit."""
    ids = list(dict.fromkeys(int(pk) for pk in item_ids))
    if not ids:
        return
    if op not in OutboxOp.values:
        raise ValueError(f"unknown outbox op {op!r}")
    SearchOutbox.objects.bulk_create([SearchOutbox(item_id=pk, op=op) for pk in ids], batch_size=1000)
    transaction.on_commit(kick)


def kick(run_after: datetime | None = None) -> None:
    """Enqueue the task that drains the outbox (deferred where the backend can)."""
    from django_tasks import default_task_backend

    from .tasks import apply_outbox

    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # picked up by the next apply (or `gongkai search apply`)
        apply_outbox.using(run_after=run_after).enqueue()
        return
    apply_outbox.enqueue()


@dataclass
class ApplyResult:
    rows: int = 0
    indexed: int = 0
    removed: int = 0
    deferred: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _day_after(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def apply_pending(*, limit: int | None = None) -> ApplyResult:
    """Apply the rows that are due, oldest first, in batches; returns the counts."""
    result = ApplyResult()
    while limit is None or result.rows < limit:
        now = timezone.now()
        rows = list(
            SearchOutbox.objects.filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
            .order_by("id")
            .values_list("id", "item_id")[:BATCH]
        )
        if not rows:
            break
        _apply_batch([item_id for _, item_id in rows], now, result)
        SearchOutbox.objects.filter(id__in=[row_id for row_id, _ in rows]).delete()
        result.rows += len(rows)
    return result


def _apply_batch(item_ids: list[int], now: datetime, result: ApplyResult) -> None:
    ids = set(item_ids)
    public = list(public_items().filter(pk__in=ids).only(*index.ROW_FIELDS, "public_until"))
    later: list[SearchOutbox] = []
    for item in public:
        if item.public_until is not None:
            later.append(SearchOutbox(item_id=item.pk, op=OutboxOp.DELETE, due_at=_day_after(item.public_until)))
    scheduled = InfoItem.objects.filter(pk__in=ids - {i.pk for i in public}, is_live=True, published_at__gt=now)
    for pk, published_at in scheduled.values_list("pk", "published_at"):
        later.append(SearchOutbox(item_id=pk, op=OutboxOp.UPSERT, due_at=published_at))
    with index.live_writer() as writer:
        writer.delete(ids)
        result.indexed += writer.add(public)
    result.removed += len(ids) - len(public)
    if later:
        SearchOutbox.objects.bulk_create(later)
        result.deferred += len(later)
        for due in sorted({row.due_at for row in later if row.due_at is not None}):
            transaction.on_commit(functools.partial(kick, run_after=due))


def pending_count() -> int:
    return SearchOutbox.objects.count()
