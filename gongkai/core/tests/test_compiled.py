"""core.compiled.ByIds: a query by ids compiled once, run with fresh ids and times."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gongkai.core.compiled import ByIds
from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items
from gongkai.publishing.tests.factories import Desk, make_desk, published
from gongkai.web.tests.factories import Platform, build_platform

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "title", "published_at", "organisation__name", "subject__name")


@pytest.fixture
def desk() -> Desk:
    platform: Platform = build_platform()
    return make_desk(platform.education, "edu")


def _rows() -> ByIds:
    return ByIds(lambda now, ids: public_items(now).filter(pk__in=ids).order_by("pk").values_list(*FIELDS))


def test_the_rows_are_the_orms(desk: Desk) -> None:
    items = [published(desk, f"关于第{n}批通知") for n in range(4)]
    ids = [i.pk for i in items]
    query = _rows()
    for wanted in (ids, ids[:1], ids[::-1], [ids[0], ids[0], ids[2]], [*ids, 987654]):
        orm = list(public_items().filter(pk__in=wanted).order_by("pk").values_list(*FIELDS))
        assert [tuple(r) for r in query.rows(wanted)] == orm  # (published_at: the same aware datetime)
    assert query.rows([]) == []
    many = [*ids, *range(10**6, 10**6 + 200)]  # past MAX_COMPILED_IDS: through the ORM
    assert [tuple(r) for r in query.rows(many)] == list(
        public_items().filter(pk__in=many).order_by("pk").values_list(*FIELDS)
    )
    plans = next(iter(query._plans.values()))
    assert all(plan is not None for plan in plans.values())  # compiled, not the ORM's way


def test_now_and_today_are_the_calls(desk: Desk) -> None:
    query = _rows()
    later = published(desk, "定时发布的通知")
    InfoItem.objects.filter(pk=later.pk).update(published_at=timezone.now() + timedelta(hours=2))
    ending = published(desk, "公示期内的名单")
    InfoItem.objects.filter(pk=ending.pk).update(public_until=timezone.localdate() + timedelta(days=1))
    assert [r[0] for r in query.rows([later.pk, ending.pk])] == [ending.pk]
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert [r[0] for r in query.rows([later.pk, ending.pk])] == sorted([later.pk, ending.pk])
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert [r[0] for r in query.rows([later.pk, ending.pk])] == [later.pk]  # the 公示 period is over


def test_a_parameter_it_cannot_name_goes_through_the_orm(desk: Desk) -> None:
    recent = published(desk, "近期的通知")
    query = ByIds(
        lambda now, ids: InfoItem.objects.filter(pk__in=ids, published_at__gte=now - timedelta(1)).values_list("pk")
    )
    assert [r[0] for r in query.rows([recent.pk])] == [recent.pk]
    assert list(next(iter(query._plans.values())).values()) == [None]  # (now − 1 day: not understood)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert query.rows([recent.pk]) == []
