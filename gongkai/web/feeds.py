"""RSS 2.0 and Atom feeds of a catalog column (its sub-columns included).

A feed lists what the column's page lists: the public items (publishing.selectors.
public_items) of a body publishing on the requesting site, newest first. A withdrawn
item leaves the feed with the next request; nothing is cached here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gongkai.core.models import Site
from gongkai.publishing.models import CatalogColumn, InfoItem

from . import selectors

# How many items a feed carries.
FEED_SIZE = 20
# Characters of the text used as the description when the item has no summary.
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class ColumnScope:
    site: Site
    column: CatalogColumn
    columns: list[int]  # the column and its visible sub-columns


class ColumnRssFeed(Feed[InfoItem, ColumnScope]):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    language = "zh-cn"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "site", None) is None:
            raise Http404(_("没有这个网站。"))
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "no-cache"
        return response

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> ColumnScope:
        site: Site = getattr(request, "site")  # noqa: B009 (set by core.middleware.SiteMiddleware)
        try:
            column = selectors.site_column(site, int(kwargs["pk"]))
        except CatalogColumn.DoesNotExist:
            raise Http404(_("本站没有这个栏目。")) from None
        catalog = selectors.organisation_catalog(column.organisation, with_counts=False)
        if column.pk not in catalog:
            raise Http404(_("本站没有这个栏目。"))
        return ColumnScope(site=site, column=column, columns=catalog.subtree(column.pk))

    def title(self, obj: ColumnScope) -> str:
        return f"{obj.column.title} - {obj.column.organisation.name} - {obj.site.name}"

    def link(self, obj: ColumnScope) -> str:
        return reverse("web:column", args=[obj.column.pk])

    def description(self, obj: ColumnScope) -> str:
        return obj.column.description or _("%(org)s政府信息公开目录“%(column)s”栏目的最新信息") % {
            "org": obj.column.organisation.name,
            "column": obj.column.title,
        }

    def items(self, obj: ColumnScope) -> QuerySet[InfoItem]:
        return (
            selectors.catalog_items(obj.column.organisation, obj.columns)
            .select_related("organisation", "column", "subject")
            .order_by(*selectors.LIST_ORDER)[:FEED_SIZE]
        )

    def item_title(self, item: InfoItem) -> str:
        return escape(item.title)

    def item_description(self, item: InfoItem) -> str:
        text = item.summary or Truncator(item.body_text.replace("\n", " ")).chars(DESCRIPTION_CHARS)
        return escape(text)

    def item_link(self, item: InfoItem) -> str:
        return reverse("web:item", args=[item.pk])

    def item_pubdate(self, item: InfoItem) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: InfoItem) -> str:
        return item.issuing_organ or item.organisation.name

    def item_categories(self, item: InfoItem) -> list[str]:
        return [item.column.title, *([item.subject.name] if item.subject is not None else [])]


class ColumnAtomFeed(ColumnRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: ColumnScope) -> str:
        return self.description(obj)
