"""Background work of the assistant, run by the worker (`gongkai db_worker`)."""

from typing import Any

from django_tasks import task

from . import dense, knowledge
from .models import AssistantPassage

EMBED_BATCH = 32


@task()
def sync_knowledge(item_ids: list[int]) -> dict[str, Any]:
    """Make these items' passages follow their public state."""
    return vars(knowledge.sync_items(item_ids))


@task()
def embed_passages(item_ids: list[int] | None = None) -> dict[str, Any]:
    """Compute the missing passage embeddings (of these items, or of all)."""
    if not dense.available():
        return {"embedded": 0, "available": False}
    rows = AssistantPassage.objects.filter(embedding__isnull=True)
    if item_ids is not None:
        rows = rows.filter(item_id__in=item_ids)
    done = 0
    pending = list(rows.order_by("item_id", "position").values_list("pk", "title", "heading", "article", "text"))
    for start in range(0, len(pending), EMBED_BATCH):
        batch = pending[start : start + EMBED_BATCH]
        vectors = dense.embed_passages([dense.passage_text(t, h, a, x) for _, t, h, a, x in batch])
        for (pk, *_), vector in zip(batch, vectors, strict=True):
            # The row may have been rebuilt meanwhile (an edit): update only if it still exists.
            AssistantPassage.objects.filter(pk=pk, embedding__isnull=True).update(embedding=vector)
        done += len(batch)
    return {"embedded": done, "available": True}
