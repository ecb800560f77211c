"""The sites and their navigation, kept per process.

Every public request looks up its site by host name (or `/site/<slug>/`), and every
public page shows the site's navigation: two queries and some sixty model instances per
request for rows that change a few times a year. They are read once per
SITES_TTL_SECONDS and dropped at once, in this process, when a site, a body or a site
column is saved or deleted (apps.py connects the signals); other processes follow within
the TTL. A bulk `update()` sends no signal: call `forget()` after one.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from .models import Site, SiteColumn
from .processcopy import ProcessCopy

SITES_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Directory:
    by_slug: dict[str, Site]
    # host name → the first site (in the order of the tree) that lists it
    by_host: dict[str, Site]
    default: Site | None
    # site id → its visible navigation columns, in order
    navigation: dict[int, list[SiteColumn]] = field(default_factory=dict)
    # a digest of every value above (and of each site's body): equal in every process
    # that read the same rows
    stamp: str = ""


def _values(row: Model) -> tuple[Any, ...]:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


def _load() -> Directory:
    sites = list(Site.objects.select_related("organisation"))
    by_host: dict[str, Site] = {}
    default = None
    for site in sites:
        for host in site.host_list():
            by_host.setdefault(host, site)
        if site.is_default:
            default = site
    navigation: dict[int, list[SiteColumn]] = {site.pk: [] for site in sites}
    for column in SiteColumn.objects.filter(is_hidden=False).order_by("site_id", "position", "id"):
        navigation.setdefault(column.site_id, []).append(column)
    digest = hashlib.sha256()
    for site in sorted(sites, key=lambda s: s.pk):
        digest.update(repr((_values(site), _values(site.organisation))).encode())
        digest.update(repr([_values(c) for c in navigation[site.pk]]).encode())
    return Directory({s.slug: s for s in sites}, by_host, default, navigation, stamp=digest.hexdigest()[:16])


_copy = ProcessCopy(_load, lambda: SITES_TTL_SECONDS)


def directory() -> Directory:
    """The sites, read at most every SITES_TTL_SECONDS (2 queries)."""
    return _copy.get()


def site_for_host(host: str) -> Site | None:
    """The site serving the host name (a port is ignored), else the default site."""
    found = directory()
    return found.by_host.get(host.split(":", 1)[0].lower(), found.default)


def site_by_slug(slug: str) -> Site | None:
    return directory().by_slug.get(slug)


def navigation(site: Site) -> list[SiteColumn]:
    """The site's visible navigation columns, in order."""
    return list(directory().navigation.get(site.pk, ()))


def stamp() -> str:
    """Names what the sites and their navigation hold now, the same in every process
    that read the same rows: a key part for pages and fragments that show them."""
    return directory().stamp


def forget(*_args: Any, **_kwargs: Any) -> None:
    """Drop the copy (a site, body or site column was saved or deleted)."""
    _copy.forget()
