"""A hit names its 发布机构 as the item page does."""

import pytest

from gongkai.publishing.tests.factories import Desk, published
from gongkai.search.engine import SearchRequest, search
from gongkai.search.outbox import apply_pending

pytestmark = [pytest.mark.django_db]


def test_an_external_document_is_shown_under_its_issuing_organ(desk: Desk) -> None:
    item = published(desk, "国务院关于公积金制度改革的意见", issuing_organ="国务院")
    own = published(desk, "甲市公积金缴存公告")
    apply_pending()
    hits = {h.id: h for h in search(SearchRequest(q="公积金")).hits}
    assert hits[item.pk].organisation == "国务院"
    assert hits[own.pk].organisation == desk.org.name
