"""Background work of the request desk, run by the worker (`gongkai db_worker`): every
morning, the deadline reminders (reminders.request_reminders_send) and the lapse of fee
notices left unpaid past their window (fee_services.fee_notices_lapse).

The task keeps itself going (core/periodic.py): each run queues the next for DAILY_AT the
next morning. `schedule_daily()` (`gongkai requests schedule`, called when the worker starts)
queues a run at once unless one is already waiting. An extra run is harmless: reminders are
sent once per due date and a lapsed notice lapses once.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from gongkai.core import periodic

from . import fee_services, reminders

DAILY_AT = dt.time(7, 30)  # local time (settings.TIME_ZONE), before the working day starts
RETRY_AFTER_FAILURE = dt.timedelta(hours=1)


@task()
def daily_task() -> dict[str, Any]:
    """Lapse unpaid fee notices, send today's reminders, then queue tomorrow's run."""
    try:
        today = timezone.localdate()
        lapsed = fee_services.fee_notices_lapse(today=today)
        sent = reminders.request_reminders_send(today=today)
    except Exception:
        schedule_daily(retry_in=RETRY_AFTER_FAILURE)  # the chain goes on; no tight loop
        raise
    schedule_daily(next_day=True)
    return {"lapsed": lapsed, "reminders": sent}


def next_run(now: dt.datetime) -> dt.datetime:
    """DAILY_AT local time on the day after ``now`` (local)."""
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, DAILY_AT))


def schedule_daily(*, next_day: bool = False, retry_in: dt.timedelta | None = None) -> dt.datetime | None:
    """Queue daily_task now (or tomorrow morning with ``next_day``, or ``retry_in`` from now);
    returns that time, or None when a run is already waiting or the backend cannot defer tasks
    (then run `gongkai requests remind` from cron every day instead)."""
    now = timezone.now()
    if retry_in is not None:
        when = now + retry_in
    elif next_day:
        when = next_run(now)
    else:
        when = now
    return periodic.enqueue_once(daily_task, run_after=when)
