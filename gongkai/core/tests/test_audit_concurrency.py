"""Concurrent writers extend the audit chain one after another (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from gongkai.core import audit
from gongkai.core.models import AuditRecord


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                audit.record(actor=None, action="test.concurrent", changes={"writer": n, "i": i})
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditRecord.objects.filter(action="test.concurrent").count() == 100
    result = audit.verify()
    assert result.ok, result.reason
