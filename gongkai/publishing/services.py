"""Writes of the publishing context: the catalog, information items and their review
(编、审、发 / 三审). Every function is one complete state change with its audit record
and notifications; the rules hold whatever the path (workspace, admin, command line).

Rules enforced here (条例第十七条 asks for a review mechanism and a confidentiality
review before anything is published):
- nobody approves an item they drafted or last edited;
- one person never passes two stages of the same review round;
- the first stage records the confidentiality review (保密审查) as an explicit attestation;
- an emergency publish by a final-stage reviewer needs a written reason and leaves the
  item flagged until someone else reviews it afterwards;
- a withdrawal (撤稿) needs a reason and takes effect at once;
- submitting, publishing and emergency publishing pass the screening gate
  (screening.gate): blocking findings (personal identifiers, secret markings, serious
  wording errors, files that cannot be screened) stop the transition unless a reviewer
  has overridden them with a written reason.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core import audit, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, OrganisationKind, Role, User
from gongkai.core.notifications import notify
from gongkai.core.permissions import Perm, has_role, require
from gongkai.core.selectors import users_with_role
from gongkai.search import outbox as search_outbox

from . import docnumber, richtext
from .models import (
    CatalogColumn,
    ColumnKey,
    DisclosureMode,
    DisclosureScope,
    IndexSequence,
    InfoItem,
    ItemState,
    ItemVersion,
    PublishingSettings,
    ReviewAction,
    ReviewDecision,
    SubjectCategory,
    Validity,
)
from .models.settings import DEFAULT_INDEX_PATTERN

# 条例第二十六条: publish within 20 working days of the information being formed or changed.
DISCLOSURE_WORKDAYS = 20

# --- the catalog --------------------------------------------------------------------

# (key, parent key) in display order; the titles are ColumnKey's labels.
STATUTORY_TREE: tuple[tuple[ColumnKey, ColumnKey | None], ...] = (
    (ColumnKey.GUIDE, None),
    (ColumnKey.SYSTEM, None),
    (ColumnKey.STATUTORY, None),
    (ColumnKey.FUNCTIONS, ColumnKey.STATUTORY),
    (ColumnKey.LEADERS, ColumnKey.STATUTORY),
    (ColumnKey.POLICY, ColumnKey.STATUTORY),
    (ColumnKey.RULES, ColumnKey.POLICY),
    (ColumnKey.NORMATIVE, ColumnKey.POLICY),
    (ColumnKey.OTHER_DOCS, ColumnKey.POLICY),
    (ColumnKey.PLANS, ColumnKey.STATUTORY),
    (ColumnKey.STATISTICS, ColumnKey.STATUTORY),
    (ColumnKey.BUDGET, ColumnKey.STATUTORY),
    (ColumnKey.LICENSING, ColumnKey.STATUTORY),
    (ColumnKey.PENALTIES, ColumnKey.STATUTORY),
    (ColumnKey.FEES, ColumnKey.STATUTORY),
    (ColumnKey.PROCUREMENT, ColumnKey.STATUTORY),
    (ColumnKey.MAJOR_PROJECTS, ColumnKey.STATUTORY),
    (ColumnKey.ANNUAL_REPORT, None),
)
# 条例第二十一条: city and county governments also publish these domains.
ARTICLE_21: tuple[ColumnKey, ...] = (
    ColumnKey.MUNICIPAL,
    ColumnKey.PUBLIC_SERVICES,
    ColumnKey.PUBLIC_WELFARE,
    ColumnKey.LAND_EXPROPRIATION,
    ColumnKey.HOUSE_EXPROPRIATION,
    ColumnKey.PUBLIC_SECURITY,
    ColumnKey.SOCIAL_ASSISTANCE,
)


def _role(actor: User | None, perm: Perm, organisation: Organisation | None) -> str:
    return "" if actor is None else str(require(actor, perm, organisation))


@transaction.atomic
def catalog_ensure(*, actor: User | None, organisation: Organisation) -> list[CatalogColumn]:
    """Create the statutory columns the body lacks; existing ones are left as they are."""
    role = _role(actor, Perm.SITE_MANAGE, organisation)
    existing = {c.key: c for c in CatalogColumn.objects.filter(organisation=organisation).exclude(key="")}
    tree = list(STATUTORY_TREE)
    if organisation.kind == OrganisationKind.GOVERNMENT:
        position = tree.index((ColumnKey.MAJOR_PROJECTS, ColumnKey.STATUTORY)) + 1
        tree[position:position] = [(key, ColumnKey.STATUTORY) for key in ARTICLE_21]
    created: list[CatalogColumn] = []
    for position, (key, parent_key) in enumerate(tree):
        if key in existing:
            continue
        column = CatalogColumn.objects.create(
            organisation=organisation,
            parent=existing[parent_key] if parent_key else None,
            title=str(key.label),
            slug=key.value.replace("_", "-"),
            key=key,
            position=position * 10,
        )
        existing[key] = column
        created.append(column)
    if created:
        audit.record(
            actor=actor,
            role=role,
            organisation=organisation,
            action="catalog.ensure",
            changes={"created": [c.slug for c in created]},
        )
    return created


@transaction.atomic
def column_create(
    *,
    actor: User | None,
    organisation: Organisation,
    title: str,
    slug: str,
    parent: CatalogColumn | None = None,
    position: int = 0,
    description: str = "",
) -> CatalogColumn:
    role = _role(actor, Perm.SITE_MANAGE, organisation)
    title, slug = title.strip(), slug.strip()
    if not title or not slug:
        raise DomainError("请填写栏目名称和栏目标识。")
    if parent is not None and parent.organisation_id != organisation.pk:
        raise DomainError("上级栏目不属于该机构。")
    if CatalogColumn.objects.filter(organisation=organisation, slug=slug).exists():
        raise DomainError(f"栏目标识“{slug}”在{organisation.name}已被使用。")
    column = CatalogColumn.objects.create(
        organisation=organisation, parent=parent, title=title, slug=slug, position=position, description=description
    )
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="catalog.column_create",
        obj=column,
        changes={"title": title, "slug": slug, "parent": parent.slug if parent else None},
    )
    return column


@transaction.atomic
def column_update(
    *, actor: User | None, column: CatalogColumn, title: str, position: int, is_hidden: bool
) -> CatalogColumn:
    """Rename, reorder or hide a column (statutory ones included)."""
    role = _role(actor, Perm.SITE_MANAGE, column.organisation)
    if not title.strip():
        raise DomainError("栏目名称不能为空。")
    before = {"title": column.title, "position": column.position, "is_hidden": column.is_hidden}
    column.title, column.position, column.is_hidden = title.strip(), position, is_hidden
    column.save(update_fields=["title", "position", "is_hidden"])
    after = {"title": column.title, "position": column.position, "is_hidden": column.is_hidden}
    audit.record(
        actor=actor,
        role=role,
        organisation=column.organisation,
        action="catalog.column_update",
        obj=column,
        changes=audit.diff(before, after),
    )
    return column


@transaction.atomic
def column_delete(*, actor: User | None, column: CatalogColumn) -> None:
    role = _role(actor, Perm.SITE_MANAGE, column.organisation)
    if column.is_statutory:
        raise DomainError(f"“{column.title}”是法定栏目，不能删除（可以隐藏或改名）。")
    if column.items.exists() or column.children.exists():
        raise DomainError(f"栏目“{column.title}”下还有信息或子栏目，不能删除。")
    audit.record(
        actor=actor,
        role=role,
        organisation=column.organisation,
        action="catalog.column_delete",
        obj=column,
        changes={"title": column.title, "slug": column.slug},
    )
    column.delete()


@transaction.atomic
def subject_create(*, actor: User | None, name: str, position: int = 0) -> SubjectCategory:
    role = _role(actor, Perm.ORG_MANAGE, None)
    name = name.strip()
    if not name:
        raise DomainError("主题分类名称不能为空。")
    if SubjectCategory.objects.filter(name=name).exists():
        raise DomainError(f"主题分类“{name}”已存在。")
    subject = SubjectCategory.objects.create(name=name, position=position)
    audit.record(actor=actor, role=role, action="catalog.subject_create", obj=subject, changes={"name": name})
    return subject


def settings_for(organisation: Organisation) -> PublishingSettings:
    found = PublishingSettings.objects.filter(organisation=organisation).first()
    return found if found is not None else PublishingSettings(organisation=organisation)


@transaction.atomic
def settings_update(
    *, actor: User | None, organisation: Organisation, stage_roles: list[str], index_pattern: str
) -> PublishingSettings:
    role = _role(actor, Perm.SITE_MANAGE, organisation)
    if not 1 <= len(stage_roles) <= 3:
        raise DomainError("审核环节应为1至3个。")
    reviewer_roles = {Role.REVIEWER_FIRST, Role.REVIEWER_SECOND, Role.REVIEWER_FINAL}
    unknown = [r for r in stage_roles if r not in reviewer_roles]
    if unknown or len(set(stage_roles)) != len(stage_roles):
        raise DomainError("每个审核环节须指定不同的审核角色（初审、复审、终审）。")
    _check_index_pattern(index_pattern)
    current = settings_for(organisation)
    before = {"stage_roles": current.stage_roles, "index_pattern": current.index_pattern}
    current.stage_roles, current.index_pattern = list(stage_roles), index_pattern
    current.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="publishing.settings_update",
        obj=current,
        changes=audit.diff(before, {"stage_roles": stage_roles, "index_pattern": index_pattern}),
    )
    return current


# --- index numbers ------------------------------------------------------------------


def format_index_number(pattern: str, *, organisation: Organisation, when: date, serial: int) -> str:
    return pattern.format(
        code=organisation.index_code or f"{organisation.pk:06d}",
        credit_code=organisation.credit_code or organisation.index_code or f"{organisation.pk:06d}",
        year=when.year,
        yyyymm=f"{when.year}{when.month:02d}",
        serial=serial,
    )


def _check_index_pattern(pattern: str) -> None:
    if "{serial" not in pattern:
        raise DomainError("索引号格式必须包含流水号 {serial}。")
    try:
        format_index_number(pattern, organisation=Organisation(pk=1), when=date(2026, 1, 1), serial=1)
    except (KeyError, ValueError, IndexError) as exc:
        raise DomainError(f"索引号格式“{pattern}”无法使用：{exc}") from exc


def _next_serial(organisation: Organisation, year: int) -> int:
    """Take the next serial for (body, year) under a row lock: unique and never reused,
    also when many items are published at once on PostgreSQL."""
    try:
        with transaction.atomic():
            IndexSequence.objects.get_or_create(organisation=organisation, year=year)
    except IntegrityError:
        pass  # another transaction created it first
    sequence = IndexSequence.objects.select_for_update().get(organisation=organisation, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def assign_index_number(item: InfoItem, when: date) -> str:
    pattern = settings_for(item.organisation).index_pattern or DEFAULT_INDEX_PATTERN
    while True:
        serial = _next_serial(item.organisation, when.year)
        number = format_index_number(pattern, organisation=item.organisation, when=when, serial=serial)
        # A number typed in by hand or imported may already hold this serial: skip it.
        if not InfoItem.objects.filter(index_number=number).exists():
            return number


# --- the content of an item ---------------------------------------------------------

CONTENT_FIELDS = (
    "title",
    "column_id",
    "issuing_organ",
    "doc_number",
    "date_written",
    "formed_on",
    "subject_id",
    "keywords",
    "summary",
    "validity",
    "disclosure_mode",
    "scope",
    "scope_groups",
    "public_until",
    "body_html",
)
_DATE_FIELDS = ("date_written", "formed_on", "public_until")


def snapshot_of(item: InfoItem) -> dict[str, Any]:
    data: dict[str, Any] = {f: getattr(item, f) for f in CONTENT_FIELDS}
    for f in _DATE_FIELDS:
        data[f] = data[f].isoformat() if data[f] else None
    return data


def _apply(item: InfoItem, snapshot: dict[str, Any]) -> None:
    for field in CONTENT_FIELDS:
        value = snapshot.get(field)
        if field in _DATE_FIELDS and value:
            value = date.fromisoformat(value)
        setattr(item, field, value)
    _derive(item)


def _derive(item: InfoItem) -> None:
    """Fields computed from the content: the parsed document number, plain text, and the
    Art. 26 due date."""
    if item.doc_number:
        parsed = docnumber.parse(item.doc_number)
        item.doc_number = parsed.normalised
        item.doc_issuer, item.doc_year, item.doc_serial = parsed.issuer, parsed.year, parsed.serial
        item.doc_number_key = parsed.key
    else:
        item.doc_issuer, item.doc_year, item.doc_serial, item.doc_number_key = "", None, None, ""
    item.body_text = richtext.to_text(item.body_html)
    due = workdays.add_workdays(item.formed_on, DISCLOSURE_WORKDAYS)
    item.due_on, item.due_provisional = due.date, due.provisional


def working_copy(item: InfoItem) -> dict[str, Any]:
    """The content under edit and review: the newest version (the row for an item that
    has never been saved through a version)."""
    latest = item.versions.order_by("-number").first()
    return latest.snapshot if latest is not None else snapshot_of(item)


def _validate(item: InfoItem, fields: dict[str, Any]) -> dict[str, Any]:
    """Edge checks shared by create and update; returns the cleaned values."""
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = str(cleaned["title"]).strip()
        if not cleaned["title"]:
            raise DomainError("标题不能为空。")
    if "body_html" in cleaned:
        try:
            cleaned["body_html"] = richtext.clean(cleaned["body_html"] or "")
        except richtext.UnsafeHTMLError as exc:
            raise DomainError(str(exc)) from exc
    if cleaned.get("doc_number"):
        try:
            cleaned["doc_number"] = docnumber.parse(cleaned["doc_number"]).normalised
        except docnumber.DocNumberError as exc:
            raise DomainError(str(exc)) from exc
    column = cleaned.pop("column", None)
    if column is not None:
        if column.organisation_id != item.organisation_id:
            raise DomainError(f"栏目“{column.title}”不属于{item.organisation.name}。")
        cleaned["column_id"] = column.pk
    subject = cleaned.pop("subject", None)
    if "subject" in fields:
        cleaned["subject_id"] = subject.pk if subject is not None else None
    for choice_field, label, choices in (
        ("validity", "有效性", Validity),
        ("disclosure_mode", "公开方式", DisclosureMode),
        ("scope", "公开范围", DisclosureScope),
    ):
        if choice_field in cleaned and cleaned[choice_field] not in choices.values:
            raise DomainError(f"“{cleaned[choice_field]}”不是有效的{label}。")
    unknown = set(cleaned) - set(CONTENT_FIELDS)
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(sorted(unknown))}。")
    return cleaned


def _check_scope(item: InfoItem) -> None:
    if item.scope == DisclosureScope.LIMITED and not item.scope_groups.strip():
        raise DomainError("限定范围公开须写明公开对象。")


@transaction.atomic
def item_create(
    *,
    actor: User | None,
    organisation: Organisation,
    column: CatalogColumn,
    title: str,
    formed_on: date,
    body_html: str = "",
    **fields: Any,
) -> InfoItem:
    """A new draft in the body's catalog."""
    role = _role(actor, Perm.ITEM_DRAFT, organisation)
    external_id = fields.pop("external_id", None)
    source_url = fields.pop("source_url", "")
    item = InfoItem(organisation=organisation, created_by=actor, formed_on=formed_on)
    cleaned = _validate(item, {"title": title, "column": column, "body_html": body_html, **fields})
    for field, value in cleaned.items():
        setattr(item, field, value)
    item.external_id, item.source_url = external_id, source_url
    _check_scope(item)
    _derive(item)
    item.save()
    ItemVersion.objects.create(item=item, number=1, snapshot=snapshot_of(item), author=actor)
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="item.create",
        obj=item,
        changes={"title": item.title, "column": column.slug},
    )
    return item


EDITABLE_STATES = (ItemState.DRAFT, ItemState.REJECTED, ItemState.PUBLISHED, ItemState.WITHDRAWN)


@transaction.atomic
def item_update(*, actor: User | None, item: InfoItem, **fields: Any) -> ItemVersion:
    """Save a new version of the working copy. An item that was never published changes
    at once; a published item keeps its live content until the revision is published."""
    item = InfoItem.objects.select_for_update().get(pk=item.pk)
    role = _role(actor, Perm.ITEM_DRAFT, item.organisation)
    if item.state not in EDITABLE_STATES:
        raise DomainError(f"该信息正在{item.get_state_display()}，不能修改。")
    current = working_copy(item)
    cleaned = _validate(item, fields)
    snapshot = {**current, **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in cleaned.items()}}
    probe = InfoItem(organisation=item.organisation, formed_on=item.formed_on)
    _apply(probe, snapshot)  # parses the document number, computes the due date
    _check_scope(probe)
    if item.first_published_at is None:
        _apply(item, snapshot)
    was_live_state = item.state in (ItemState.PUBLISHED, ItemState.WITHDRAWN)
    item.state = ItemState.DRAFT if was_live_state or item.state == ItemState.REJECTED else item.state
    item.save()
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ItemVersion.objects.create(item=item, number=number, snapshot=snapshot, author=actor)
    audit.record(
        actor=actor,
        role=role,
        organisation=item.organisation,
        action="item.update",
        obj=item,
        changes=audit.diff(current, snapshot),
    )
    return version


# --- review -------------------------------------------------------------------------


def stage_roles(item: InfoItem) -> list[str]:
    return list(settings_for(item.organisation).stage_roles)


def _last_editor_id(item: InfoItem) -> int | None:
    return item.versions.order_by("-number").values_list("author_id", flat=True).first()


def _notify_stage(item: InfoItem, stage: int) -> None:
    role = stage_roles(item)[stage - 1]
    notify(
        users_with_role(item.organisation, role),
        f"待{Role(role).label}：{item.title}",
        reverse("staff:item_detail", args=[item.pk]),
    )


def _notify_drafter(item: InfoItem, message: str) -> None:
    if item.created_by is not None:
        notify([item.created_by], message, reverse("staff:item_detail", args=[item.pk]))


def _act(
    item: InfoItem,
    actor: User | None,
    decision: ReviewDecision,
    *,
    role: str = "",
    comment: str = "",
    attested: bool = False,
) -> ReviewAction:
    return ReviewAction.objects.create(
        item=item,
        round=item.review_round,
        stage=item.review_stage,
        actor=actor,
        role=role,
        decision=decision,
        comment=comment,
        confidentiality_attested=attested,
    )


def _locked(item: InfoItem) -> InfoItem:
    return InfoItem.objects.select_related("organisation").select_for_update(of=("self",)).get(pk=item.pk)


def item_submit(*, actor: User | None, item: InfoItem) -> InfoItem:
    """Send the working copy to the first review stage, once the screening gate lets it
    through (screening.gate.ScreeningBlocked otherwise)."""
    from gongkai.screening import gate

    gate.prepare(item=item, actor=actor, trigger=gate.SUBMIT)  # findings kept even when refused
    return _item_submit(actor=actor, item=item)


@transaction.atomic
def _item_submit(*, actor: User | None, item: InfoItem) -> InfoItem:
    from gongkai.screening import gate

    item = _locked(item)
    role = _role(actor, Perm.ITEM_DRAFT, item.organisation)
    if item.state not in (ItemState.DRAFT, ItemState.REJECTED):
        raise DomainError(f"该信息{item.get_state_display()}，不能提交审核。")
    gate.require_clear(item=item, actor=actor, trigger=gate.SUBMIT)
    item.state, item.review_round, item.review_stage = ItemState.IN_REVIEW, item.review_round + 1, 1
    item.save(update_fields=["state", "review_round", "review_stage", "updated_at"])
    _act(item, actor, ReviewDecision.SUBMIT, role=role)
    audit.record(actor=actor, role=role, organisation=item.organisation, action="item.submit", obj=item)
    _notify_stage(item, 1)
    return item


def _require_stage_role(actor: User, item: InfoItem, stage: int) -> str:
    role = stage_roles(item)[stage - 1]
    if not has_role(actor, role, item.organisation):
        raise DomainError(f"第{stage}审核环节由{Role(role).label}办理，您在{item.organisation.name}没有该角色。")
    return role


def _require_independent(actor: User, item: InfoItem) -> None:
    if actor.pk in (item.created_by_id, _last_editor_id(item)):
        raise DomainError("不能审核自己起草或最后修改的信息。")


@transaction.atomic
def item_review(
    *,
    actor: User,
    item: InfoItem,
    approve: bool,
    comment: str = "",
    confidentiality_attested: bool = False,
) -> InfoItem:
    """Pass or return the item at its current stage."""
    item = _locked(item)
    if item.state != ItemState.IN_REVIEW:
        raise DomainError(f"该信息{item.get_state_display()}，不在审核中。")
    stage = item.review_stage
    role = _require_stage_role(actor, item, stage)
    _require_independent(actor, item)
    passed_other = ReviewAction.objects.filter(
        item=item, round=item.review_round, actor=actor, decision=ReviewDecision.APPROVE
    ).exclude(stage=stage)
    if passed_other.exists():
        raise DomainError("同一人不能办理同一信息的两个审核环节。")
    if not approve:
        if not comment.strip():
            raise DomainError("退回时请填写退回意见。")
        item.state, item.review_stage = ItemState.REJECTED, 0
        _act(item, actor, ReviewDecision.REJECT, role=role, comment=comment.strip())
        item.save(update_fields=["state", "review_stage", "updated_at"])
        audit.record(
            actor=actor, role=role, organisation=item.organisation, action="item.reject", obj=item,
            changes={"stage": stage, "comment": comment.strip()},
        )  # fmt: skip
        _notify_drafter(item, f"已退回：{item.title}（{comment.strip()[:60]}）")
        return item
    if stage == 1 and not confidentiality_attested:
        raise DomainError("初审须确认已进行保密审查（条例第十七条）。")
    _act(item, actor, ReviewDecision.APPROVE, role=role, comment=comment.strip(), attested=confidentiality_attested)
    last_stage = len(stage_roles(item))
    if stage >= last_stage:
        item.state, item.review_stage = ItemState.APPROVED, 0
    else:
        item.review_stage = stage + 1
    item.save(update_fields=["state", "review_stage", "updated_at"])
    audit.record(
        actor=actor, role=role, organisation=item.organisation, action="item.approve", obj=item,
        changes={"stage": stage, "confidentiality_attested": confidentiality_attested},
    )  # fmt: skip
    if item.state == ItemState.APPROVED:
        notify(
            users_with_role(item.organisation, stage_roles(item)[-1]),
            f"待发布：{item.title}",
            reverse("staff:item_detail", args=[item.pk]),
        )
    else:
        _notify_stage(item, item.review_stage)
    return item


def _go_live(item: InfoItem, when: datetime) -> None:
    latest = item.versions.order_by("-number").first()
    if latest is not None:
        _apply(item, latest.snapshot)
        latest.published = True
        latest.save(update_fields=["published"])
    if item.index_number is None:
        item.index_number = assign_index_number(item, timezone.localdate(when))
    if item.first_published_at is None:
        item.first_published_at = when
    item.published_at = when
    item.state, item.review_stage, item.is_live = ItemState.PUBLISHED, 0, True
    item.withdrawn_at, item.withdrawn_reason = None, ""
    item.save()
    # The search index follows through an outbox row written in this transaction.
    search_outbox.enqueue([item.pk], "upsert")


def item_publish(*, actor: User | None, item: InfoItem, at: datetime | None = None) -> InfoItem:
    """Publish an approved item now or at a set time (定时发布). The final-stage role
    publishes (编审发: the one who signs off releases). The screening gate runs again
    (screening.gate.ScreeningBlocked)."""
    from gongkai.screening import gate

    gate.prepare(item=item, actor=actor, trigger=gate.PUBLISH)  # findings kept even when refused
    return _item_publish(actor=actor, item=item, at=at)


@transaction.atomic
def _item_publish(*, actor: User | None, item: InfoItem, at: datetime | None) -> InfoItem:
    from gongkai.screening import gate

    item = _locked(item)
    if item.state != ItemState.APPROVED:
        raise DomainError(f"该信息{item.get_state_display()}，须先通过全部审核环节。")
    role = _require_stage_role(actor, item, len(stage_roles(item))) if actor is not None else ""
    now = timezone.now()
    when = at or now
    if when < now - timedelta(minutes=1):
        raise DomainError("定时发布时间不能早于现在。")
    gate.require_clear(item=item, actor=actor, trigger=gate.PUBLISH)
    _go_live(item, when)
    _act(item, actor, ReviewDecision.PUBLISH, role=role)
    audit.record(
        actor=actor, role=role, organisation=item.organisation, action="item.publish", obj=item,
        changes={"index_number": item.index_number, "published_at": when, "scheduled": when > now},
    )  # fmt: skip
    _notify_drafter(item, f"已{'定时' if when > now else ''}发布：{item.title}")
    return item


def item_emergency_publish(*, actor: User, item: InfoItem, reason: str) -> InfoItem:
    """A final-stage reviewer publishes at once, skipping the stages; the item stays
    flagged until someone else reviews it afterwards. The screening gate still applies
    (screening.gate.ScreeningBlocked)."""
    from gongkai.screening import gate

    gate.prepare(item=item, actor=actor, trigger=gate.EMERGENCY_PUBLISH)  # findings kept even when refused
    return _item_emergency_publish(actor=actor, item=item, reason=reason)


@transaction.atomic
def _item_emergency_publish(*, actor: User, item: InfoItem, reason: str) -> InfoItem:
    from gongkai.screening import gate

    item = _locked(item)
    if not reason.strip():
        raise DomainError("紧急发布须写明理由。")
    if item.state not in (ItemState.DRAFT, ItemState.IN_REVIEW, ItemState.APPROVED, ItemState.REJECTED):
        raise DomainError(f"该信息{item.get_state_display()}，不能紧急发布。")
    role = _require_stage_role(actor, item, len(stage_roles(item)))
    gate.require_clear(item=item, actor=actor, trigger=gate.EMERGENCY_PUBLISH)
    _go_live(item, timezone.now())
    item.emergency_pending, item.emergency_reason, item.emergency_by = True, reason.strip(), actor
    item.save(update_fields=["emergency_pending", "emergency_reason", "emergency_by"])
    _act(item, actor, ReviewDecision.EMERGENCY_PUBLISH, role=role, comment=reason.strip())
    audit.record(
        actor=actor, role=role, organisation=item.organisation, action="item.emergency_publish", obj=item,
        changes={"reason": reason.strip(), "index_number": item.index_number},
    )  # fmt: skip
    reviewers: list[User] = []
    for stage_role in stage_roles(item):
        reviewers.extend(users_with_role(item.organisation, stage_role).exclude(pk=actor.pk))
    notify(reviewers, f"紧急发布待补审：{item.title}", reverse("staff:item_detail", args=[item.pk]))
    return item


@transaction.atomic
def item_post_review(*, actor: User, item: InfoItem, comment: str = "", confidentiality_attested: bool) -> InfoItem:
    """Someone other than the emergency publisher (and the drafter) confirms the item."""
    item = _locked(item)
    if not item.emergency_pending:
        raise DomainError("该信息没有待补审的紧急发布。")
    if actor.pk == item.emergency_by_id:
        raise DomainError("紧急发布须由发布人以外的人员补审。")
    _require_independent(actor, item)
    roles = [r for r in stage_roles(item) if has_role(actor, r, item.organisation)]
    if not roles:
        raise DomainError(f"您在{item.organisation.name}没有审核角色。")
    if not confidentiality_attested:
        raise DomainError("补审须确认已进行保密审查（条例第十七条）。")
    item.emergency_pending = False
    item.save(update_fields=["emergency_pending"])
    _act(item, actor, ReviewDecision.POST_REVIEW, role=roles[0], comment=comment, attested=True)
    audit.record(actor=actor, role=roles[0], organisation=item.organisation, action="item.post_review", obj=item)
    return item


@transaction.atomic
def item_withdraw(*, actor: User | None, item: InfoItem, reason: str) -> InfoItem:
    """撤稿: off every public path at once; always with a reason, always logged."""
    item = _locked(item)
    if not reason.strip():
        raise DomainError("撤稿须写明理由。")
    if not item.is_live:
        raise DomainError("该信息未发布，无需撤稿。")
    role = _require_stage_role(actor, item, len(stage_roles(item))) if actor is not None else ""
    item.is_live, item.state = False, ItemState.WITHDRAWN
    item.withdrawn_at, item.withdrawn_reason = timezone.now(), reason.strip()
    item.save(update_fields=["is_live", "state", "withdrawn_at", "withdrawn_reason", "updated_at"])
    search_outbox.enqueue([item.pk], "delete")
    _act(item, actor, ReviewDecision.WITHDRAW, role=role, comment=reason.strip())
    audit.record(
        actor=actor, role=role, organisation=item.organisation, action="item.withdraw", obj=item,
        changes={"reason": reason.strip()},
    )  # fmt: skip
    _notify_drafter(item, f"已撤稿：{item.title}（{reason.strip()[:60]}）")
    return item


@transaction.atomic
def item_set_related(*, actor: User | None, item: InfoItem, related: Iterable[InfoItem]) -> None:
    role = _role(actor, Perm.ITEM_DRAFT, item.organisation)
    items = list(related)
    item.related.set(items)
    audit.record(
        actor=actor, role=role, organisation=item.organisation, action="item.set_related", obj=item,
        changes={"related": [i.pk for i in items]},
    )  # fmt: skip


def recompute_due_dates(days: list[date]) -> int:
    """After a calendar change: move the Art. 26 due dates of unpublished items whose
    20-working-day window may include a changed day."""
    if not days:
        return 0
    calendar = workdays.calendar()
    earliest = min(days)
    changed = 0
    pending = InfoItem.objects.filter(first_published_at__isnull=True, due_on__gte=earliest)
    for item in pending.only("pk", "formed_on", "due_on", "due_provisional").iterator():
        due = calendar.add_workdays(item.formed_on, DISCLOSURE_WORKDAYS)
        if (due.date, due.provisional) != (item.due_on, item.due_provisional):
            InfoItem.objects.filter(pk=item.pk).update(due_on=due.date, due_provisional=due.provisional)
            changed += 1
    return changed
