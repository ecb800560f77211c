"""Handlers issuing letters of one body at once on PostgreSQL: no number is given twice."""

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from gongkai.requests import letter_services
from gongkai.requests.models import DisclosureRequest, Letter, LetterKind, LetterSeries, ResultCode

from .factories import TODAY, desk, make_request

THREADS = 4
PER_THREAD = 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_repeat_a_number(settings: Any, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")
    settings.MEDIA_ROOT = str(tmp_path)
    org, officer, head = desk("并发发文局")
    requests = [make_request(org, officer) for _ in range(THREADS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run(req: DisclosureRequest, actor: Any) -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                letter_services.letter_issue(
                    actor=actor, request=req, kind=LetterKind.REPLY, result_code=ResultCode.DISCLOSED, today=TODAY
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    # the series row does not exist yet: the first writers also race to create it
    threads = [threading.Thread(target=run, args=(req, (officer, head)[i % 2])) for i, req in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    total = THREADS * PER_THREAD
    seqs = sorted(Letter.objects.filter(request__organisation=org).values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    numbers = set(Letter.objects.filter(request__organisation=org).values_list("number", flat=True))
    assert len(numbers) == total
    assert LetterSeries.objects.get(organisation=org, year=TODAY.year).last == total
