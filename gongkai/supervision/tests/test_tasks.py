"""The daily reminders in the background: the task sends what is due once, queues itself
for the next morning (and again after a failure), and `gongkai tasks schedule` never makes
two chains."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gongkai.supervision import services, tasks
from gongkai.supervision.models import Reminder, TaskPlan

from .factories import Dazhou

TASK_PATH = "gongkai.supervision.tasks.reminders_task"


def local(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def frozen(day: dt.date, at: dt.time = dt.time(8, 0)) -> time_machine.travel:
    return time_machine.travel(local(day, at), tick=False)


def schedule() -> str:
    err = StringIO()
    call_command("tasks", "schedule", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_the_task_sends_the_days_reminders_once(dazhou: Dazhou, plan: TaskPlan) -> None:
    with frozen(dt.date(2022, 10, 25)):  # the test settings run tasks at once
        first = tasks.reminders_task.enqueue().return_value
        assert first is not None and first["sent"] == Reminder.objects.count() > 0
        assert tasks.reminders_task.enqueue().return_value == {"sent": 0, "units": 0}
    assert Reminder.objects.count() == first["sent"]


def test_the_task_queues_the_next_morning(dazhou: Dazhou, plan: TaskPlan, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks.backends.dummy import DummyBackend

    with frozen(dt.date(2022, 10, 25), dt.time(8, 0, 5)):
        assert tasks.reminders_task.call()["sent"] > 0
    backend = tasks.reminders_task.get_backend()
    assert isinstance(backend, DummyBackend)
    assert [r.task.run_after for r in backend.results] == [local(dt.date(2022, 10, 26), tasks.REMIND_AT)]


def test_a_failed_run_is_retried_later(dazhou: Dazhou, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks.backends.dummy import DummyBackend

    def broken(*, today: dt.date) -> services.ReminderOutcome:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "reminders_send", broken)
    now = local(dt.date(2022, 10, 25), dt.time(8, 0))
    with frozen(dt.date(2022, 10, 25)), pytest.raises(RuntimeError):
        tasks.reminders_task.call()
    backend = tasks.reminders_task.get_backend()
    assert isinstance(backend, DummyBackend)
    assert [r.task.run_after for r in backend.results] == [now + tasks.RETRY_AFTER_FAILURE]


def test_schedule_twice_queues_one(dazhou: Dazhou, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    assert "已安排每日提醒" in schedule()
    assert "已在任务队列中" in schedule()  # restarting the worker adds none
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert queued.count() == 1
    run_after = queued.get().run_after
    assert run_after is not None and abs((run_after - timezone.now()).total_seconds()) < 60


def test_schedule_says_when_the_backend_cannot_defer(db: None) -> None:
    assert "不支持定时任务" in schedule()
