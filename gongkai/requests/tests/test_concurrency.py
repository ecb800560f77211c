"""Two handlers acting on one request at once on PostgreSQL: neither update is lost."""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from gongkai.core.models import User
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


def _together(*actions: Callable[[], object]) -> tuple[list[object], list[BaseException]]:
    """Run the actions in threads released at the same moment; their results and errors."""
    results: list[object] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(action())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")


@pytest.mark.django_db(transaction=True)
def test_assign_and_extension_at_once_both_survive() -> None:
    _needs_postgres()
    org, officer, head = desk("并发分配局")
    requests = [make_request(org, officer) for _ in range(10)]

    def assign_all() -> object:
        return [services.request_assign(actor=officer, request=r, assignee=officer, today=TODAY) for r in requests]

    def extend_all() -> object:
        return [
            services.request_extend(
                actor=head, request=r, days=10, approved_on=D(2025, 10, 9), reason="量大", today=TODAY
            )
            for r in requests
        ]

    _, errors = _together(assign_all, extend_all)
    assert not errors, errors[:3]
    for req in DisclosureRequest.objects.filter(organisation=org):
        assert req.assignee_id == officer.pk
        assert req.extended and req.extension_days == 10
        assert req.due_on == D(2025, 11, 12)
        assert req.version == 3


@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_notice_record_one() -> None:
    _needs_postgres()
    from gongkai.core.errors import DomainError
    from gongkai.requests import fee_services
    from gongkai.requests.fees import FeeMethod
    from gongkai.requests.models import FeeNotice, FeeNoticeStatus

    org, officer, head = desk("并发缴费局")
    fee_services.desk_settings_update(actor=head, organisation=org, fees_enabled=True)
    notices = []
    for _ in range(5):
        req = make_request(org, officer)
        notices.append(
            fee_services.fee_notice_issue(
                actor=officer, request=req, method=FeeMethod.BY_VOLUME, quantity=50, today=D(2025, 10, 9)
            )
        )

    def pay(actor: User, day: dt.date) -> Callable[[], object]:
        def run() -> object:
            done = 0
            for notice in notices:  # stale in-memory rows, as two desks would hold them
                try:
                    fee_services.fee_payment_record(actor=actor, notice=notice, paid_on=day, today=TODAY)
                    done += 1
                except DomainError:
                    pass
            return done

        return run

    def assign_all() -> object:
        return [services.request_assign(actor=head, request=n.request, assignee=officer, today=TODAY) for n in notices]

    results, errors = _together(pay(officer, D(2025, 10, 10)), pay(head, D(2025, 10, 11)), assign_all)
    assert not errors, errors[:3]
    assert sum(r for r in results if isinstance(r, int)) == 5  # each notice paid exactly once
    for notice in FeeNotice.objects.filter(request__organisation=org).select_related("request"):
        assert notice.status == FeeNoticeStatus.PAID and notice.version == 1
        assert notice.request.events.filter(kind=EventKind.FEE_PAID).count() == 1
        assert notice.request.assignee_id == officer.pk
        assert notice.request.version == 4  # register, fee notice, payment, assignment


@pytest.mark.django_db(transaction=True)
def test_a_double_online_submit_at_once_makes_one_request() -> None:
    _needs_postgres()
    from .factories import submit_online

    org, _, _ = desk("并发网上申请局")
    results, errors = _together(*(lambda: submit_online(org, key="double-submit-0001") for _ in range(3)))
    assert not errors, errors[:3]
    assert DisclosureRequest.objects.filter(organisation=org).count() == 1
    pairs = [r for r in results if isinstance(r, tuple)]
    assert sorted(created for _, created in pairs) == [False, False, True]
    assert len({req.pk for req, _ in pairs}) == 1
