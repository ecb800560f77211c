"""Two officers saving the same new report at once on PostgreSQL: one row, no error, both
saves applied one after the other (the row is locked)."""

import threading

import pytest
from django.db import connection, connections

from gongkai.core.tests.factories import make_org
from gongkai.reports import services
from gongkai.reports.models import AnnualFigures, AnnualReport
from gongkai.reports.tests.factories import TODAY, office


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_make_one_report_and_one_figures_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")
    from gongkai.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    org = make_org("并发测试局")
    officers = [office(org), office(org, head=True)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(n: int) -> None:
        try:
            barrier.wait()
            for round_ in range(5):
                services.annual_report_save(
                    actor=officers[n], organisation=org, year=2025, texts={"other": f"{n}-{round_}"}, today=TODAY
                )
                services.annual_figures_save(
                    actor=officers[n], organisation=org, year=2025, today=TODAY, penalty_decisions=n * 10 + round_
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    report = AnnualReport.objects.get(organisation=org, year=2025)
    assert report.version == 10
    assert report.texts["other"] in {"0-4", "1-4"}
    assert AnnualFigures.objects.filter(organisation=org, year=2025).count() == 1
