"""Two handlers acting on one request at once on PostgreSQL: neither update is lost."""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from gongkai.requests import services
from gongkai.requests.models import DisclosureRequest, EventKind, PauseKind, RequestStatus

from .factories import TODAY, desk, make_request

D = dt.date


@pytest.mark.django_db(transaction=True)
def test_extension_and_pause_at_once_both_survive() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")
    org, officer, head = desk("并发测试局")
    requests = [make_request(org, officer) for _ in range(10)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(action: Callable[[DisclosureRequest], object]) -> None:
        try:
            barrier.wait()
            for req in requests:
                action(req)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def extend(req: DisclosureRequest) -> object:
        # the stale in-memory row (version 1) is what a second desk would hold
        return services.request_extend(
            actor=head, request=req, days=20, approved_on=D(2025, 10, 9), reason="量大", today=TODAY
        )

    def pause(req: DisclosureRequest) -> object:
        return services.request_pause(
            actor=officer, request=req, kind=PauseKind.OTHER_BODY, started_on=D(2025, 10, 13), today=TODAY
        )

    threads = [threading.Thread(target=run, args=(action,)) for action in (extend, pause)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    for req in DisclosureRequest.objects.filter(organisation=org):
        assert req.extended
        assert req.extension_days == 20
        assert req.status == RequestStatus.PAUSED
        assert req.version == 3
        assert set(req.events.values_list("kind", flat=True)) == {EventKind.EXTENSION_APPROVED, EventKind.PAUSE_STARTED}
        # 2025-10-29 + 20 extension = 2025-11-26, plus the open pause (10-13 … today) on top
        assert req.due_on is not None
        assert req.due_on > D(2025, 11, 26)
