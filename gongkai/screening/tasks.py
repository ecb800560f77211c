"""Background work of the screening context, run by the worker (`gongkai db_worker`):
the weekly site-wide sweep (个人信息泄露排查).

The project has no periodic scheduler, so the task keeps itself going: each run sweeps
when a week has passed since the last full sweep and then queues the next run for when
the next one is due (`run_after`). `schedule_weekly_sweep()` (`gongkai screen schedule`,
called when the worker starts) queues it unless a run is already waiting, so restarting
the worker never makes two chains.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from gongkai.core import periodic

from . import services

RETRY_AFTER_FAILURE = timedelta(days=1)


@task()
def sweep_task() -> dict[str, Any]:
    """Run the full sweep if it is due, then queue the next one."""
    outcome: dict[str, Any] = {"swept": False}
    try:
        if services.sweep_is_due():
            sweep = services.sweep_run()  # resumes a sweep a stopped worker left unfinished
            outcome = {
                "swept": True,
                "sweep": sweep.pk,
                "items": sweep.items_seen,
                "items_screened": sweep.items_screened,
                "new_findings": sweep.new_findings,
            }
    except Exception:
        schedule_weekly_sweep(retry_in=RETRY_AFTER_FAILURE)  # the chain goes on; no tight loop
        raise
    schedule_weekly_sweep()
    return outcome


def schedule_weekly_sweep(*, retry_in: timedelta | None = None) -> datetime | None:
    """Queue sweep_task for when the next weekly sweep is due (or `retry_in` from now);
    returns that time, or None when one is already waiting or the backend cannot defer
    tasks (then run `gongkai screen sweep --if-due` from cron instead)."""
    now = timezone.now()
    when = now + retry_in if retry_in is not None else max(services.next_sweep_due(), now)
    return periodic.enqueue_once(sweep_task, run_after=when)
