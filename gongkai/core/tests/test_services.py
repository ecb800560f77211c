"""Bad input to the core services: a Chinese message, nothing written."""

import pytest

from gongkai.core import services
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditRecord, Organisation, Site
from gongkai.core.tests.factories import make_org
from gongkai.core.tests.fixtures import Tree


def _counts() -> tuple[int, int]:
    return Organisation.objects.count(), AuditRecord.objects.count()


def test_organisation_with_bad_credit_code_is_refused_and_nothing_written(tree: Tree) -> None:
    before = _counts()
    with pytest.raises(DomainError, match="校验位错误"):
        make_org("达州市统计局", parent=tree.city, credit_code="91350100M000100Y44")
    assert _counts() == before


def test_duplicate_credit_code_and_name_are_refused(tree: Tree) -> None:
    make_org("甲", parent=tree.city, credit_code="91350100M000100Y43")
    with pytest.raises(DomainError, match="已被其他机构使用"):
        make_org("乙", parent=tree.city, credit_code="91350100m000100y43")
    with pytest.raises(DomainError, match="已存在"):
        make_org("甲", parent=tree.city)


def test_unknown_kind_is_refused(tree: Tree) -> None:
    with pytest.raises(DomainError, match="未知的机构类型"):
        make_org("丙", parent=tree.city, kind="ministry")


def test_path_and_depth_follow_the_tree(tree: Tree) -> None:
    assert tree.city.depth == 0
    assert tree.dachuan_village.depth == 3
    assert tree.dachuan_village.path.startswith(tree.dachuan_town.path)
    assert tree.dachuan_village.is_self_or_descendant_of(tree.dachuan)
    assert not tree.tongchuan_dept.is_self_or_descendant_of(tree.dachuan)


def test_contact_update_validates_email_and_writes_nothing_when_invalid(tree: Tree) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(DomainError, match="email"):
        services.organisation_update_contact(actor=tree.dc_officer, organisation=tree.dachuan, email="not-an-email")
    assert AuditRecord.objects.count() == before
    assert Organisation.objects.get(pk=tree.dachuan.pk).email == ""


def test_only_one_default_site(tree: Tree) -> None:
    site = Site.objects.get(slug="dachuan")
    services.site_update(actor=tree.sysadmin, site=site, is_default=True)
    assert list(Site.objects.filter(is_default=True)) == [site]


def test_weak_password_is_refused(db: None) -> None:
    with pytest.raises(DomainError, match="密码不符合要求"):
        services.user_create(actor=None, username="weak", password="123")
