"""A background task that keeps itself going, for a project without a periodic scheduler:
each run queues the next with `run_after`, and whoever starts the chain (a management
command called when the worker starts) queues it only when no run is already waiting, so
restarting the worker never makes two chains.

Used by the screening sweep and the key-task reminders.
"""

from datetime import datetime
from typing import Any

from django_tasks.base import Task


def waiting(task: Task[Any, Any]) -> bool:
    """Whether a run of `task` is queued and not yet started. The database backend can
    tell; other backends cannot, and are assumed to hold none."""
    backend = task.get_backend()
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return False
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists()


def enqueue_once(task: Task[Any, Any], *, run_after: datetime) -> datetime | None:
    """Queue `task` to run at `run_after` unless a run is already waiting; returns that
    time, or None when one is waiting or the backend cannot defer tasks (then the work
    has to be run from cron instead)."""
    if not task.get_backend().supports_defer or waiting(task):
        return None
    task.using(run_after=run_after).enqueue()
    return run_after
