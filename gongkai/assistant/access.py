"""Who may curate the assistant's FAQ and triage its questions.

An FAQ entry belongs to a body; the people who write for that body (editors: 编辑信息) and its
disclosure office (办理依申请公开) maintain it. There is no separate permission in
core.permissions for it: the two existing ones describe exactly those people.
The question queue holds masked text only and no body; anyone who curates an FAQ somewhere
may triage it.
"""

from django.db.models import QuerySet

from gongkai.core.errors import NotPermitted
from gongkai.core.models import Organisation, Role
from gongkai.core.permissions import AnyUser, Perm, organisations_where, role_for

FAQ_PERMS = (Perm.ITEM_DRAFT, Perm.REQUEST_HANDLE)


def faq_role(user: AnyUser, organisation: Organisation) -> Role | None:
    """The role under which the user may curate the body's FAQ, or None."""
    for perm in FAQ_PERMS:
        role = role_for(user, perm, organisation)
        if role is not None:
            return role
    return None


def require_faq(user: AnyUser, organisation: Organisation) -> Role:
    role = faq_role(user, organisation)
    if role is None:
        raise NotPermitted(f"您没有维护“{organisation.name}”常见问题的权限。")
    return role


def faq_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """Every body whose FAQ the user may curate."""
    first, second = (organisations_where(user, perm) for perm in FAQ_PERMS)
    return (first | second).order_by("path")


def triage_role(user: AnyUser) -> Role | None:
    """The role under which the user may work the question queue (an FAQ role anywhere)."""
    organisation = faq_organisations(user).first()
    return faq_role(user, organisation) if organisation is not None else None


def require_triage(user: AnyUser) -> Role:
    role = triage_role(user)
    if role is None:
        raise NotPermitted("您没有处理政策问答问题的权限。")
    return role
