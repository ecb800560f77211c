"""200 items published at once on PostgreSQL get 200 distinct index numbers."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from gongkai.core.models import Organisation, OrganisationKind
from gongkai.core.tests.factories import make_org
from gongkai.publishing import services
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem, ItemState


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishing_never_repeats_an_index_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")
    org: Organisation = make_org("并发测试局", kind=OrganisationKind.DEPARTMENT, index_code="511700999")
    services.catalog_ensure(actor=None, organisation=org)
    column = CatalogColumn.objects.get(organisation=org, key=ColumnKey.OTHER_DOCS)
    items = [
        services.item_create(actor=None, organisation=org, column=column, title=f"信息{i}", formed_on=date(2026, 1, 5))
        for i in range(200)
    ]
    InfoItem.objects.filter(pk__in=[i.pk for i in items]).update(state=ItemState.APPROVED)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def publisher(chunk: list[InfoItem]) -> None:
        try:
            barrier.wait()
            for item in chunk:
                services.item_publish(actor=None, item=item)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publisher, args=(items[n::8],)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    numbers = list(InfoItem.objects.filter(organisation=org).values_list("index_number", flat=True))
    assert len(numbers) == 200
    assert len(set(numbers)) == 200
    assert None not in numbers
