"""Deadline reminders: 5 and 2 working days before the due date and once when overdue, each once
per due date; the daily task and the CLI.

Received 2025-09-25 → due 2025-10-29 (Wednesday). 5 working days before: 2025-10-22; 2 before:
2025-10-27; overdue from 2025-10-30."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gongkai.core import workdays
from gongkai.core.models import AuditRecord, Notification, Role, User
from gongkai.core.tests.factories import make_user
from gongkai.requests import reminders, services, tasks
from gongkai.requests.models import DisclosureRequest, PauseKind, ReminderKind, ReminderSent

from .factories import TODAY, desk, make_request

D = dt.date
pytestmark = pytest.mark.django_db


def local(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def _send(day: dt.date, capture: Any) -> int:
    with capture(execute=True):
        return reminders.request_reminders_send(today=day)


def _kinds(req: DisclosureRequest) -> list[tuple[str, dt.date]]:
    return list(req.reminders.order_by("pk").values_list("kind", "due_on"))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 10, 21), None),
        (D(2025, 10, 22), ReminderKind.DUE5),
        (D(2025, 10, 24), ReminderKind.DUE5),
        (D(2025, 10, 25), ReminderKind.DUE5),  # Saturday: 3 working days left
        (D(2025, 10, 27), ReminderKind.DUE2),
        (D(2025, 10, 29), ReminderKind.DUE2),
        (D(2025, 10, 30), ReminderKind.OVERDUE),
    ],
)
def test_reminder_kind(today: dt.date, expected: ReminderKind | None) -> None:
    calendar = workdays.calendar()
    assert reminders.reminder_kind(calendar=calendar, today=today, due_on=D(2025, 10, 29)) == expected


def test_each_reminder_once_to_the_office_while_unassigned(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    capture = django_capture_on_commit_callbacks
    assert _send(D(2025, 10, 21), capture) == 0
    assert _send(D(2025, 10, 22), capture) == 1
    assert set(Notification.objects.values_list("user_id", flat=True)) == {officer.pk, head.pk}
    assert "还有 5 个工作日" in Notification.objects.first().message  # type: ignore[union-attr]
    assert _send(D(2025, 10, 22), capture) == 0
    assert _send(D(2025, 10, 23), capture) == 0
    assert _send(D(2025, 10, 27), capture) == 1
    assert _send(D(2025, 10, 29), capture) == 0
    assert _send(D(2025, 10, 30), capture) == 1
    assert _send(D(2025, 11, 3), capture) == 0
    due = D(2025, 10, 29)
    assert _kinds(req) == [(ReminderKind.DUE5, due), (ReminderKind.DUE2, due), (ReminderKind.OVERDUE, due)]
    assert Notification.objects.count() == 6  # three reminders to two people
    assert AuditRecord.objects.filter(action="request.reminders_send").count() == 3


def test_the_assignee_alone_is_reminded(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    services.request_assign(actor=head, request=req, assignee=officer, today=TODAY)
    Notification.objects.all().delete()
    assert _send(D(2025, 10, 27), django_capture_on_commit_callbacks) == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [officer.pk]


def test_a_missed_run_sends_only_the_most_urgent(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    assert _send(D(2025, 10, 28), django_capture_on_commit_callbacks) == 1
    assert _kinds(req) == [(ReminderKind.DUE2, D(2025, 10, 29))]


def test_a_new_due_date_earns_new_reminders(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    assert _send(D(2025, 10, 22), django_capture_on_commit_callbacks) == 1
    req = services.request_extend(
        actor=head, request=req, days=5, approved_on=D(2025, 10, 22), reason="需调取档案", today=TODAY
    )
    assert req.due_on == D(2025, 11, 5)
    assert _send(D(2025, 10, 23), django_capture_on_commit_callbacks) == 0  # 9 working days left
    assert _send(D(2025, 10, 29), django_capture_on_commit_callbacks) == 1
    assert _kinds(req)[-1] == (ReminderKind.DUE5, D(2025, 11, 5))


def test_requests_not_running_get_no_reminders(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, _ = desk()
    paused = make_request(org, officer)
    services.request_pause(
        actor=officer, request=paused, kind=PauseKind.THIRD_PARTY, started_on=D(2025, 10, 9), today=D(2025, 10, 9)
    )
    waiting = make_request(org, officer)
    services.request_ask_correction(
        actor=officer,
        request=waiting,
        asked_on=D(2025, 9, 26),
        what="请写明文件名称",
        respond_by=D(2025, 10, 20),
        today=TODAY,
    )
    services.request_reply(
        actor=officer,
        request=make_request(org, officer),
        result_code="disclosed",
        replied_on=D(2025, 10, 9),
        today=TODAY,
    )
    # No reply-deadline reminder for any of them; the paused one is reminded only of its
    # consultation's own 15-working-day timer (2025-10-09 → 2025-10-29), now past.
    assert _send(D(2025, 11, 20), django_capture_on_commit_callbacks) == 1
    assert list(ReminderSent.objects.values_list("request_id", "kind", "due_on")) == [
        (paused.pk, ReminderKind.CONSULT_OVER, D(2025, 10, 29))
    ]


def test_the_daily_task_lapses_fees_and_sends_reminders() -> None:
    org, officer, _ = desk()
    make_request(org, officer)
    with time_machine.travel(local(D(2025, 10, 30), dt.time(7, 30)), tick=False):
        result = tasks.daily_task.enqueue().return_value  # the test settings run tasks at once
        assert result == {"lapsed": 0, "reminders": 1}
        assert tasks.daily_task.enqueue().return_value == {"lapsed": 0, "reminders": 0}


def test_the_daily_task_queues_the_next_morning(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks.backends.dummy import DummyBackend

    with time_machine.travel(local(D(2025, 10, 30), dt.time(7, 30, 5)), tick=False):
        tasks.daily_task.call()
    backend = tasks.daily_task.get_backend()
    assert isinstance(backend, DummyBackend)
    expected = local(D(2025, 10, 31), tasks.DAILY_AT)
    assert [r.task.run_after for r in backend.results] == [expected]


def test_a_failed_run_is_retried_later(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks.backends.dummy import DummyBackend

    def broken(*, today: dt.date | None = None) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(reminders, "request_reminders_send", broken)
    now = local(D(2025, 10, 30), dt.time(7, 30))
    with time_machine.travel(now, tick=False), pytest.raises(RuntimeError):
        tasks.daily_task.call()
    backend = tasks.daily_task.get_backend()
    assert isinstance(backend, DummyBackend)
    assert [r.task.run_after for r in backend.results] == [now + tasks.RETRY_AFTER_FAILURE]


def test_schedule_twice_queues_one(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("requests", "schedule", stdout=out)
    call_command("requests", "schedule", stdout=out)
    assert "已排定每日提醒" in out.getvalue() and "未重复排定" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path="gongkai.requests.tasks.daily_task").count() == 1


def test_cli_remind(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, _ = desk()
    make_request(org, officer)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requests", "remind", "--today", "2025-10-22", stdout=out)
    assert out.getvalue().strip() == "2025-10-22：逾期未缴费视为放弃 0 件，发送期限提醒 1 条。"
    assert Notification.objects.count() == 2


def test_an_inactive_assignee_s_reminder_goes_to_the_office(django_capture_on_commit_callbacks: Any) -> None:
    org, officer, head = desk()
    colleague = make_user(org=org, role=Role.OFFICE_OFFICER)
    req = make_request(org, officer)
    services.request_assign(actor=head, request=req, assignee=colleague, today=TODAY)
    User.objects.filter(pk=colleague.pk).update(is_active=False)
    Notification.objects.all().delete()
    assert _send(D(2025, 10, 27), django_capture_on_commit_callbacks) == 1
    assert set(Notification.objects.values_list("user_id", flat=True)) == {officer.pk, head.pk}
