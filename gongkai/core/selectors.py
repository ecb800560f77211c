"""Reads of the core context. Scoped reads take the user and never return what the
user's roles do not cover (core.permissions)."""

from datetime import datetime

from django.db.models import Q, QuerySet

from .errors import NotPermitted
from .models import AuditRecord, Organisation, Site, User
from .permissions import AnyUser, Perm, can, organisations_where


def organisations_for(user: AnyUser, perm: Perm = Perm.ORG_VIEW) -> QuerySet[Organisation]:
    return organisations_where(user, perm).select_related("parent").order_by("path")


def organisation_for(user: AnyUser, pk: int, perm: Perm = Perm.ORG_VIEW) -> Organisation:
    """One body the user may see; a body outside the scope looks exactly like a body
    that does not exist."""
    org = organisations_where(user, perm).select_related("parent").filter(pk=pk).first()
    if org is None:
        raise Organisation.DoesNotExist(f"没有编号为 {pk} 的机构，或您无权查看。")
    return org


def audit_records_for(user: AnyUser) -> QuerySet[AuditRecord]:
    """The audit trail as far as the user may read it: everything for a platform-wide
    audit administrator, else the records of the bodies in scope."""
    records = AuditRecord.objects.select_related("actor", "organisation").order_by("-seq")
    if can(user, Perm.AUDIT_READ, None):
        return records
    scope = organisations_where(user, Perm.AUDIT_READ)
    if not scope.exists():
        raise NotPermitted("您没有查阅审计记录的权限。")
    return records.filter(organisation__in=scope)


def organisation_tree() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent").order_by("path")


def site_for_organisation(org: Organisation) -> Site | None:
    """The site a body publishes in: its own, else the nearest ancestor's."""
    ids = [int(part) for part in org.path.strip("/").split("/") if part]
    sites = {s.organisation_id: s for s in Site.objects.filter(organisation_id__in=ids).select_related("organisation")}
    for org_id in reversed(ids):
        if org_id in sites:
            return sites[org_id]
    return None


def site_organisations(site: Site) -> QuerySet[Organisation]:
    """The bodies that publish on a site: its own body and the descendants that do not
    have a site of their own (nor sit under one that does)."""
    root = site.organisation
    inner_sites = Site.objects.filter(organisation__path__startswith=root.path).exclude(pk=site.pk)
    excluded = Q()
    for path in inner_sites.values_list("organisation__path", flat=True):
        excluded |= Q(path__startswith=path)
    orgs = Organisation.objects.filter(path__startswith=root.path)
    if excluded:
        orgs = orgs.exclude(excluded)
    return orgs.order_by("path")


def sites_all() -> QuerySet[Site]:
    return Site.objects.select_related("organisation").order_by("organisation__path")


def users_in_scope(user: AnyUser) -> QuerySet[User]:
    """Accounts holding a role on a body where `user` manages accounts."""
    scope = organisations_where(user, Perm.ROLE_GRANT)
    return User.objects.filter(role_assignments__organisation__in=scope).distinct().order_by("username")


def failed_logins_since(username: str, since: datetime) -> int:
    return AuditRecord.objects.filter(action="auth.login_failed", actor_name=username, created_at__gte=since).count()


def users_with_role(organisation: Organisation, role: str) -> QuerySet[User]:
    """Active users holding `role` on the body, directly or over an ancestor."""
    ancestor_ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    held = Q(role_assignments__organisation=organisation) | Q(
        role_assignments__organisation_id__in=ancestor_ids, role_assignments__include_descendants=True
    )
    return User.objects.filter(held, role_assignments__role=role, is_active=True).distinct()
