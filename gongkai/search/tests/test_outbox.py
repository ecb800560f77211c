"""The outbox: written in the publishing transaction, applied after commit."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from gongkai.publishing import services
from gongkai.publishing.tests.factories import Desk, approve_all, draft
from gongkai.search import outbox
from gongkai.search.engine import SearchRequest, search
from gongkai.search.models import SearchOutbox

pytestmark = pytest.mark.django_db


def test_enqueue_in_the_transaction_applies_after_commit(desk: Desk, django_capture_on_commit_callbacks: Any) -> None:
    item = approve_all(desk, draft(desk, "关于公积金缴存基数调整的通知"))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            # Publishing writes the outbox row itself, in its own transaction.
            services.item_publish(actor=desk.final, item=item)
        assert list(SearchOutbox.objects.values_list("item_id", "op")) == [(item.pk, "upsert")]
    # The task ran (ImmediateBackend) after commit and drained the outbox.
    assert SearchOutbox.objects.count() == 0
    assert [h.id for h in search(SearchRequest(q="公积金缴存")).hits] == [item.pk]


def test_a_rolled_back_change_leaves_nothing(desk: Desk) -> None:
    item = approve_all(desk, draft(desk, "关于公积金缴存基数调整的通知"))

    def change() -> None:
        with transaction.atomic():
            outbox.enqueue([item.pk], "upsert")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        change()
    assert SearchOutbox.objects.count() == 0


def test_a_scheduled_item_waits_for_its_time(desk: Desk, time_machine: Any) -> None:
    item = approve_all(desk, draft(desk, "关于公积金缴存基数调整的通知"))
    when = timezone.now() + timedelta(hours=2)
    services.item_publish(actor=desk.final, item=item, at=when)
    outbox.enqueue([item.pk], "upsert")
    result = outbox.apply_pending()
    assert result.indexed == 0 and result.deferred == 1
    assert search(SearchRequest(q="公积金缴存")).hits == []
    time_machine.move_to(when + timedelta(minutes=1))
    assert outbox.apply_pending().indexed == 1
    assert [h.id for h in search(SearchRequest(q="公积金缴存")).hits] == [item.pk]


def test_unknown_op_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown outbox op"):
        outbox.enqueue([1], "index")
