import pytest

from gongkai.core.errors import DomainError
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing import services
from gongkai.publishing.models import CatalogColumn, ColumnKey


def test_every_body_gets_the_statutory_catalog_and_governments_the_article_21_domains(tree: Tree) -> None:
    services.catalog_ensure(actor=None, organisation=tree.dachuan)
    services.catalog_ensure(actor=None, organisation=tree.dachuan_dept)
    gov = set(CatalogColumn.objects.filter(organisation=tree.dachuan).values_list("key", flat=True))
    dept = set(CatalogColumn.objects.filter(organisation=tree.dachuan_dept).values_list("key", flat=True))
    assert {ColumnKey.GUIDE, ColumnKey.SYSTEM, ColumnKey.NORMATIVE, ColumnKey.ANNUAL_REPORT} <= dept
    assert ColumnKey.LAND_EXPROPRIATION in gov
    assert ColumnKey.LAND_EXPROPRIATION not in dept
    normative = CatalogColumn.objects.get(organisation=tree.dachuan_dept, key=ColumnKey.NORMATIVE)
    assert normative.parent is not None and normative.parent.key == ColumnKey.POLICY
    assert normative.parent.parent is not None and normative.parent.parent.key == ColumnKey.STATUTORY


def test_ensuring_twice_creates_nothing_and_keeps_renames(tree: Tree) -> None:
    services.catalog_ensure(actor=None, organisation=tree.dachuan_dept)
    guide = CatalogColumn.objects.get(organisation=tree.dachuan_dept, key=ColumnKey.GUIDE)
    services.column_update(actor=tree.sysadmin, column=guide, title="公开指南", position=5, is_hidden=False)
    count = CatalogColumn.objects.count()
    assert services.catalog_ensure(actor=None, organisation=tree.dachuan_dept) == []
    assert CatalogColumn.objects.count() == count
    assert CatalogColumn.objects.get(pk=guide.pk).title == "公开指南"


def test_statutory_columns_cannot_be_deleted_but_own_columns_can(tree: Tree) -> None:
    services.catalog_ensure(actor=None, organisation=tree.dachuan_dept)
    guide = CatalogColumn.objects.get(organisation=tree.dachuan_dept, key=ColumnKey.GUIDE)
    with pytest.raises(DomainError, match="法定栏目，不能删除"):
        services.column_delete(actor=tree.sysadmin, column=guide)
    own = services.column_create(actor=tree.sysadmin, organisation=tree.dachuan_dept, title="教育动态", slug="news")
    services.column_delete(actor=tree.sysadmin, column=own)
    assert not CatalogColumn.objects.filter(pk=own.pk).exists()


def test_column_slug_is_unique_per_body(tree: Tree) -> None:
    services.column_create(actor=None, organisation=tree.dachuan_dept, title="教育动态", slug="news")
    services.column_create(actor=None, organisation=tree.tongchuan_dept, title="教育动态", slug="news")
    with pytest.raises(DomainError, match="已被使用"):
        services.column_create(actor=None, organisation=tree.dachuan_dept, title="另一个", slug="news")


def test_only_site_managers_change_the_catalog(tree: Tree) -> None:
    from gongkai.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.column_create(actor=tree.tc_editor, organisation=tree.tongchuan, title="x", slug="x")


def test_index_pattern_must_contain_a_serial(tree: Tree) -> None:
    with pytest.raises(DomainError, match="流水号"):
        services.settings_update(
            actor=None, organisation=tree.dachuan, stage_roles=["reviewer_final"], index_pattern="{code}/{year}"
        )
    with pytest.raises(DomainError, match="不同的审核角色"):
        services.settings_update(
            actor=None,
            organisation=tree.dachuan,
            stage_roles=["reviewer_final", "reviewer_final"],
            index_pattern="{code}/{year}-{serial:05d}",
        )
