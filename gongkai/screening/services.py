"""Writes of the screening context: the wording rules, the screening of an item
(stored findings, by content fingerprint), reviewers' overrides and the site-wide
sweep. One function, one complete state change (checks, rows, audit record), called by
the admin, the publishing gate (screening.gate), the workspace and the command line."""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import Organisation, User
from gongkai.core.notifications import notify
from gongkai.core.permissions import Perm, has_role, require
from gongkai.core.selectors import users_with_role
from gongkai.publishing import services as publishing_services
from gongkai.publishing.models import Attachment, InfoItem

from . import detectors, display, extract, masking, selectors
from .detectors import Finding, ScreenContext, WordingTerm
from .models import (
    FindingOverride,
    ScreenedContent,
    ScreeningFinding,
    ScreeningRun,
    ScreeningSweep,
    ScreeningTrigger,
    WordingCategory,
    WordingRule,
    WordingSeverity,
)

RULE_FIELDS = ("term", "category", "severity", "suggestion", "note", "is_active")


@transaction.atomic
def wording_rule_save(
    *,
    actor: User | None,
    rule: WordingRule | None = None,
    term: str,
    category: str,
    severity: str,
    suggestion: str = "",
    note: str = "",
    is_active: bool = True,
) -> WordingRule:
    """Create a wording rule (rule=None) or change one. Platform-wide: the rules apply
    to every body, so only a platform administrator (机构管理 over the whole tree) may
    edit them."""
    role = "" if actor is None else str(require(actor, Perm.ORG_MANAGE, None))
    term = term.strip()
    if not term:
        raise DomainError("词语不能为空。")
    if category not in WordingCategory.values:
        raise DomainError(f"未知的类别“{category}”。")
    if severity not in WordingSeverity.values:
        raise DomainError(f"未知的处理方式“{severity}”。")
    clash = WordingRule.objects.filter(term=term)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise DomainError(f"词语“{term}”已有规则。")
    before = (
        {f: getattr(WordingRule.objects.get(pk=rule.pk), f) for f in RULE_FIELDS}
        if rule is not None and rule.pk
        else {}
    )
    target = rule or WordingRule()
    target.term = term
    target.category = category
    target.severity = severity
    target.suggestion = suggestion.strip()
    target.note = note.strip()
    target.is_active = is_active
    target.save()
    after = {f: getattr(target, f) for f in RULE_FIELDS}
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            actor=actor,
            role=role,
            action="wording_rule.update" if before else "wording_rule.create",
            obj=target,
            changes=changes,
        )
    return target


# --- screening an item ----------------------------------------------------------------
#
# What is screened: the item's own fields (title, summary, body) of one content (the
# working copy, or the live version in the sweep) and every attachment, each part on its
# own fingerprint: SHA-256 of the content, the screening context (the body's own contact
# data and the wording rules) and the screening code. A part whose fingerprint is already
# stored is not screened again, so submitting, publishing and the weekly sweep read an
# unchanged attachment once. Files are read one at a time, streamed from storage, inside
# the limits of extract.screen_document (which never raises for a bad file). The clear
# value of a finding is never stored: only its masked form.

Source = Literal["working", "live"]
FIELD_KEYS = ("title", "summary", "body_html")


def _engine_version() -> str:
    """Changes with the screening code, so that new detectors re-screen everything."""
    digest = hashlib.sha256(b"gongkai-screening-1")
    for module in (detectors, extract, masking):
        if module.__file__:
            digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


ENGINE_VERSION = _engine_version()


class Contexts:
    """Screening contexts per body for one run; the wording rules are loaded once."""

    def __init__(self) -> None:
        self._wording: tuple[WordingTerm, ...] | None = None
        self._by_org: dict[int, tuple[ScreenContext, str]] = {}

    def get(self, organisation: Organisation) -> tuple[ScreenContext, str]:
        """The context and its fingerprint."""
        found = self._by_org.get(organisation.pk)
        if found is None:
            if self._wording is None:
                self._wording = selectors.active_wording_terms()
            context = selectors.screen_context(organisation=organisation, wording=self._wording)
            found = (context, context_fingerprint(context))
            self._by_org[organisation.pk] = found
        return found


def context_fingerprint(context: ScreenContext) -> str:
    data = [
        ENGINE_VERSION,
        sorted(context.own_phones),
        list(context.own_addresses),
        sorted(context.own_emails),
        sorted((t.term, t.category, t.severity, t.suggestion) for t in context.wording),
    ]
    return _sha256(json.dumps(data, ensure_ascii=False))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def finding_fingerprint(*, kind: str, rule: str, location: str, value_masked: str, attachment_name: str = "") -> str:
    """The identity of a finding across screenings of an item (what an override holds for)."""
    return _sha256("\0".join((kind, rule, attachment_name, location, value_masked)))


def _fields_fingerprint(content: Mapping[str, Any], context_hash: str) -> str:
    values = [str(content.get(key) or "") for key in FIELD_KEYS]
    return _sha256(context_hash + "\0" + json.dumps(values, ensure_ascii=False))


def live_content(item: InfoItem) -> dict[str, str]:
    """The fields the public sees: the item row."""
    return {"title": item.title, "summary": item.summary, "body_html": item.body_html}


def _file_sha256(attachment: Attachment) -> str:
    if attachment.sha256:
        return attachment.sha256
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    except OSError:
        return "missing"
    return digest.hexdigest()


def _format_name(attachment: Attachment) -> str:
    """The name whose extension tells screen_document the format: the type detected at
    upload (Attachment.file_type) wins over the extension the uploader gave."""
    name = attachment.original_name or Path(attachment.file.name or "").name
    if attachment.file_type:
        return f"{Path(name).stem or 'file'}.{attachment.file_type}"
    return name


@dataclass(frozen=True)
class _Part:
    key: str
    fingerprint: str
    attachment: Attachment | None = None

    @property
    def attachment_name(self) -> str:
        return self.attachment.original_name if self.attachment is not None else ""


def _screen_fields(content: Mapping[str, Any], context: ScreenContext) -> list[Finding]:
    findings = detectors.screen_text(str(content.get("title") or ""), location_prefix="title", context=context)
    findings += detectors.screen_text(str(content.get("summary") or ""), location_prefix="summary", context=context)
    findings += extract.screen_html(str(content.get("body_html") or ""), location_prefix="body", context=context)
    return findings


def _screen_attachment(attachment: Attachment, context: ScreenContext) -> list[Finding]:
    try:
        handle = attachment.file.open("rb")
    except (OSError, ValueError):
        return [extract.unscreenable_finding("unreadable", "附件文件不存在或无法读取，须人工审查")]
    try:
        return extract.screen_document(_format_name(attachment), handle, context)
    finally:
        handle.close()


@dataclass(frozen=True)
class ScreenResult:
    """The open findings of what was screened (fields and attachments), with counts."""

    fingerprint: str
    findings: tuple[ScreeningFinding, ...]
    parts_screened: int
    parts_reused: int
    new_findings: tuple[ScreeningFinding, ...] = ()

    @property
    def blocking(self) -> tuple[ScreeningFinding, ...]:
        """Blocking findings without a reviewer's override: these stop the workflow."""
        return tuple(f for f in self.findings if f.is_blocking)

    @property
    def overridden(self) -> tuple[ScreeningFinding, ...]:
        return tuple(f for f in self.findings if f.override_id is not None)

    @property
    def warnings(self) -> tuple[ScreeningFinding, ...]:
        return tuple(f for f in self.findings if f.severity == WordingSeverity.WARN)


def _store(item: InfoItem, part: _Part, findings: list[Finding], version: int | None) -> list[ScreeningFinding]:
    """The content row and its findings (masked values only); nothing when another
    screening stored the same content first."""
    with transaction.atomic():
        row, created = ScreenedContent.objects.get_or_create(
            item=item,
            part=part.key,
            fingerprint=part.fingerprint,
            defaults={"attachment": part.attachment, "attachment_name": part.attachment_name, "version": version},
        )
        if not created:
            return []
        rows = [
            ScreeningFinding(
                content=row,
                item=item,
                attachment=part.attachment,
                attachment_name=part.attachment_name,
                kind=f.kind,
                value_masked=f.value_masked[:300],
                location=f.location[:300],
                severity=f.severity,
                rule=f.rule[:120],
                fingerprint=finding_fingerprint(
                    kind=f.kind,
                    rule=f.rule,
                    location=f.location,
                    value_masked=f.value_masked,
                    attachment_name=part.attachment_name,
                ),
            )
            for f in findings
        ]
        # One row per fingerprint: the same value repeated in one place is one finding.
        unique: dict[str, ScreeningFinding] = {}
        for r in rows:
            unique.setdefault(r.fingerprint, r)
        rows = list(unique.values())
        overrides = {
            o.fingerprint: o
            for o in FindingOverride.objects.filter(item=item, fingerprint__in={r.fingerprint for r in rows})
        }
        for r in rows:
            r.override = overrides.get(r.fingerprint)
        return ScreeningFinding.objects.bulk_create(rows)


def _set_flags(
    item: InfoItem,
    fields_row: ScreenedContent,
    attachment_rows: list[ScreenedContent],
    *,
    source: Source,
    mark_live: bool,
    version: int | None,
) -> None:
    """Which stored contents are current (part of the working copy or of the live
    version); the findings of contents that are neither are resolved, and those of a
    content that became current again (an edit undone) are open again."""
    contents = ScreenedContent.objects.filter(item=item)
    fields = contents.filter(part=ScreenedContent.FIELDS)
    if source == "working":
        fields.filter(is_working=True).exclude(pk=fields_row.pk).update(is_working=False)
        fields.filter(pk=fields_row.pk).update(is_working=True, version=version)
    if source == "live" or mark_live:
        fields.filter(is_live=True).exclude(pk=fields_row.pk).update(is_live=False)
        fields.filter(pk=fields_row.pk).update(is_live=True)
    elif not item.is_live:
        fields.filter(is_live=True).update(is_live=False)
    current = [r.pk for r in attachment_rows]
    others = contents.exclude(part=ScreenedContent.FIELDS)
    others.exclude(pk__in=current).filter(Q(is_working=True) | Q(is_live=True)).update(is_working=False, is_live=False)
    others.filter(pk__in=current).update(is_working=True, is_live=item.is_live or mark_live)
    findings = ScreeningFinding.objects.filter(item=item)
    stale = Q(content__is_working=False, content__is_live=False)
    findings.filter(stale, resolved_at__isnull=True).update(resolved_at=timezone.now())
    findings.filter(resolved_at__isnull=False).exclude(stale).update(resolved_at=None)


def _flags_hold(
    item: InfoItem,
    stored: list[ScreenedContent],
    fields_row: ScreenedContent,
    attachment_pks: set[int],
    *,
    source: Source,
    mark_live: bool,
    version: int | None,
) -> bool:
    """Whether the stored flags already say what _set_flags would write (the sweep's
    fast path over unchanged items). `stored`: the item's wanted and flagged rows."""
    goes_live = source == "live" or mark_live
    for row in stored:
        if row.part == ScreenedContent.FIELDS:
            if row.pk == fields_row.pk:
                if source == "working" and not (row.is_working and row.version == version):
                    return False
                if (goes_live and not row.is_live) or (not goes_live and not item.is_live and row.is_live):
                    return False
            elif (source == "working" and row.is_working) or ((goes_live or not item.is_live) and row.is_live):
                return False
        elif row.pk in attachment_pks:
            if not (row.is_working and row.is_live == (item.is_live or mark_live)):
                return False
        elif row.is_working or row.is_live:
            return False
    return True


def screen_item(
    item: InfoItem,
    *,
    content: Mapping[str, Any] | None = None,
    source: Source = "working",
    trigger: str = ScreeningTrigger.SUBMIT,
    actor: User | None = None,
    sweep: ScreeningSweep | None = None,
    contexts: Contexts | None = None,
    mark_live: bool = False,
    record: bool = True,
    load_findings: bool = True,
) -> ScreenResult:
    """Screen an item: its fields (by default the working copy, publishing.services.
    working_copy; `source="live"` with the row's content for the sweep) and every
    attachment, each only if its fingerprint is new. `mark_live`: the content is about
    to go live (the publish gate). A ScreeningRun is recorded when asked (`record`) or
    when anything was screened."""
    contexts = contexts or Contexts()
    context, context_hash = contexts.get(item.organisation)
    version: int | None = None
    if content is None:
        if source == "live":
            content = live_content(item)
        else:
            latest = item.versions.order_by("-number").values_list("number", flat=True).first()
            version = latest
            content = publishing_services.working_copy(item)
    attachments = list(item.attachments.all())
    parts = [_Part(ScreenedContent.FIELDS, _fields_fingerprint(content, context_hash))] + [
        _Part(
            f"attachment:{a.pk}",
            _sha256("\0".join((context_hash, _file_sha256(a), _format_name(a), a.original_name))),
            a,
        )
        for a in attachments
    ]
    wanted = {(p.key, p.fingerprint) for p in parts}

    def stored_rows() -> tuple[list[ScreenedContent], dict[str, ScreenedContent]]:
        stored = list(
            ScreenedContent.objects.filter(item=item).filter(
                Q(part__in=[p.key for p in parts]) | Q(is_working=True) | Q(is_live=True)
            )
        )
        return stored, {row.part: row for row in stored if (row.part, row.fingerprint) in wanted}

    stored, rows = stored_rows()
    new: list[ScreeningFinding] = []
    screened = 0
    for part in parts:
        if part.key in rows:
            continue
        if part.attachment is None:
            found = _screen_fields(content, context)
        else:
            found = _screen_attachment(part.attachment, context)
        new += _store(item, part, found, version)
        screened += 1
    if screened:
        stored, rows = stored_rows()
    fingerprint = _sha256("\0".join(p.fingerprint for p in parts))
    fields_row = rows[ScreenedContent.FIELDS]
    attachment_rows = [rows[p.key] for p in parts[1:]]
    with transaction.atomic():
        hold = _flags_hold(
            item,
            stored,
            fields_row,
            {r.pk for r in attachment_rows},
            source=source,
            mark_live=mark_live,
            version=version,
        )
        if not hold:
            _set_flags(item, fields_row, attachment_rows, source=source, mark_live=mark_live, version=version)
        findings: tuple[ScreeningFinding, ...] = ()
        if load_findings or record or screened:
            findings = tuple(
                ScreeningFinding.objects.filter(content__in=list(rows.values()))
                .select_related("override")
                .order_by("attachment_name", "id")
            )
        if record or screened:
            ScreeningRun.objects.create(
                item=item,
                trigger=trigger,
                sweep=sweep,
                actor=actor,
                fingerprint=fingerprint,
                parts_screened=screened,
                parts_reused=len(parts) - screened,
                blocking=sum(1 for f in findings if f.is_blocking),
                warnings=sum(1 for f in findings if f.severity == WordingSeverity.WARN),
            )
    return ScreenResult(
        fingerprint=fingerprint,
        findings=findings,
        parts_screened=screened,
        parts_reused=len(parts) - screened,
        new_findings=tuple(new),
    )


# --- overrides ------------------------------------------------------------------------


def override_blocker(user: User, item: InfoItem) -> str:
    """Why `user` may not override the findings of `item` ("" when they may): only a
    holder of one of the body's review-stage roles who neither drafted nor last edited
    the item (the same independence as approving it)."""
    if not any(has_role(user, role, item.organisation) for role in publishing_services.stage_roles(item)):
        return f"只有{item.organisation.name}的审核人员可以确认审查发现。"
    last_editor = item.versions.order_by("-number").values_list("author_id", flat=True).first()
    if user.pk in (item.created_by_id, last_editor):
        return "不能确认自己起草或最后修改的信息中的审查发现。"
    return ""


@transaction.atomic
def finding_override(*, actor: User, item: InfoItem, fingerprint: str, reason: str) -> FindingOverride:
    """A reviewer lets a blocking finding through, with a written reason; the decision
    holds for the same finding on later screenings of the item and is in the audit
    trail (masked value only)."""
    item = InfoItem.objects.select_related("organisation").get(pk=item.pk)
    blocker = override_blocker(actor, item)
    if blocker:
        raise NotPermitted(blocker)
    reason = reason.strip()
    if not reason:
        raise DomainError("确认审查发现须写明理由。")
    finding = (
        ScreeningFinding.objects.filter(item=item, fingerprint=fingerprint, resolved_at__isnull=True)
        .order_by("id")
        .first()
    )
    if finding is None:
        raise DomainError("该信息没有这项待处理的审查发现（内容可能已经修改），请刷新页面后重试。")
    if finding.severity != WordingSeverity.BLOCK:
        raise DomainError("提示类审查发现不阻止发布，无需确认。")
    existing = FindingOverride.objects.filter(item=item, fingerprint=fingerprint).select_related("reviewer").first()
    if existing is not None:
        raise DomainError(f"该项已由{existing.reviewer or '审核人员'}确认。")
    role = next(r for r in publishing_services.stage_roles(item) if has_role(actor, r, item.organisation))
    override = FindingOverride.objects.create(
        item=item,
        fingerprint=fingerprint,
        kind=finding.kind,
        value_masked=finding.value_masked,
        location=finding.location,
        attachment_name=finding.attachment_name,
        reviewer=actor,
        reason=reason,
    )
    ScreeningFinding.objects.filter(item=item, fingerprint=fingerprint, override__isnull=True).update(override=override)
    audit.record(
        actor=actor,
        role=role,
        organisation=item.organisation,
        action="screening.override",
        obj=item,
        changes={
            "kind": finding.kind,
            "rule": finding.rule,
            "value_masked": finding.value_masked,
            "location": finding.location,
            "attachment": finding.attachment_name,
            "fingerprint": fingerprint,
            "reason": reason,
        },
    )
    if item.created_by is not None:
        notify(
            [item.created_by],
            f"审查发现已由审核人员确认：{item.title}（{display.kind_label(finding.kind)} {finding.value_masked}）",
            reverse("staff:item_detail", args=[item.pk]),
        )
    return override


# --- the site-wide sweep (个人信息泄露排查) ----------------------------------------------

SWEEP_INTERVAL_DAYS = 7
SWEEP_BATCH = 200


@dataclass
class SweepProgress:
    """Where a sweep stands, handed to the progress callback after every batch."""

    sweep: ScreeningSweep
    total: int
    done: int = 0
    items_screened: int = 0
    parts_screened: int = 0
    new_findings: int = 0


def last_full_sweep() -> ScreeningSweep | None:
    """The newest finished sweep over every body (no --org, no --since)."""
    return (
        ScreeningSweep.objects.filter(organisation__isnull=True, since__isnull=True, finished_at__isnull=False)
        .order_by("-finished_at")
        .first()
    )


def next_sweep_due() -> datetime:
    """When the weekly sweep is next due (now, when none has finished yet)."""
    last = last_full_sweep()
    if last is None or last.finished_at is None:
        return timezone.now()
    return last.finished_at + timedelta(days=SWEEP_INTERVAL_DAYS)


def sweep_is_due(now: datetime | None = None) -> bool:
    return next_sweep_due() <= (now or timezone.now())


def _sweep_items(organisation: Organisation | None, since: date | None) -> QuerySet[InfoItem]:
    items = InfoItem.objects.filter(is_live=True)
    if organisation is not None:
        items = items.filter(organisation__path__startswith=organisation.path)
    if since is not None:
        start = timezone.make_aware(datetime.combine(since, time.min))
        items = items.filter(published_at__gte=start)
    return items


def _notify_leak(item: InfoItem, found: tuple[ScreeningFinding, ...]) -> None:
    """New blocking findings on a live item: the final-stage reviewers (who withdraw)
    and the drafter are told at once."""
    blocking = [f for f in found if f.is_blocking]
    if not blocking:
        return
    roles = publishing_services.stage_roles(item)
    people = list(users_with_role(item.organisation, roles[-1])) if roles else []
    if item.created_by is not None:
        people.append(item.created_by)
    kinds = "、".join(dict.fromkeys(display.kind_label(f.kind) for f in blocking))
    notify(
        people,
        f"全站排查发现已发布信息含{kinds}，请核实后撤稿或修改：{item.title}",
        reverse("staff:item_detail", args=[item.pk]),
    )


def sweep_run(
    *,
    organisation: Organisation | None = None,
    since: date | None = None,
    restart: bool = False,
    progress: Callable[[SweepProgress], None] | None = None,
    batch: int = SWEEP_BATCH,
) -> ScreeningSweep:
    """Screen every published item (and its attachments) of `organisation` and its
    subtree, or of every body, optionally only those published since `since`.
    Incremental: content whose fingerprint is stored is not screened again. Resumable:
    an unfinished sweep of the same scope continues after the last item it finished
    (unless `restart`); each item is committed on its own. Attachments are read one at a
    time, streamed from storage."""
    sweep = None
    if not restart:
        sweep = (
            ScreeningSweep.objects.filter(organisation=organisation, since=since, finished_at__isnull=True)
            .order_by("-started_at")
            .first()
        )
    if sweep is None:
        sweep = ScreeningSweep.objects.create(organisation=organisation, since=since)
    items = _sweep_items(organisation, since)
    state = SweepProgress(
        sweep=sweep, total=sweep.items_seen + items.filter(pk__gt=sweep.last_item_id).count(), done=sweep.items_seen
    )
    base = (sweep.items_screened, sweep.parts_screened, sweep.new_findings)
    contexts = Contexts()
    while True:
        page = list(
            items.filter(pk__gt=sweep.last_item_id)
            .select_related("organisation", "created_by")
            .prefetch_related("attachments")
            .order_by("pk")[:batch]
        )
        if not page:
            break
        for item in page:
            result = screen_item(
                item,
                source="live",
                trigger=ScreeningTrigger.SWEEP,
                sweep=sweep,
                contexts=contexts,
                record=False,
                load_findings=False,
            )
            state.done += 1
            if result.parts_screened:
                state.items_screened += 1
                state.parts_screened += result.parts_screened
                state.new_findings += len(result.new_findings)
                _notify_leak(item, result.new_findings)
        sweep.last_item_id = page[-1].pk
        sweep.items_seen = state.done
        sweep.items_screened = base[0] + state.items_screened
        sweep.parts_screened = base[1] + state.parts_screened
        sweep.new_findings = base[2] + state.new_findings
        sweep.save(update_fields=["last_item_id", "items_seen", "items_screened", "parts_screened", "new_findings"])
        if progress is not None:
            progress(state)
    with transaction.atomic():
        sweep.finished_at = timezone.now()
        sweep.save(update_fields=["finished_at"])
        audit.record(
            actor=None,
            organisation=organisation,
            action="screening.sweep",
            obj=sweep,
            changes={
                "since": since.isoformat() if since else None,
                "items": sweep.items_seen,
                "items_screened": sweep.items_screened,
                "parts_screened": sweep.parts_screened,
                "new_findings": sweep.new_findings,
            },
        )
    return sweep
