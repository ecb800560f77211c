"""Reads for screening: the context of a run (wording rules, the body's own contact
data), loaded once and handed to the pure detectors; the stored findings as the
workspace shows them (an item's panel, the findings of published items per body).
Callers scope by body (core.permissions.organisations_where) before asking."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from gongkai.core.models import Organisation
from gongkai.publishing.models import InfoItem

from . import display
from .detectors import ScreenContext, WordingTerm
from .models import (
    ScreenedContent,
    ScreeningFinding,
    ScreeningSweep,
    WordingRule,
    WordingSeverity,
)


def active_wording_terms() -> tuple[WordingTerm, ...]:
    rows = WordingRule.objects.filter(is_active=True).values_list("term", "category", "severity", "suggestion")
    return tuple(
        WordingTerm(term, category, "block" if severity == WordingSeverity.BLOCK else "warn", suggestion)
        for term, category, severity, suggestion in rows
    )


def screen_context(
    *,
    organisation: Organisation | None = None,
    phones: Iterable[str] = (),
    addresses: Iterable[str] = (),
    emails: Iterable[str] = (),
    wording: tuple[WordingTerm, ...] | None = None,
) -> ScreenContext:
    """The context for screening what `organisation` publishes: its own published office
    phone, fax, address and e-mail (from its record, the 公开指南 contact data) are not
    personal data; the active wording rules apply. One query for the rules, unless the
    caller passes them (`wording`, loaded once for a run over many bodies)."""
    own_phones = list(phones)
    own_addresses = list(addresses)
    own_emails = list(emails)
    if organisation is not None:
        own_phones += [organisation.phone, organisation.fax]
        own_addresses.append(organisation.address)
        own_emails.append(organisation.email)
    return ScreenContext.build(
        phones=[p for p in own_phones if p],
        addresses=[a for a in own_addresses if a],
        emails=[e for e in own_emails if e],
        wording=active_wording_terms() if wording is None else wording,
    )


# --- findings, as the workspace shows them --------------------------------------------


@dataclass(frozen=True)
class ShownFinding:
    """A stored finding with its words for staff (masked value only)."""

    finding: ScreeningFinding
    sources: tuple[str, ...]  # 工作稿 / 发布版本 / the attachment's name

    @property
    def kind_label(self) -> str:
        return display.kind_label(self.finding.kind)

    @property
    def place(self) -> str:
        """Where, with the attachment: 附件“名单.xlsx”工作表“备用”B2单元格."""
        return display.place_label(self.finding.location, self.finding.attachment_name)

    @property
    def location_label(self) -> str:
        """Where inside its part (the part is named by `sources`)."""
        return display.location_label(self.finding.location)

    @property
    def severity_label(self) -> str:
        return display.severity_label(self.finding.severity)


@dataclass(frozen=True)
class ItemFindings:
    """The open findings of one item, as its page shows them."""

    blocking: list[ShownFinding]
    overridden: list[ShownFinding]
    warnings: list[ShownFinding]
    screened_at: datetime | None  # None: never screened
    screened_version: int | None  # the working-copy version the findings were found in

    @property
    def any(self) -> bool:
        return bool(self.blocking or self.overridden or self.warnings)


def _sources(content: ScreenedContent) -> tuple[str, ...]:
    if content.part != ScreenedContent.FIELDS:
        return (f"附件“{content.attachment_name}”",)
    labels = []
    if content.is_working:
        labels.append("工作稿")
    if content.is_live:
        labels.append("发布版本")
    return tuple(labels)


def _shown(rows: Iterable[ScreeningFinding]) -> list[ShownFinding]:
    """One entry per finding fingerprint (the working copy and the live version often
    hold the same one), with every source named."""
    by_print: dict[str, tuple[ScreeningFinding, list[str]]] = {}
    for row in rows:
        entry = by_print.setdefault(row.fingerprint, (row, []))
        entry[1].extend(s for s in _sources(row.content) if s not in entry[1])
    return [ShownFinding(finding, tuple(sources)) for finding, sources in by_print.values()]


def item_findings(item: InfoItem) -> ItemFindings:
    """Open findings of the item's current content (working copy, live version,
    attachments): blocking ones, those a reviewer let through, warnings. Two queries."""
    contents = {c.pk: c for c in ScreenedContent.objects.filter(item=item).filter(Q(is_working=True) | Q(is_live=True))}
    rows = list(
        ScreeningFinding.objects.filter(content_id__in=list(contents), resolved_at__isnull=True)
        .select_related("override__reviewer")
        .order_by("attachment_name", "content_id", "id")
    )
    for row in rows:
        row.content = contents[row.content_id]
    shown = _shown(rows)
    working = [c.version for c in contents.values() if c.part == ScreenedContent.FIELDS and c.is_working]
    return ItemFindings(
        blocking=[s for s in shown if s.finding.is_blocking],
        overridden=[s for s in shown if s.finding.override_id is not None],
        warnings=[s for s in shown if s.finding.severity == WordingSeverity.WARN],
        screened_at=max((c.screened_at for c in contents.values()), default=None),
        screened_version=working[0] if working else None,
    )


def live_findings() -> QuerySet[ScreeningFinding]:
    """Open findings in what the public sees: the live version and the attachments of
    published items."""
    return ScreeningFinding.objects.filter(resolved_at__isnull=True, content__is_live=True, item__is_live=True)


def items_with_findings(organisations: QuerySet[Organisation], *, blocking_only: bool = False) -> QuerySet[InfoItem]:
    """Published items of these bodies with open findings in their live content,
    those with blocking findings first."""
    findings = live_findings().filter(item__organisation__in=organisations)
    if blocking_only:
        findings = findings.filter(severity=WordingSeverity.BLOCK, override__isnull=True)
    blocking = Count(
        "screening_findings",
        filter=Q(
            screening_findings__resolved_at__isnull=True,
            screening_findings__content__is_live=True,
            screening_findings__severity=WordingSeverity.BLOCK,
            screening_findings__override__isnull=True,
        ),
        distinct=True,
    )
    return (
        InfoItem.objects.filter(pk__in=findings.values("item_id"))
        .select_related("organisation", "column")
        .annotate(blocking_count=blocking)
        .order_by("organisation__path", "-blocking_count", "-published_at", "-pk")
    )


def findings_of_items(items: Iterable[InfoItem]) -> dict[int, list[ShownFinding]]:
    """The open live findings of a page of items, in one query."""
    ids = [i.pk for i in items]
    rows = (
        live_findings()
        .filter(item_id__in=ids)
        .select_related("content", "override__reviewer")
        .order_by("item_id", "attachment_name", "id")
    )
    grouped: dict[int, list[ScreeningFinding]] = {}
    for row in rows:
        grouped.setdefault(row.item_id, []).append(row)
    return {pk: _shown(found) for pk, found in grouped.items()}


@dataclass(frozen=True)
class BodyFindings:
    organisation_id: int
    organisation_name: str
    items: int
    blocking: int
    overridden: int
    warnings: int


def open_findings_per_body(*, organisation: Organisation | None = None) -> list[BodyFindings]:
    """Per body: published items with open findings and their counts (for the sweep's
    report). One query."""
    findings = live_findings()
    if organisation is not None:
        findings = findings.filter(item__organisation__path__startswith=organisation.path)
    rows = (
        findings.values("item__organisation_id", "item__organisation__name", "item__organisation__path")
        .annotate(
            items=Count("item_id", distinct=True),
            blocking=Count("id", filter=Q(severity=WordingSeverity.BLOCK, override__isnull=True)),
            overridden=Count("id", filter=Q(override__isnull=False)),
            warnings=Count("id", filter=Q(severity=WordingSeverity.WARN)),
        )
        .order_by("item__organisation__path")
    )
    return [
        BodyFindings(
            organisation_id=r["item__organisation_id"],
            organisation_name=r["item__organisation__name"],
            items=r["items"],
            blocking=r["blocking"],
            overridden=r["overridden"],
            warnings=r["warnings"],
        )
        for r in rows
    ]


def last_sweep() -> ScreeningSweep | None:
    return ScreeningSweep.objects.order_by("-started_at", "-id").first()
