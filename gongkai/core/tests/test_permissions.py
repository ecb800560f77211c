"""One permission function; these tests pin who may do what where."""

import pytest

from gongkai.core import selectors, services
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import Role
from gongkai.core.permissions import Perm, can, organisations_where, require, roles_on
from gongkai.core.tests.factories import make_user
from gongkai.core.tests.fixtures import Tree


def test_role_with_descendants_covers_the_subtree_only(tree: Tree) -> None:
    scope = set(organisations_where(tree.tc_editor, Perm.ORG_VIEW))
    assert scope == {tree.tongchuan, tree.tongchuan_dept}
    assert can(tree.tc_editor, Perm.ITEM_DRAFT, tree.tongchuan_dept)
    assert not can(tree.tc_editor, Perm.ITEM_DRAFT, tree.dachuan)
    assert not can(tree.tc_editor, Perm.ITEM_DRAFT, tree.city)


def test_role_without_descendants_covers_its_body_only(tree: Tree) -> None:
    assert can(tree.tc_officer, Perm.REQUEST_HANDLE, tree.tongchuan)
    assert not can(tree.tc_officer, Perm.REQUEST_HANDLE, tree.tongchuan_dept)
    assert roles_on(tree.tc_officer, tree.tongchuan) == {Role.OFFICE_OFFICER}


def test_four_levels_reached_through_descendants(tree: Tree) -> None:
    assert set(organisations_where(tree.supervisor, Perm.ORG_VIEW)) >= {tree.dachuan_village, tree.city_dept}
    assert can(tree.supervisor, Perm.ORG_VIEW, tree.dachuan_village)


def test_supervisor_reads_but_changes_nothing(tree: Tree) -> None:
    reads = {Perm.ORG_VIEW, Perm.STATISTICS_VIEW}
    for perm in Perm:
        assert can(tree.supervisor, perm, tree.dachuan) is (perm in reads), perm


def test_audit_admin_reads_the_audit_trail_and_nothing_else(tree: Tree) -> None:
    assert can(tree.auditor, Perm.AUDIT_READ, None)
    for perm in Perm:
        if perm is not Perm.AUDIT_READ:
            assert not can(tree.auditor, perm, tree.city), perm
    assert not organisations_where(tree.auditor, Perm.ORG_VIEW).exists()


def test_superuser_flag_grants_nothing(tree: Tree) -> None:
    boss = make_user("boss")
    boss.is_superuser = True
    boss.save()
    assert not any(can(boss, perm, tree.city) for perm in Perm)


def test_require_names_the_body_and_the_action_in_chinese(tree: Tree) -> None:
    with pytest.raises(NotPermitted, match="您没有在“达州市达川区人民政府”维护公开指南联系信息的权限"):
        require(tree.tc_officer, Perm.ORG_EDIT_CONTACT, tree.dachuan)


def test_tongchuan_editor_cannot_read_dachuan_through_selectors(tree: Tree) -> None:
    assert tree.dachuan not in selectors.organisations_for(tree.tc_editor)
    with pytest.raises(type(tree.dachuan).DoesNotExist, match="无权查看"):
        selectors.organisation_for(tree.tc_editor, tree.dachuan.pk)


def test_tongchuan_officer_cannot_change_dachuan_through_services(tree: Tree) -> None:
    before = tree.dachuan.phone
    with pytest.raises(NotPermitted):
        services.organisation_update_contact(actor=tree.tc_officer, organisation=tree.dachuan, phone="0818-1234567")
    tree.dachuan.refresh_from_db()
    assert tree.dachuan.phone == before


def test_three_administrators_are_kept_apart(tree: Tree) -> None:
    with pytest.raises(DomainError, match="三员分立"):
        services.role_grant(actor=None, user=tree.sysadmin, organisation=tree.city, role=Role.SECURITY_ADMIN)
    with pytest.raises(DomainError, match="三员分立"):
        services.role_grant(actor=None, user=tree.auditor, organisation=tree.city, role=Role.EDITOR)
    with pytest.raises(DomainError, match="三员分立"):
        services.role_grant(actor=None, user=tree.tc_editor, organisation=tree.city, role=Role.AUDIT_ADMIN)


def test_security_admin_grants_within_scope_and_not_to_self(tree: Tree) -> None:
    newcomer = make_user("newcomer")
    services.role_grant(actor=tree.secadmin, user=newcomer, organisation=tree.dachuan_dept, role=Role.EDITOR)
    assert can(newcomer, Perm.ITEM_DRAFT, tree.dachuan_dept)
    with pytest.raises(DomainError, match="不能给自己授权"):
        services.role_grant(actor=tree.secadmin, user=tree.secadmin, organisation=tree.city, role=Role.EDITOR)
    with pytest.raises(NotPermitted):
        services.role_grant(actor=tree.sysadmin, user=newcomer, organisation=tree.dachuan, role=Role.EDITOR)


def test_revoked_role_stops_working_at_once(tree: Tree) -> None:
    assignment = tree.tc_editor.role_assignments.get()
    assert can(tree.tc_editor, Perm.ITEM_DRAFT, tree.tongchuan)
    services.role_revoke(actor=tree.secadmin, assignment=assignment)
    assert not can(tree.tc_editor, Perm.ITEM_DRAFT, tree.tongchuan)


def test_scope_check_costs_one_query_per_user(tree: Tree, django_assert_num_queries) -> None:
    user = type(tree.tc_editor).objects.get(pk=tree.tc_editor.pk)
    with django_assert_num_queries(1):
        for org in (tree.city, tree.tongchuan, tree.dachuan, tree.tongchuan_dept):
            can(user, Perm.ITEM_DRAFT, org)
