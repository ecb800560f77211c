"""Reads for the public site. Everything here is scoped to one site: a body is shown on
the site it publishes in (core.selectors.site_organisations) and nowhere else."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from gongkai.core.models import Organisation, OrganisationKind, Site
from gongkai.core.selectors import site_organisations

# The contact data of the disclosure guide (公开指南, 条例第十二条), in the order the
# guide conventionally lists them.
GUIDE_FIELDS: tuple[str, ...] = ("office_name", "address", "office_hours", "phone", "fax", "email", "postcode")
# Where to go in person (政务服务 page).
VISIT_FIELDS: tuple[str, ...] = ("address", "office_hours", "phone")
# How to reach a body (互动交流 page).
CHANNEL_FIELDS: tuple[str, ...] = ("office_name", "phone", "email", "fax", "address", "postcode", "office_hours")

# A search query longer than this is cut: names are at most 100 characters.
SEARCH_MAX_CHARS = 100


@dataclass(frozen=True)
class KindGroup:
    kind: str
    label: str
    organisations: list[Organisation]


@dataclass
class OrgNode:
    organisation: Organisation
    children: list["OrgNode"] = field(default_factory=list)


@dataclass(frozen=True)
class RelatedSites:
    parent: Site | None
    children: list[Site]


@dataclass(frozen=True)
class SearchResult:
    query: str
    truncated: bool
    organisations: list[Organisation]


def _sort_key(org: Organisation) -> tuple[int, str]:
    return (org.position, org.path)


def organisations_by_kind(site: Site) -> list[KindGroup]:
    """The bodies publishing on the site, grouped by kind in the order of
    OrganisationKind (government first), each group ordered by position."""
    by_kind: dict[str, list[Organisation]] = {}
    for org in site_organisations(site):
        by_kind.setdefault(org.kind, []).append(org)
    return [
        KindGroup(kind=kind.value, label=str(kind.label), organisations=sorted(by_kind[kind.value], key=_sort_key))
        for kind in OrganisationKind
        if kind.value in by_kind
    ]


def organisation_tree(site: Site) -> list[OrgNode]:
    """The bodies publishing on the site as a tree (the site's own body at the root)."""
    orgs = list(site_organisations(site))
    nodes = {org.pk: OrgNode(org) for org in orgs}
    roots: list[OrgNode] = []
    for org in orgs:
        parent = nodes.get(org.parent_id) if org.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[org.pk])
    for node in nodes.values():
        node.children.sort(key=lambda n: _sort_key(n.organisation))
    roots.sort(key=lambda n: _sort_key(n.organisation))
    return roots


def site_organisation(site: Site, pk: int) -> Organisation:
    """One body publishing on the site; a body of another site does not exist here."""
    return site_organisations(site).select_related("parent").get(pk=pk)


def organisation_children(site: Site, org: Organisation) -> tuple[list[Organisation], list[Site]]:
    """The bodies directly under `org`: those publishing on this site, and the sites of
    those that have a site of their own."""
    on_site = sorted(site_organisations(site).filter(parent=org), key=_sort_key)
    own_sites = list(
        Site.objects.filter(organisation__parent=org)
        .exclude(pk=site.pk)
        .select_related("organisation")
        .order_by("organisation__position", "organisation__path")
    )
    return on_site, own_sites


def organisations_with_any(site: Site, fields: tuple[str, ...]) -> list[Organisation]:
    """The bodies of the site that have filled in at least one of `fields`."""
    filled = Q()
    for name in fields:
        filled |= ~Q(**{name: ""})
    return sorted(site_organisations(site).filter(filled), key=_sort_key)


def related_sites(site: Site) -> RelatedSites:
    """The site of the government above (if any) and the sites of the governments below."""
    root = site.organisation
    # The materialised path lists the ancestors' ids ("000001/000007/"): the nearest
    # ancestor that owns a site is the site above.
    ancestor_ids = [int(part) for part in root.path.strip("/").split("/")[:-1]]
    parent = (
        Site.objects.filter(organisation_id__in=ancestor_ids)
        .select_related("organisation")
        .order_by("-organisation__depth")
        .first()
        if ancestor_ids
        else None
    )
    children = list(
        Site.objects.filter(organisation__path__startswith=root.path)
        .exclude(pk=site.pk)
        .select_related("organisation")
        .order_by("organisation__path")
    )
    return RelatedSites(parent=parent, children=children)


def search_organisations(site: Site, raw_query: str) -> SearchResult:
    """The bodies of the site whose name or short name contains every word of the query."""
    query = " ".join(raw_query.split())
    truncated = len(query) > SEARCH_MAX_CHARS
    query = query[:SEARCH_MAX_CHARS].strip()
    if not query:
        return SearchResult(query="", truncated=truncated, organisations=[])
    orgs: QuerySet[Organisation] = site_organisations(site)
    for word in query.split():
        orgs = orgs.filter(Q(name__icontains=word) | Q(short_name__icontains=word))
    return SearchResult(query=query, truncated=truncated, organisations=list(orgs))
