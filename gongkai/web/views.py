"""The public site: home, 政务公开, 政务服务, 互动交流, search, and the display switch.

Every page belongs to the site chosen by core.middleware.SiteMiddleware and shows only
the bodies publishing on that site.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from gongkai.core.models import Organisation, Site
from gongkai.core.selectors import sites_all

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
        {"tree": selectors.organisation_tree(site), **_related_sites(request, site)},
    )


@site_page
def organisation(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    try:
        org = selectors.site_organisation(site, pk)
    except Organisation.DoesNotExist:
        raise Http404(_("本站没有这个机构。")) from None
    children, child_sites = selectors.organisation_children(site, org)
    parent_on_site = org.parent if org.parent is not None and org.pk != site.organisation_id else None
    return render(
        request,
        "web/organisation.html",
        {
            "org": org,
            "guide": contact_rows(org, selectors.GUIDE_FIELDS),
            "parent_on_site": parent_on_site,
            "children": children,
            "child_sites": _site_links(request, child_sites),
        },
    )


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


@site_page
def search(request: HttpRequest, site: Site) -> HttpResponse:
    raw = request.GET.get("q", "")
    result = selectors.search_organisations(site, raw)
    return render(
        request,
        "web/search.html",
        {"result": result, "asked": raw != "", "max_chars": selectors.SEARCH_MAX_CHARS},
    )


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
