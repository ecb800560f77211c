"""Reads of the publishing context.

Public reads go through `public_items()` and nothing else: it is the single definition
of what an anonymous visitor may see (published and live, publish time reached,
proactive disclosure, whole-society scope, 公示 period not over). Staff reads start from
the bodies in the user's scope (core.permissions)."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.core.models import Organisation, Site
from gongkai.core.permissions import AnyUser, Perm, organisations_where
from gongkai.core.selectors import site_organisations

from .models import Attachment, CatalogColumn, DisclosureMode, DisclosureScope, InfoItem, ItemState


def public_items(now: datetime | None = None) -> QuerySet[InfoItem]:
    """(`now`: the time to judge at; a query compiled once passes its own, core.compiled)"""
    now = now or timezone.now()
    return InfoItem.objects.filter(
        Q(public_until__isnull=True) | Q(public_until__gte=timezone.localdate(now)),
        is_live=True,
        published_at__lte=now,
        disclosure_mode=DisclosureMode.PROACTIVE,
        scope=DisclosureScope.PUBLIC,
    )


def public_items_of_site(site: Site) -> QuerySet[InfoItem]:
    return public_items().filter(organisation__in=site_organisations(site))


def public_item(pk: int) -> InfoItem | None:
    return public_items().select_related("organisation", "column", "subject").filter(pk=pk).first()


def public_attachments() -> QuerySet[Attachment]:
    """Attachments of public items, except the original .docx an item's body was
    imported from: a working file may carry comments or tracked changes."""
    return Attachment.objects.filter(item__in=public_items(), is_original=False)


def public_attachment(pk: int) -> Attachment | None:
    return public_attachments().select_related("item").filter(pk=pk).first()


def catalog_columns(organisation: Organisation, *, include_hidden: bool = False) -> QuerySet[CatalogColumn]:
    columns = CatalogColumn.objects.filter(organisation=organisation)
    if not include_hidden:
        columns = columns.filter(is_hidden=False)
    return columns.order_by("position", "id")


def items_for(user: AnyUser, perm: Perm = Perm.ORG_VIEW) -> QuerySet[InfoItem]:
    """Every item, in any state, of the bodies where the user holds `perm`."""
    return InfoItem.objects.filter(organisation__in=organisations_where(user, perm)).select_related(
        "organisation", "column", "created_by"
    )


def item_for(user: AnyUser, pk: int) -> InfoItem:
    item = items_for(user).filter(pk=pk).first()
    if item is None:
        raise InfoItem.DoesNotExist(f"没有编号为 {pk} 的信息，或您无权查看。")
    return item


def drafts_of(user: AnyUser) -> QuerySet[InfoItem]:
    return items_for(user, Perm.ITEM_DRAFT).filter(
        created_by=user if user.is_authenticated else None,
        state__in=[ItemState.DRAFT, ItemState.REJECTED],
    )


def late_or_due_soon(organisation_scope: QuerySet[Organisation], *, within_days: int = 5) -> QuerySet[InfoItem]:
    """Art. 26 watch list: unpublished items past their due date or due within
    `within_days` working days."""
    from gongkai.core import workdays

    horizon = workdays.add_workdays(timezone.localdate(), within_days).date
    return InfoItem.objects.filter(
        organisation__in=organisation_scope,
        disclosure_mode=DisclosureMode.PROACTIVE,  # Art. 26 binds proactive disclosure only
        first_published_at__isnull=True,
        due_on__lte=horizon,
    ).order_by("due_on")
