"""The one permission function of Gongkai.

Every service, selector, view and admin page asks `can()` / `require()` /
`organisations_where()`. Roles are held within a body (RoleAssignment), optionally
over its descendants; a permission holds on a body when a role that carries it is
assigned there or on an ancestor with `include_descendants`.

Django's `is_superuser` is deliberately ignored: the three administrators are kept
apart (三员分立) and no single account may hold the powers of all three.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from .errors import NotPermitted
from .models import Organisation, Role, RoleAssignment, User


class Perm(StrEnum):
    # Seeing a body and its internal (unpublished) work in the staff workspace.
    ORG_VIEW = "org_view"
    # Editing the contact data of the disclosure guide (公开指南).
    ORG_EDIT_CONTACT = "org_edit_contact"
    # Creating and restructuring bodies and sites, managing columns and settings.
    ORG_MANAGE = "org_manage"
    SITE_MANAGE = "site_manage"
    CALENDAR_MANAGE = "calendar_manage"
    # Accounts and role grants.
    ROLE_GRANT = "role_grant"
    # Reading the audit trail.
    AUDIT_READ = "audit_read"
    # Publishing chain (编审发, 三审).
    ITEM_DRAFT = "item_draft"
    ITEM_REVIEW_FIRST = "item_review_first"
    ITEM_REVIEW_SECOND = "item_review_second"
    ITEM_REVIEW_FINAL = "item_review_final"
    # Disclosure on request.
    REQUEST_HANDLE = "request_handle"
    EXTENSION_APPROVE = "extension_approve"
    # Reading the openness statistics (requests, timeliness) of a body.
    STATISTICS_VIEW = "statistics_view"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.EDITOR: frozenset({Perm.ORG_VIEW, Perm.ITEM_DRAFT}),
    Role.REVIEWER_FIRST: frozenset({Perm.ORG_VIEW, Perm.ITEM_REVIEW_FIRST}),
    Role.REVIEWER_SECOND: frozenset({Perm.ORG_VIEW, Perm.ITEM_REVIEW_SECOND}),
    Role.REVIEWER_FINAL: frozenset({Perm.ORG_VIEW, Perm.ITEM_REVIEW_FINAL}),
    Role.OFFICE_OFFICER: frozenset({Perm.ORG_VIEW, Perm.ORG_EDIT_CONTACT, Perm.REQUEST_HANDLE, Perm.STATISTICS_VIEW}),
    Role.OFFICE_HEAD: frozenset(
        {Perm.ORG_VIEW, Perm.ORG_EDIT_CONTACT, Perm.REQUEST_HANDLE, Perm.EXTENSION_APPROVE, Perm.STATISTICS_VIEW}
    ),
    # Read-only across the scope: sees everything, changes nothing.
    Role.SUPERVISOR: frozenset({Perm.ORG_VIEW, Perm.STATISTICS_VIEW}),
    Role.SYSTEM_ADMIN: frozenset(
        {Perm.ORG_VIEW, Perm.ORG_EDIT_CONTACT, Perm.ORG_MANAGE, Perm.SITE_MANAGE, Perm.CALENDAR_MANAGE}
    ),
    Role.SECURITY_ADMIN: frozenset({Perm.ORG_VIEW, Perm.ROLE_GRANT}),
    # The audit administrator reads the audit trail and nothing else.
    Role.AUDIT_ADMIN: frozenset({Perm.AUDIT_READ}),
}

PERM_LABELS: dict[Perm, str] = {
    Perm.ORG_VIEW: "查看本机构工作信息",
    Perm.ORG_EDIT_CONTACT: "维护公开指南联系信息",
    Perm.ORG_MANAGE: "管理机构",
    Perm.SITE_MANAGE: "管理网站和栏目",
    Perm.CALENDAR_MANAGE: "维护节假日",
    Perm.ROLE_GRANT: "管理账号和授权",
    Perm.AUDIT_READ: "查阅审计记录",
    Perm.ITEM_DRAFT: "编辑信息",
    Perm.ITEM_REVIEW_FIRST: "初审",
    Perm.ITEM_REVIEW_SECOND: "复审",
    Perm.ITEM_REVIEW_FINAL: "终审",
    Perm.REQUEST_HANDLE: "办理依申请公开",
    Perm.EXTENSION_APPROVE: "审批延期答复",
    Perm.STATISTICS_VIEW: "查看公开工作统计",
}

_CACHE_ATTR = "_gongkai_assignments"

AnyUser = User | AnonymousUser


def _assignments(user: AnyUser) -> list[RoleAssignment]:
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("organisation"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_cached_roles(user: AnyUser) -> None:
    """Called by the services that grant or revoke roles."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _covers(assignment: RoleAssignment, organisation: Organisation) -> bool:
    if assignment.organisation_id == organisation.pk:
        return True
    return assignment.include_descendants and organisation.path.startswith(assignment.organisation.path)


def roles_on(user: AnyUser, organisation: Organisation) -> set[Role]:
    """The roles the user holds on this body, directly or through an ancestor."""
    return {Role(a.role) for a in _assignments(user) if _covers(a, organisation)}


def has_role(user: AnyUser, role: Role | str, organisation: Organisation) -> bool:
    """Whether the user holds exactly this role on the body (workflow stages are
    bound to roles, not to permissions)."""
    return any(a.role == role and _covers(a, organisation) for a in _assignments(user))


def role_for(user: AnyUser, perm: Perm, organisation: Organisation | None) -> Role | None:
    """The role under which the user may do `perm` on `organisation`, or None.

    `organisation=None` asks for a platform-wide permission: it is held by a role
    assigned on a top-level body with its descendants.
    """
    for a in _assignments(user):
        if perm not in ROLE_PERMS[a.role]:
            continue
        if organisation is None:
            if a.organisation.parent_id is None and a.include_descendants:
                return Role(a.role)
        elif _covers(a, organisation):
            return Role(a.role)
    return None


def can(user: AnyUser, perm: Perm, organisation: Organisation | None) -> bool:
    return role_for(user, perm, organisation) is not None


def require(user: AnyUser, perm: Perm, organisation: Organisation | None) -> Role:
    """Return the role that permits the action, or raise NotPermitted (Chinese message)."""
    role = role_for(user, perm, organisation)
    if role is None:
        where = organisation.name if organisation is not None else "全平台"
        raise NotPermitted(f"您没有在“{where}”{PERM_LABELS[perm]}的权限。")
    return role


def organisations_where(user: AnyUser, perm: Perm) -> QuerySet[Organisation]:
    """Every body on which the user holds `perm`: the base of every scoped selector."""
    condition = Q(pk__in=[])
    for a in _assignments(user):
        if perm not in ROLE_PERMS[a.role]:
            continue
        if a.include_descendants:
            condition |= Q(path__startswith=a.organisation.path)
        else:
            condition |= Q(pk=a.organisation_id)
    return Organisation.objects.filter(condition)


def perms_of(roles: Iterable[str]) -> frozenset[Perm]:
    out: set[Perm] = set()
    for r in roles:
        out |= ROLE_PERMS[r]
    return frozenset(out)


def has_any_role(user: AnyUser) -> bool:
    return bool(_assignments(user))
