"""Writes of the core context. Each function is one complete state change: the checks,
the row, the audit record and, on commit, the events others listen to.

`actor=None` means the platform itself (the demo loader, a command run by the
operator on the server); every request-driven call passes the signed-in user.
"""

from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

from . import audit, creditcode
from .errors import DomainError
from .models import (
    CalendarOverride,
    DayKind,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    Site,
    SiteColumn,
    SiteColumnKind,
    User,
)
from .models.roles import ADMIN_ROLES
from .permissions import Perm, forget_cached_roles, require

# Sent once, on commit, after any change to the holiday overrides. Listeners (e.g. the
# request desk) recompute the deadlines that depend on the calendar. Arguments:
# dates (list[date]): the days whose status changed.
calendar_changed = Signal()

CONTACT_FIELDS = ("office_name", "address", "office_hours", "phone", "fax", "email", "postcode")


def _role(actor: User | None, perm: Perm, organisation: Organisation | None) -> str:
    return "" if actor is None else str(require(actor, perm, organisation))


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


# --- organisations ------------------------------------------------------------------


def _set_path(org: Organisation) -> None:
    parent_path = org.parent.path if org.parent is not None else ""
    org.path = f"{parent_path}{org.pk:06d}/"
    org.depth = parent_path.count("/")


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    short_name: str = "",
    credit_code: str = "",
    index_code: str = "",
    position: int = 0,
    **contact: str,
) -> Organisation:
    role = _role(actor, Perm.ORG_MANAGE, parent)
    name = name.strip()
    if not name:
        raise DomainError("机构名称不能为空。")
    if kind not in OrganisationKind.values:
        raise DomainError(f"未知的机构类型“{kind}”。可选：{'、'.join(OrganisationKind.values)}。")
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(sorted(unknown))}。")
    if credit_code:
        try:
            credit_code = creditcode.validate(credit_code)
        except creditcode.CreditCodeError as exc:
            raise DomainError(str(exc)) from exc
        if Organisation.objects.filter(credit_code=credit_code).exists():
            raise DomainError(f"统一社会信用代码“{credit_code}”已被其他机构使用。")
    if Organisation.objects.filter(name=name).exists():
        raise DomainError(f"机构“{name}”已存在。")
    org = Organisation(
        name=name,
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        credit_code=credit_code,
        index_code=index_code.strip(),
        position=position,
        **contact,
    )
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    audit.record(
        actor=actor,
        role=role,
        organisation=org,
        action="organisation.create",
        obj=org,
        changes={"name": name, "kind": kind, "parent": parent.name if parent else None, "credit_code": credit_code},
    )
    return org


@transaction.atomic
def organisation_update_contact(*, actor: User | None, organisation: Organisation, **contact: str) -> Organisation:
    """Update the 公开指南 contact data (条例第十二条)."""
    role = _role(actor, Perm.ORG_EDIT_CONTACT, organisation)
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(sorted(unknown))}。")
    # Read "before" from the database: a bound form may already have changed the instance.
    before = _snapshot(Organisation.objects.get(pk=organisation.pk), CONTACT_FIELDS)
    for field, value in contact.items():
        setattr(organisation, field, value.strip())
    try:
        organisation.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise DomainError("；".join(f"{k}: {'，'.join(v)}" for k, v in exc.message_dict.items())) from exc
    organisation.save(update_fields=list(contact))
    changes = audit.diff(before, _snapshot(organisation, CONTACT_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            role=role,
            organisation=organisation,
            action="organisation.update_contact",
            obj=organisation,
            changes=changes,
        )
    return organisation


# --- users and roles ----------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    organisation: Organisation | None = None,
) -> User:
    """Create a staff account. A security administrator creates accounts for the
    bodies in their scope; the platform (actor=None) may create any."""
    role = _role(actor, Perm.ROLE_GRANT, organisation)
    username = username.strip()
    if not username:
        raise DomainError("用户名不能为空。")
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名“{username}”已存在。")
    user = User(username=username, full_name=full_name.strip(), is_staff=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("密码不符合要求：" + "；".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="user.create",
        obj=user,
        changes={"username": username, "full_name": user.full_name},
    )
    return user


def _check_separation(user: User, role: str) -> None:
    """三员分立: the system, security and audit administrators are three different
    people, and the audit administrator holds no other role at all."""
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    if role in ADMIN_ROLES and held & (ADMIN_ROLES - {role}):
        other = Role((held & (ADMIN_ROLES - {role})).pop()).label
        raise DomainError(f"三员分立：该用户已是{other}，不能再担任{Role(role).label}。")
    if role == Role.AUDIT_ADMIN and held - {Role.AUDIT_ADMIN}:
        raise DomainError("三员分立：安全审计员不能兼任其他角色。")
    if role != Role.AUDIT_ADMIN and Role.AUDIT_ADMIN in held:
        raise DomainError("三员分立：该用户是安全审计员，不能再授予其他角色。")


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: str,
    include_descendants: bool = False,
) -> RoleAssignment:
    actor_role = _role(actor, Perm.ROLE_GRANT, organisation)
    if role not in Role.values:
        raise DomainError(f"未知的角色“{role}”。可选：{'、'.join(Role.values)}。")
    if actor is not None and actor.pk == user.pk:
        raise DomainError("不能给自己授权。")
    if RoleAssignment.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise DomainError(f"{user}已在{organisation.name}担任{Role(role).label}。")
    _check_separation(user, role)
    assignment = RoleAssignment.objects.create(
        user=user, organisation=organisation, role=role, include_descendants=include_descendants
    )
    forget_cached_roles(user)
    audit.record(
        actor=actor,
        role=actor_role,
        organisation=organisation,
        action="role.grant",
        obj=assignment,
        changes={"user": user.get_username(), "role": role, "include_descendants": include_descendants},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    actor_role = _role(actor, Perm.ROLE_GRANT, assignment.organisation)
    audit.record(
        actor=actor,
        role=actor_role,
        organisation=assignment.organisation,
        action="role.revoke",
        obj=assignment,
        changes={"user": assignment.user.get_username(), "role": assignment.role},
    )
    forget_cached_roles(assignment.user)
    assignment.delete()


# --- sites --------------------------------------------------------------------------

DEFAULT_COLUMNS: tuple[tuple[str, str], ...] = (
    (SiteColumnKind.HOME, "首页"),
    (SiteColumnKind.OPENNESS, "政务公开"),
    (SiteColumnKind.SERVICES, "政务服务"),
    (SiteColumnKind.INTERACTION, "互动交流"),
    (SiteColumnKind.SEARCH, "搜索"),
)

SITE_FIELDS = ("name", "hosts", "sponsor", "operator", "site_code", "icp_number", "police_number", "contact")


@transaction.atomic
def site_create(
    *,
    actor: User | None,
    organisation: Organisation,
    slug: str,
    name: str,
    is_default: bool = False,
    **fields: str,
) -> Site:
    role = _role(actor, Perm.SITE_MANAGE, organisation)
    if Site.objects.filter(slug=slug).exists():
        raise DomainError(f"网站标识“{slug}”已被使用。")
    if Site.objects.filter(organisation=organisation).exists():
        raise DomainError(f"{organisation.name}已有网站。")
    if is_default:
        Site.objects.filter(is_default=True).update(is_default=False)
    site = Site.objects.create(organisation=organisation, slug=slug, name=name, is_default=is_default, **fields)
    for position, (kind, title) in enumerate(DEFAULT_COLUMNS):
        SiteColumn.objects.create(site=site, kind=kind, title=title, position=position * 10)
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="site.create",
        obj=site,
        changes={"slug": slug, "name": name, **fields},
    )
    return site


@transaction.atomic
def site_update(*, actor: User | None, site: Site, **fields: Any) -> Site:
    role = _role(actor, Perm.SITE_MANAGE, site.organisation)
    unknown = set(fields) - set(SITE_FIELDS) - {"is_default"}
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(sorted(unknown))}。")
    before = _snapshot(site, (*SITE_FIELDS, "is_default"))
    if fields.get("is_default"):
        Site.objects.filter(is_default=True).exclude(pk=site.pk).update(is_default=False)
    for field, value in fields.items():
        setattr(site, field, value)
    site.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=site.organisation,
        action="site.update",
        obj=site,
        changes=audit.diff(before, _snapshot(site, (*SITE_FIELDS, "is_default"))),
    )
    return site


@transaction.atomic
def site_column_save(
    *, actor: User | None, column: SiteColumn, title: str, position: int, is_hidden: bool, url: str = ""
) -> SiteColumn:
    """Rename, reorder or hide a navigation column of a site."""
    role = _role(actor, Perm.SITE_MANAGE, column.site.organisation)
    title = title.strip()
    if not title:
        raise DomainError("栏目名称不能为空。")
    if column.kind == SiteColumnKind.LINK and not url:
        raise DomainError("外部链接栏目须填写链接地址。")
    fields = ("title", "position", "is_hidden", "url")
    before = _snapshot(column, fields) if column.pk else {}
    column.title, column.position, column.is_hidden, column.url = title, position, is_hidden, url
    column.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=column.site.organisation,
        action="site.column_save",
        obj=column,
        changes=audit.diff(before, _snapshot(column, fields)),
    )
    return column


# --- the working-day calendar -------------------------------------------------------


def _announce_calendar_change(dates: list[date]) -> None:
    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarOverride, dates=sorted(dates)))


@transaction.atomic
def calendar_override_set(
    *, actor: User | None, day: date, kind: str, name: str, source_notice: str
) -> CalendarOverride:
    """Declare a day a holiday or a make-up working day (an official notice says so)."""
    role = _role(actor, Perm.CALENDAR_MANAGE, None)
    if kind not in DayKind.values:
        raise DomainError(f"未知的日期类型“{kind}”。可选：holiday（节假日）、workday（调休工作日）。")
    if not name.strip() or not source_notice.strip():
        raise DomainError("请填写节日名称和依据文件。")
    existing = CalendarOverride.objects.filter(date=day).first()
    before = _snapshot(existing, ("kind", "name", "source_notice")) if existing else {}
    override, _ = CalendarOverride.objects.update_or_create(
        date=day, defaults={"kind": kind, "name": name.strip(), "source_notice": source_notice.strip()}
    )
    audit.record(
        actor=actor,
        role=role,
        action="calendar.override_set",
        obj=override,
        changes=audit.diff(before, _snapshot(override, ("kind", "name", "source_notice"))),
    )
    _announce_calendar_change([day])
    return override


@transaction.atomic
def calendar_override_delete(*, actor: User | None, override: CalendarOverride) -> None:
    role = _role(actor, Perm.CALENDAR_MANAGE, None)
    audit.record(
        actor=actor,
        role=role,
        action="calendar.override_delete",
        obj=override,
        changes={"date": override.date, "kind": override.kind, "name": override.name},
    )
    day = override.date
    override.delete()
    _announce_calendar_change([day])
