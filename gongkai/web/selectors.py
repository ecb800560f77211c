"""Reads for the public site. Everything here is scoped to one site: a body is shown on
the site it publishes in (core.selectors.site_organisations) and nowhere else, and so
are its catalog and its items."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongkai.core.models import Organisation, OrganisationKind, Site
from gongkai.core.selectors import site_organisations
from gongkai.publishing.models import Attachment, CatalogColumn, InfoItem, SubjectCategory
from gongkai.publishing.selectors import (
    catalog_columns,
    public_attachment,
    public_attachments,
    public_items,
    public_items_of_site,
)

# The contact data of the disclosure guide (公开指南, 条例第十二条), in the order the
# guide conventionally lists them.
GUIDE_FIELDS: tuple[str, ...] = ("office_name", "address", "office_hours", "phone", "fax", "email", "postcode")
# Where to go in person (政务服务 page).
VISIT_FIELDS: tuple[str, ...] = ("address", "office_hours", "phone")
# How to reach a body (互动交流 page).
CHANNEL_FIELDS: tuple[str, ...] = ("office_name", "phone", "email", "fax", "address", "postcode", "office_hours")


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


# --- the disclosure catalog (政府信息公开目录) ---------------------------------------
#
# What a visitor may see is decided by gongkai.publishing.selectors.public_items() and
# nothing else; the reads below only narrow it to a site, a body, a column.

# Items per page of a list, as on most government portals.
PAGE_SIZE = 20
# Newest first; the id breaks ties so that paging is stable.
LIST_ORDER = ("-published_at", "-id")
# Within the window in which a year filter makes sense.
YEAR_RANGE = range(1949, 10000)


@dataclass
class ColumnNode:
    column: CatalogColumn
    depth: int
    count: int = 0  # public items in this column and in the columns below it
    children: list["ColumnNode"] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnOption:
    pk: int
    label: str


@dataclass
class Catalog:
    """The visible columns of one body's catalog as a tree. A column below a hidden
    column is hidden with it: the public never reaches it through the tree."""

    organisation: Organisation
    roots: list[ColumnNode]
    nodes: dict[int, ColumnNode]
    parents: dict[int, int | None]

    def __contains__(self, pk: object) -> bool:
        return pk in self.nodes

    def subtree(self, pk: int) -> list[int]:
        """The column and every visible column below it."""
        found, stack = [], [self.nodes[pk]]
        while stack:
            node = stack.pop()
            found.append(node.column.pk)
            stack.extend(node.children)
        return found

    def trail(self, pk: int) -> list[CatalogColumn]:
        """The columns above this one, the top first."""
        trail: list[CatalogColumn] = []
        parent = self.parents.get(pk)
        while parent is not None:
            trail.insert(0, self.nodes[parent].column)
            parent = self.parents.get(parent)
        return trail

    def options(self, pk: int | None = None) -> list[ColumnOption]:
        """The columns (of the whole catalog, or below `pk`) for a select box, indented."""
        start = [self.nodes[pk]] if pk is not None else self.roots
        options: list[ColumnOption] = []

        def walk(nodes: list[ColumnNode], base: int) -> None:
            for node in nodes:
                options.append(ColumnOption(node.column.pk, "\u3000" * (node.depth - base) + node.column.title))
                walk(node.children, base)

        walk(start, start[0].depth if start else 0)
        return options


def site_column(site: Site, pk: int) -> CatalogColumn:
    """A catalog column of a body publishing on the site (hidden or not: the caller
    checks against the body's Catalog)."""
    return (
        CatalogColumn.objects.select_related("organisation")
        .filter(organisation__in=site_organisations(site))
        .get(pk=pk)
    )


def organisation_catalog(org: Organisation, *, with_counts: bool = True) -> Catalog:
    """The body's visible catalog; with the number of public items under each column."""
    columns = {c.pk: c for c in catalog_columns(org)}

    def reachable(column: CatalogColumn) -> bool:
        seen: set[int] = set()
        while column.parent_id is not None:
            if column.parent_id not in columns or column.parent_id in seen:
                return False  # under a hidden column
            seen.add(column.parent_id)
            column = columns[column.parent_id]
        return True

    visible = [c for c in columns.values() if reachable(c)]
    nodes: dict[int, ColumnNode] = {}
    parents: dict[int, int | None] = {}
    roots: list[ColumnNode] = []

    def depth(column: CatalogColumn) -> int:
        return 0 if column.parent_id is None else 1 + depth(columns[column.parent_id])

    for column in visible:  # already in display order (position, id)
        nodes[column.pk] = ColumnNode(column=column, depth=depth(column))
        parents[column.pk] = column.parent_id
    for column in visible:
        node = nodes[column.pk]
        (nodes[column.parent_id].children if column.parent_id is not None else roots).append(node)

    if with_counts:
        own = dict(
            public_items()
            .filter(organisation=org)
            .order_by()
            .values_list("column_id")
            .annotate(n=Count("pk"))
            .values_list("column_id", "n")
        )

        def total(node: ColumnNode) -> int:
            node.count = own.get(node.column.pk, 0) + sum(total(child) for child in node.children)
            return node.count

        for root in roots:
            total(root)
    return Catalog(organisation=org, roots=roots, nodes=nodes, parents=parents)


def catalog_items(org: Organisation, columns: list[int] | None = None) -> QuerySet[InfoItem]:
    """The public items of a body (already known to publish on the site), optionally
    only those in the given columns."""
    items = public_items().filter(organisation=org)
    if columns is not None:
        items = items.filter(column_id__in=columns)
    return items


@dataclass(frozen=True)
class ListFilters:
    column: int | None = None
    subject: int | None = None
    year: int | None = None

    def query(self) -> str:
        """The filters as a query string (for the paging links), empty ones left out."""
        return urlencode(
            {k: v for k, v in (("column", self.column), ("subject", self.subject), ("year", self.year)) if v}
        )


@dataclass
class ItemList:
    page: Page[InfoItem]
    filters: ListFilters
    subjects: list[SubjectCategory]
    years: list[int]
    columns: list[ColumnOption]

    @property
    def filtered(self) -> bool:
        return self.filters != ListFilters()

    @property
    def page_prefix(self) -> str:
        """The filters to keep in the paging links, ready for `?{prefix}page=N`."""
        query = self.filters.query()
        return f"{query}&" if query else ""

    @property
    def page_range(self) -> list[int | str]:
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))


def _number(params: Mapping[str, str], name: str) -> int | None:
    """A positive number from the query string; anything else is no filter."""
    raw = params.get(name, "").strip()
    if not raw or len(raw) > 12 or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def item_list(
    items: QuerySet[InfoItem],
    params: Mapping[str, str],
    *,
    columns: list[ColumnOption] | None = None,
    column_scope: Callable[[int], list[int]] | None = None,
) -> ItemList:
    """One page of `items`, newest first, filtered by column, 主题分类 and year.

    A filter value that is not one of the offered choices (not a number, an unknown
    subject, a year without items) is ignored: the list always shows what the form
    says. A page number past the end gives the last page; not a number, the first."""
    subjects = list(SubjectCategory.objects.filter(pk__in=items.order_by().values("subject_id")))
    years = [moment.year for moment in items.datetimes("published_at", "year", order="DESC")]
    column_options = columns or []

    column = _number(params, "column")
    if column not in {option.pk for option in column_options}:
        column = None
    subject = _number(params, "subject")
    if subject not in {s.pk for s in subjects}:
        subject = None
    year = _number(params, "year")
    if year not in years or year not in YEAR_RANGE:
        year = None
    filters = ListFilters(column=column, subject=subject, year=year)

    chosen = items
    if column is not None and column_scope is not None:
        chosen = chosen.filter(column_id__in=column_scope(column))
    if subject is not None:
        chosen = chosen.filter(subject_id=subject)
    if year is not None:
        local = timezone.get_current_timezone()
        start, end = datetime(year, 1, 1, tzinfo=local), datetime(year + 1, 1, 1, tzinfo=local)
        chosen = chosen.filter(published_at__gte=start, published_at__lt=end)
    chosen = chosen.select_related("column").order_by(*LIST_ORDER)
    page = Paginator(chosen, PAGE_SIZE).get_page(params.get("page"))
    return ItemList(page=page, filters=filters, subjects=subjects, years=years, columns=column_options)


def latest_items(site: Site, limit: int = 10) -> list[InfoItem]:
    """The newest public items of every body on the site."""
    return list(public_items_of_site(site).select_related("organisation").order_by(*LIST_ORDER)[:limit])


# --- one item -------------------------------------------------------------------------


def site_item(site: Site, pk: int) -> InfoItem | None:
    """A public item of a body publishing on the site; anything else does not exist here."""
    return public_items_of_site(site).select_related("organisation", "column", "subject").filter(pk=pk).first()


def site_item_by_index(site: Site, index_number: str) -> InfoItem | None:
    return public_items_of_site(site).filter(index_number=index_number).only("pk").first()


def item_attachments(item: InfoItem) -> list[Attachment]:
    """The attachments listed under a public item. The original .docx the body was
    imported from is a working file, not an attachment of the published item."""
    return list(public_attachments().filter(item=item).order_by("id"))


def related_items(site: Site, item: InfoItem) -> list[InfoItem]:
    """相关文件: the related items that are public on this site, newest first."""
    return list(public_items_of_site(site).filter(related=item).exclude(pk=item.pk).order_by(*LIST_ORDER))


def column_trail(item: InfoItem) -> list[tuple[CatalogColumn, bool]]:
    """The item's column and those above it, the top first, each with whether the
    public can open it (hidden columns are named but not linked)."""
    columns = {c.pk: c for c in catalog_columns(item.organisation, include_hidden=True)}
    trail: list[tuple[CatalogColumn, bool]] = []
    column: CatalogColumn | None = columns.get(item.column_id)
    while column is not None and len(trail) < len(columns):
        trail.insert(0, (column, True))
        column = columns.get(column.parent_id) if column.parent_id is not None else None
    hidden_above = False
    for i, (column, _) in enumerate(trail):
        hidden_above = hidden_above or column.is_hidden
        trail[i] = (column, not hidden_above)
    return trail


def site_attachment(site: Site, pk: int) -> Attachment | None:
    """An attachment of a public item of a body publishing on the site."""
    attachment = public_attachment(pk)
    if attachment is None:
        return None
    if not site_organisations(site).filter(pk=attachment.item.organisation_id).exists():
        return None
    return attachment
