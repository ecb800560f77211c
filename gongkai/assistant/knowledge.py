"""The assistant's knowledge: every public item split into passages (passages.py) and stored
as `AssistantPassage` rows with their analysed words, so answering neither re-reads nor
re-segments whole documents.

The store follows `public_items()` exactly, through the same outbox the search index uses:
publishing writes a `SearchOutbox` row in the transaction of every publish, edit,
withdrawal and import; when the worker has applied a row to the index it deletes it, and
the receiver connected in models/knowledge.py calls `outbox_row_applied`, which makes the
item's passages follow the database (rebuilt when it is public, deleted otherwise).
Answering also re-checks `public_items()` for every item it cites, so a withdrawn item is
never cited, even in the moment before the worker runs. `gongkai ask rebuild` rebuilds the
whole store.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items
from gongkai.search import analysis

from . import passages as splitting
from .models import AssistantPassage

BATCH_ITEMS = 200
# Passages longer than this are cut (a few statutes have one "article" of many pages).
MAX_PASSAGE_CHARS = 6000
ITEM_FIELDS = ("pk", "external_id", "title", "doc_number", "body_text", "summary")


def passages_of(item: InfoItem) -> list[AssistantPassage]:
    """The unsaved passages of one item (its body, else its summary)."""
    body = item.body_text or item.summary or ""
    out: list[AssistantPassage] = []
    for passage in splitting.split(body):
        text = passage.text[:MAX_PASSAGE_CHARS]
        normalised = analysis.normalize(text)
        out.append(
            AssistantPassage(
                item_id=item.pk,
                external_id=item.external_id or "",
                title=item.title,
                doc_number=item.doc_number,
                heading=passage.heading[:500],
                article=passage.label.rstrip("、")[:40],
                text=text,
                terms=" ".join(analysis.words(normalised)),
                normalised=normalised,
                position=passage.index,
            )
        )
    return out


@dataclass
class SyncResult:
    items: int = 0
    passages: int = 0
    removed_items: int = 0


def sync_items(item_ids: Iterable[int]) -> SyncResult:
    """Make the stored passages of these items follow `public_items()`: a public item's
    passages are rebuilt, every other item's are deleted."""
    ids = sorted({int(pk) for pk in item_ids})
    result = SyncResult()
    for start in range(0, len(ids), BATCH_ITEMS):
        chunk = ids[start : start + BATCH_ITEMS]
        # Split outside the transaction (it is the slow part), then keep only the items that
        # are still public once their rows are locked: two workers syncing the same item take
        # turns, and an item withdrawn meanwhile gets no passages (PostgreSQL; SQLite writes
        # one at a time anyway).
        public = list(public_items().filter(pk__in=chunk).only(*ITEM_FIELDS))
        rows = [p for item in public for p in passages_of(item)]
        with transaction.atomic():
            list(InfoItem.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            still = set(public_items().filter(pk__in=[i.pk for i in public]).values_list("pk", flat=True))
            public = [item for item in public if item.pk in still]
            AssistantPassage.objects.filter(item_id__in=chunk).delete()
            AssistantPassage.objects.bulk_create([r for r in rows if r.item_id in still], batch_size=1000)
            rows = [r for r in rows if r.item_id in still]
        result.items += len(public)
        result.passages += len(rows)
        result.removed_items += len(chunk) - len(public)
    return result


def rebuild() -> SyncResult:
    """Rebuild the whole store from `public_items()`; passages of items no longer public go."""
    ids = list(public_items().order_by("pk").values_list("pk", flat=True))
    result = sync_items(ids)
    stale = AssistantPassage.objects.exclude(item_id__in=public_items().values("pk"))
    result.removed_items += stale.values("item_id").distinct().count()
    stale.delete()
    return result


_pending = threading.local()


def outbox_row_applied(item_id: int) -> None:
    """Called for every search-outbox row the worker has applied (and deleted). Django
    deletes a batch of rows in one transaction, so the ids are gathered and synced together
    once it commits: the first callback syncs them all, the others find nothing left."""
    ids: set[int] = getattr(_pending, "ids", set())
    _pending.ids = ids
    ids.add(item_id)
    transaction.on_commit(_flush)


def _flush() -> None:
    ids: set[int] = getattr(_pending, "ids", set())
    _pending.ids = set()
    if not ids:
        return
    sync_items(ids)
    from . import dense

    if dense.enabled():
        from .tasks import embed_passages

        embed_passages.enqueue(item_ids=sorted(ids))


def stored_passages(item_ids: Iterable[int]) -> QuerySet[AssistantPassage]:
    """The stored passages of these items, in document order (without embeddings)."""
    return (
        AssistantPassage.objects.filter(item_id__in=list(item_ids)).defer("embedding").order_by("item_id", "position")
    )


def counts() -> dict[str, int]:
    return {
        "items": AssistantPassage.objects.values("item_id").distinct().count(),
        "passages": AssistantPassage.objects.count(),
        "embedded": AssistantPassage.objects.filter(embedding__isnull=False).count(),
    }
