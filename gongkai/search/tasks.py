"""Background work of the search context, run by the worker (`gongkai db_worker`)."""

from typing import Any

from django_tasks import task

from . import outbox


@task()
def apply_outbox() -> dict[str, Any]:
    """Drain the search outbox into the index."""
    return outbox.apply_pending().as_dict()
