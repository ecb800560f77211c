"""Test data built through the real services, as the application builds it."""

import itertools
from typing import Any

from gongkai.core import services
from gongkai.core.models import Organisation, OrganisationKind, Role, Site, User

_seq = itertools.count(1)

PASSWORD = "Gongkai-test-2026"


def make_org(
    name: str | None = None,
    *,
    parent: Organisation | None = None,
    kind: str = OrganisationKind.DEPARTMENT,
    **fields: Any,
) -> Organisation:
    return services.organisation_create(
        actor=None, name=name or f"测试机构{next(_seq)}", kind=kind, parent=parent, **fields
    )


def make_site(org: Organisation, slug: str | None = None, *, is_default: bool = False, **fields: str) -> Site:
    return services.site_create(
        actor=None,
        organisation=org,
        slug=slug or f"site{next(_seq)}",
        name=fields.pop("name", f"{org.name}网站"),
        is_default=is_default,
        **fields,
    )


def make_user(
    username: str | None = None,
    *,
    org: Organisation | None = None,
    role: str | Role | None = None,
    descendants: bool = False,
) -> User:
    user = services.user_create(actor=None, username=username or f"user{next(_seq)}", password=PASSWORD)
    if org is not None and role is not None:
        services.role_grant(actor=None, user=user, organisation=org, role=str(role), include_descendants=descendants)
    return user
