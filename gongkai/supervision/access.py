"""Who may do what with key tasks, built on core.permissions (roles held in a body,
optionally over its descendants).

- Overseeing a plan (dashboards, overdue list, export, look-back, scores) is for the openness
  office and the supervisors of the plan's government: 公开办经办人 / 公开办负责人 / 监督员
  held on the issuing body (达州市人民政府办公室) or on the government it serves
  (达州市人民政府). Holding Perm.ORG_VIEW alone is not enough: an editor of the city
  government sees its own body, not every unit's performance.
- Managing a plan (import, accept or return reports, resolve flagged units, scoring,
  carry-over) is for the openness office only (公开办经办人 / 公开办负责人); the supervisor
  reads and changes nothing, as everywhere in Gongkai.
- A unit's tasks are visible to whoever holds Perm.ORG_VIEW on the unit (a unit's view shows
  only its tasks). Reporting on them needs a working role there: 信息员 or 公开办 staff of
  the unit, directly or over it with descendants. Read-only and administrative roles
  (监督员, the three administrators) never report.
"""

from gongkai.core.errors import NotPermitted
from gongkai.core.models import Organisation, OrganisationKind, Role
from gongkai.core.permissions import AnyUser, Perm, can, has_role

from .models import TaskPlan

OFFICE_ROLES: tuple[Role, ...] = (Role.OFFICE_HEAD, Role.OFFICE_OFFICER)
OVERSIGHT_ROLES: tuple[Role, ...] = (*OFFICE_ROLES, Role.SUPERVISOR)
REPORTER_ROLES: tuple[Role, ...] = (Role.OFFICE_HEAD, Role.OFFICE_OFFICER, Role.EDITOR)


def plan_government(issuer: Organisation) -> Organisation:
    """The government a plan belongs to: its issuer, or the government whose office issued it."""
    if issuer.kind == OrganisationKind.GOVERNMENT_OFFICE and issuer.parent is not None:
        return issuer.parent
    return issuer


def _bodies(issuer: Organisation) -> list[Organisation]:
    government = plan_government(issuer)
    return [issuer] if government.pk == issuer.pk else [issuer, government]


def _role_among(user: AnyUser, roles: tuple[Role, ...], bodies: list[Organisation]) -> Role | None:
    for role in roles:
        if any(has_role(user, role, body) for body in bodies):
            return role
    return None


def oversight_role(user: AnyUser, plan: TaskPlan) -> Role | None:
    return _role_among(user, OVERSIGHT_ROLES, _bodies(plan.issuer))


def can_oversee(user: AnyUser, plan: TaskPlan) -> bool:
    return oversight_role(user, plan) is not None


def office_role(user: AnyUser, issuer: Organisation) -> Role | None:
    return _role_among(user, OFFICE_ROLES, _bodies(issuer))


def can_manage(user: AnyUser, plan: TaskPlan) -> bool:
    return office_role(user, plan.issuer) is not None


def require_office(user: AnyUser, issuer: Organisation) -> Role:
    role = office_role(user, issuer)
    if role is None:
        raise NotPermitted(f"只有“{plan_government(issuer).name}”的政务公开办公室人员才能办理重点工作督办事项。")
    return role


def reporter_role(user: AnyUser, organisation: Organisation) -> Role | None:
    if not can(user, Perm.ORG_VIEW, organisation):
        return None
    return _role_among(user, REPORTER_ROLES, [organisation])


def require_reporter(user: AnyUser, organisation: Organisation) -> Role:
    role = reporter_role(user, organisation)
    if role is None:
        raise NotPermitted(f"您不是“{organisation.name}”的信息员或公开办人员，不能报送该单位的任务进展。")
    return role
