"""Background work of the key-task supervision, run by the worker (`gongkai db_worker`):
the daily reminders before and after deadlines (services.reminders_send).

The task keeps itself going (periodic.py): each run sends the reminders due today and
queues the next run for REMIND_AT the next morning. `schedule_daily_reminders()`
(`gongkai tasks schedule`, called when the worker starts) queues a run at once unless one
is already waiting. An extra run is harmless: every reminder is sent once (Reminder rows).
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from gongkai.core import periodic

from . import services

REMIND_AT = dt.time(8, 0)  # local time (settings.TIME_ZONE), before the working day starts
RETRY_AFTER_FAILURE = dt.timedelta(hours=1)


@task()
def reminders_task() -> dict[str, Any]:
    """Send the reminders due today, then queue tomorrow's run."""
    try:
        outcome = services.reminders_send(today=timezone.localdate())
    except Exception:
        schedule_daily_reminders(retry_in=RETRY_AFTER_FAILURE)  # the chain goes on; no tight loop
        raise
    schedule_daily_reminders(next_day=True)
    return {"sent": outcome.sent, "units": outcome.units}


def next_run(now: dt.datetime) -> dt.datetime:
    """REMIND_AT local time on the day after `now` (local)."""
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, REMIND_AT))


def schedule_daily_reminders(*, next_day: bool = False, retry_in: dt.timedelta | None = None) -> dt.datetime | None:
    """Queue reminders_task now (or for tomorrow morning with `next_day`, or `retry_in` from
    now); returns that time, or None when a run is already waiting or the backend cannot
    defer tasks (then run `gongkai tasks remind` from cron every day instead)."""
    now = timezone.now()
    if retry_in is not None:
        when = now + retry_in
    elif next_day:
        when = next_run(now)
    else:
        when = now
    return periodic.enqueue_once(reminders_task, run_after=when)
