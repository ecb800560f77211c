"""sitemap.xml of each site: a sitemap index at the site's root pointing to the
site's pages (home, 政务公开, the bodies and their catalog columns) and to its public
items (publishing.selectors.public_items_of_site), paged when there are many.

Works by host name and under /site/<slug>/ alike: every address is reversed inside
the request's script prefix. Django's sitemap views do the XML and the paging; the
app django.contrib.sitemaps is not needed, only its views and our own templates."""

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.core.models import Site
from gongkai.core.selectors import site_organisations
from gongkai.publishing.models import CatalogColumn, InfoItem
from gongkai.publishing.selectors import public_items_of_site

from . import selectors

# URLs per sitemap file (the protocol allows 50,000; smaller files answer faster).
ITEMS_PER_FILE = 10_000
# The site's own pages, always listed.
SITE_PAGES = ("web:home", "web:openness", "web:services", "web:interaction")


class SitePagesSitemap(Sitemap[str]):
    """The pages of the site: its sections, each body's page and each visible column."""

    changefreq = "daily"

    def __init__(self, site: Site) -> None:
        self.site = site

    def items(self) -> list[str]:
        orgs = list(site_organisations(self.site))
        columns: dict[int, list[CatalogColumn]] = {}
        for column in CatalogColumn.objects.filter(organisation__in=orgs, is_hidden=False).order_by(
            "organisation_id", "position", "id"
        ):
            columns.setdefault(column.organisation_id, []).append(column)
        urls = [reverse(name) for name in SITE_PAGES]
        for org in orgs:
            urls.append(reverse("web:organisation", args=[org.pk]))
            visible = {c.pk: c for c in columns.get(org.pk, [])}
            for column in visible.values():
                if _reachable(column, visible):
                    urls.append(reverse("web:column", args=[column.pk]))
        return urls

    def location(self, item: str) -> str:
        return item


def _reachable(column: CatalogColumn, visible: dict[int, CatalogColumn]) -> bool:
    """A column whose every ancestor is visible (the same rule as the catalog tree)."""
    seen: set[int] = set()
    while column.parent_id is not None:
        if column.parent_id not in visible or column.parent_id in seen:
            return False
        seen.add(column.parent_id)
        column = visible[column.parent_id]
    return True


class SiteItemsSitemap(Sitemap[InfoItem]):
    """Every public item of the bodies publishing on the site."""

    limit = ITEMS_PER_FILE

    def __init__(self, site: Site) -> None:
        self.site = site

    def items(self) -> QuerySet[InfoItem]:
        return public_items_of_site(self.site).only("pk", "published_at").order_by(*selectors.LIST_ORDER)

    def location(self, item: InfoItem) -> str:
        return reverse("web:item", args=[item.pk])

    def lastmod(self, item: InfoItem) -> datetime | None:
        return item.published_at

    def get_latest_lastmod(self) -> datetime | None:
        # One aggregate instead of Django's default of reading every item.
        latest: datetime | None = public_items_of_site(self.site).aggregate(latest=Max("published_at"))["latest"]
        return latest


def _sitemaps(request: HttpRequest) -> dict[str, type[Sitemap[Any]] | Sitemap[Any]]:
    site = getattr(request, "site", None)
    if site is None:
        raise Http404(_("没有这个网站。"))
    return {"pages": SitePagesSitemap(site), "items": SiteItemsSitemap(site)}


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.index(
        request,
        _sitemaps(request),
        template_name="web/sitemap_index.xml",
        sitemap_url_name="web:sitemap_section",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    response = sitemap_views.sitemap(request, _sitemaps(request), section=section, template_name="web/sitemap.xml")
    response["Cache-Control"] = "no-cache"
    return response
