"""The public site: home, 政务公开 with each body's catalog, columns and items, 政务服务,
互动交流, search, and the display switch.

Every page belongs to the site chosen by core.middleware.SiteMiddleware and shows only
the bodies publishing on that site.
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe
from django.views.decorators.vary import vary_on_cookie

from gongkai.core.models import Organisation, Site
from gongkai.core.selectors import sites_all
from gongkai.publishing.models import CatalogColumn, InfoItem

from . import selectors
from .display import set_elder_mode

SiteView = Callable[Concatenate[HttpRequest, Site, ...], HttpResponse]


@dataclass(frozen=True)
class ContactRow:
    label: str
    value: str
    href: str


@dataclass(frozen=True)
class SiteLink:
    site: Site
    url: str


def contact_rows(org: Organisation, fields: tuple[str, ...]) -> list[ContactRow]:
    """The filled-in contact fields of a body, labelled as the disclosure guide labels them."""
    rows = []
    for name in fields:
        value = getattr(org, name)
        if not value:
            continue
        href = ""
        if name == "email":
            href = f"mailto:{value}"
        elif name == "phone":
            href = "tel:" + "".join(ch for ch in value if ch.isdigit() or ch in "+-")
        label = str(getattr(Organisation._meta.get_field(name), "verbose_name", name))
        rows.append(ContactRow(label=label, value=value, href=href))
    return rows


def _platform_prefix(request: HttpRequest) -> str:
    """The script prefix of the installation, without a `/site/<slug>/` part."""
    prefix = get_script_prefix()
    site = getattr(request, "site", None)
    if site is not None and prefix.endswith(f"/site/{site.slug}/"):
        return prefix[: -len(f"site/{site.slug}/")]
    return prefix


def _in_prefix_mode(request: HttpRequest) -> bool:
    site = getattr(request, "site", None)
    return site is not None and get_script_prefix().endswith(f"/site/{site.slug}/")


def site_url(request: HttpRequest, other: Site) -> str:
    """The address of another site of the platform: by its host name when this request
    came by host name, else (local use) by the `/site/<slug>/` prefix."""
    hosts = other.host_list()
    if hosts and not _in_prefix_mode(request):
        return f"{request.scheme}://{hosts[0]}/"
    return f"{_platform_prefix(request)}site/{other.slug}/"


def no_site(request: HttpRequest) -> HttpResponse:
    """No site answers this request: either the platform has none yet, or none is set
    up for this host name (and no default site exists)."""
    links = [SiteLink(site=s, url=f"{_platform_prefix(request)}site/{s.slug}/") for s in sites_all()]
    status = 404 if links else 503
    return render(request, "web/no_site.html", {"site_links": links}, status=status)


def site_page(view: SiteView) -> Callable[..., HttpResponse]:
    """A page of the current site; without a site, the no-site page. The pages vary
    with the display-mode cookie."""

    @wraps(view)
    @vary_on_cookie
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        site = getattr(request, "site", None)
        if site is None:
            return no_site(request)
        return view(request, site, *args, **kwargs)

    return wrapper


def _site_links(request: HttpRequest, sites: list[Site]) -> list[SiteLink]:
    return [SiteLink(site=s, url=site_url(request, s)) for s in sites]


def _related_sites(request: HttpRequest, site: Site) -> dict[str, object]:
    """The site above this one and those below it, for the 相关政府网站 box."""
    related = selectors.related_sites(site)
    return {
        "parent_site": _site_links(request, [related.parent])[0] if related.parent else None,
        "child_sites": _site_links(request, related.children),
    }


@site_page
def home(request: HttpRequest, site: Site) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "groups": selectors.organisations_by_kind(site),
            "guide": contact_rows(site.organisation, selectors.GUIDE_FIELDS),
            **_related_sites(request, site),
        },
    )


@site_page
def openness(request: HttpRequest, site: Site) -> HttpResponse:
    return render(
        request,
        "web/openness.html",
        {
            "tree": selectors.organisation_tree(site),
            "latest": selectors.latest_items(site),
            **_related_sites(request, site),
        },
    )


@site_page
def organisation(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    """A body's page: its disclosure catalog (the column tree) beside the list of its
    public items, then its disclosure guide and its place among the bodies."""
    try:
        org = selectors.site_organisation(site, pk)
    except Organisation.DoesNotExist:
        raise Http404(_("本站没有这个机构。")) from None
    children, child_sites = selectors.organisation_children(site, org)
    parent_on_site = org.parent if org.parent is not None and org.pk != site.organisation_id else None
    catalog = selectors.organisation_catalog(org)
    listing = selectors.item_list(
        selectors.catalog_items(org, list(catalog.nodes)),
        request.GET,
        columns=catalog.options(),
        column_scope=catalog.subtree,
    )
    return render(
        request,
        "web/organisation.html",
        {
            "org": org,
            "catalog": catalog,
            "listing": listing,
            "guide": contact_rows(org, selectors.GUIDE_FIELDS),
            "parent_on_site": parent_on_site,
            "children": children,
            "child_sites": _site_links(request, child_sites),
        },
    )


def _visible_column(site: Site, pk: int) -> tuple[CatalogColumn, selectors.Catalog]:
    """A column the public may open on this site, with its body's catalog; else 404."""
    try:
        column = selectors.site_column(site, pk)
    except CatalogColumn.DoesNotExist:
        raise Http404(_("本站没有这个栏目。")) from None
    catalog = selectors.organisation_catalog(column.organisation)
    if column.pk not in catalog:
        raise Http404(_("本站没有这个栏目。"))
    return column, catalog


@site_page
def column(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    """A catalog column: the tree on the left, the column's items (its sub-columns'
    included) on the right, with filters and paging."""
    current, catalog = _visible_column(site, pk)
    scope = catalog.subtree(current.pk)
    listing = selectors.item_list(
        selectors.catalog_items(current.organisation, scope),
        request.GET,
        columns=catalog.options(current.pk)[1:],  # the sub-columns; "all" is the column itself
        column_scope=catalog.subtree,
    )
    return render(
        request,
        "web/column.html",
        {
            "org": current.organisation,
            "column": current,
            "catalog": catalog,
            "trail": catalog.trail(current.pk),
            "listing": listing,
        },
    )


def _public_item(site: Site, pk: int) -> InfoItem:
    item = selectors.site_item(site, pk)
    if item is None:
        raise Http404(_("本站没有这条信息，或该信息已不再公开。"))
    return item


def _item_context(item: InfoItem) -> dict[str, object]:
    return {
        "item": item,
        "publisher": item.issuing_organ or item.organisation.name,
        "attachments": selectors.item_attachments(item),
        "trail": selectors.column_trail(item),
    }


@site_page
def item(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    """An information item: the metadata table, the title, the 文号 line, the text,
    the attachments and the related items."""
    found = _public_item(site, pk)
    return render(
        request,
        "web/item.html",
        {**_item_context(found), "related": selectors.related_items(site, found)},
    )


@site_page
def item_print(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    """The item alone, laid out for paper: no navigation, no header or footer."""
    found = _public_item(site, pk)
    return render(request, "web/item_print.html", _item_context(found))


@site_page
def item_by_index(request: HttpRequest, site: Site, index_number: str) -> HttpResponse:
    """索引号 → the item's page (a citizen quoting the number from a printed page)."""
    found = selectors.site_item_by_index(site, index_number.strip())
    if found is None:
        raise Http404(_("本站没有索引号为该号码的公开信息。"))
    return HttpResponseRedirect(reverse("web:item", args=[found.pk]))


# Content types a browser would run or render as a page of this site: sent as plain
# downloads instead (with nosniff and a sandbox, whatever the file claims to be).
_ACTIVE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
)


def content_disposition(name: str, pk: int, file_type: str) -> str:
    """`attachment` with the original name: an ASCII fallback for old clients and the
    UTF-8 name in RFC 5987 / RFC 6266 form for every current browser."""
    extension = "".join(ch for ch in file_type.lower() if ch.isascii() and ch.isalnum())[:10]
    fallback = f"attachment-{pk}.{extension}" if extension else f"attachment-{pk}"
    if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name:
        fallback = name
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_safe
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a public item of this site, through this view only: the
    uploads folder is never served. Off the moment its item is withdrawn."""
    site = getattr(request, "site", None)
    found = selectors.site_attachment(site, pk) if site is not None else None
    if found is None:
        raise Http404(_("附件不存在，或所属信息已不再公开。"))
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("附件文件缺失。")) from None
    content_type = mimetypes.guess_type(found.original_name)[0] or "application/octet-stream"
    if content_type.startswith(_ACTIVE_TYPES):
        content_type = "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(found.original_name, found.pk, found.file_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-cache"  # a withdrawal must not linger in caches
    return response


@site_page
def services(request: HttpRequest, site: Site) -> HttpResponse:
    places = [
        (org, contact_rows(org, selectors.VISIT_FIELDS))
        for org in selectors.organisations_with_any(site, ("address", "office_hours"))
    ]
    return render(request, "web/services.html", {"places": places})


@site_page
def interaction(request: HttpRequest, site: Site) -> HttpResponse:
    channels = [
        (org, contact_rows(org, selectors.CHANNEL_FIELDS))
        for org in selectors.organisations_with_any(site, ("phone", "email", "fax", "address"))
    ]
    return render(request, "web/interaction.html", {"channels": channels})


@require_GET
def elder_mode(request: HttpRequest) -> HttpResponse:
    """The 长者模式 switch without scripts: set the cookie, go back to the page.

    Only a local path (or this host) is followed back; anything else goes home."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    response = HttpResponseRedirect(target)
    set_elder_mode(request, response, on=request.GET.get("elder") == "1")
    return response


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled; the staff workspace and admin may not."""
    lines = [
        "User-agent: *",
        "Disallow: /staff/",
        "Disallow: /admin/",
        "Disallow: /ysqgk/receipt/",
        "Disallow: /ysqgk/status/",
        f"Sitemap: {request.build_absolute_uri(reverse('web:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
