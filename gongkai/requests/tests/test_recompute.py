"""Open deadlines follow the holiday calendar (core.services.calendar_changed)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from gongkai.core import services as core_services
from gongkai.core.models import AuditRecord, DayKind
from gongkai.requests import services
from gongkai.requests.models import ResultCode

from .factories import TODAY, desk, make_request

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_new_holiday_moves_open_deadlines_but_not_replied_ones(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    org, officer, _ = desk()
    open_req = make_request(org, officer)
    done = make_request(org, officer)
    done = services.request_reply(
        actor=officer, request=done, result_code=ResultCode.DISCLOSED, replied_on=D(2025, 10, 9), today=TODAY
    )
    late = make_request(org, officer, received_on=D(2025, 11, 3))  # window starts after the change
    late_due = late.due_on
    assert open_req.due_on == D(2025, 10, 29)
    with django_capture_on_commit_callbacks(execute=True):
        core_services.calendar_override_set(
            actor=None, day=D(2025, 10, 20), kind=DayKind.HOLIDAY, name="临时休假", source_notice="测试通知"
        )
    open_req.refresh_from_db()
    done.refresh_from_db()
    late.refresh_from_db()
    assert open_req.due_on == D(2025, 10, 30)
    assert done.due_on == D(2025, 10, 29)
    assert late.due_on == late_due
    record = AuditRecord.objects.filter(action="request.deadline_recomputed").get()
    assert record.changes["due_on"] == ["2025-10-29", "2025-10-30"]
    with django_capture_on_commit_callbacks(execute=True):
        core_services.calendar_override_delete(actor=None, override=core_services.CalendarOverride.objects.get())
    open_req.refresh_from_db()
    assert open_req.due_on == D(2025, 10, 29)


def test_recompute_counts_only_changed_deadlines() -> None:
    org, officer, _ = desk()
    make_request(org, officer)
    assert services.request_recompute_deadlines(changed=[D(2025, 10, 20)], today=TODAY) == 0
    assert services.request_recompute_deadlines(changed=[], today=TODAY) == 0
