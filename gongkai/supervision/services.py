"""Writes of the supervision context. Each function is one complete state change: the
permission check (access.py), the rows, the audit record and the notifications on commit.
`actor=None` is the platform itself (the command line, the demo loader, the daily reminder
run)."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gongkai.core import audit, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.notifications import notify
from gongkai.core.selectors import users_with_role
from gongkai.publishing.models import InfoItem

from . import deadlines, selectors
from .access import OFFICE_ROLES, REPORTER_ROLES, plan_government, require_office, require_reporter
from .annex import ParsedAnnex, Problem
from .deadlines import DeadlineKind
from .models import (
    Evidence,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportState,
    ScoringScheme,
    Task,
    TaskPlan,
    TaskUnit,
)
from .status import UnitStatus

# Evidence files: what offices exchange (documents, scans, spreadsheets), at most 20 MB each.
EVIDENCE_EXTENSIONS = frozenset({"pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "jpg", "jpeg", "png", "zip"})
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Reminders: within this many working days (core.workdays, 调休 included) before a dated
# deadline, and in the last days of a month for monthly tasks without a report yet.
REMIND_WORKDAYS_BEFORE = 5
REMIND_MONTH_LAST_DAYS = 5


class ImportRefused(DomainError):
    """The table has problems that block the import; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"导入未执行：表中有 {len(self.problems)} 处问题需要修改。")


def _url(name: str, *args: int) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _office_users(plan: TaskPlan) -> list[User]:
    bodies = {plan.issuer.pk: plan.issuer, plan_government(plan.issuer).pk: plan_government(plan.issuer)}
    users: dict[int, User] = {}
    for body in bodies.values():
        for role in OFFICE_ROLES:
            users.update({u.pk: u for u in users_with_role(body, role)})
    return list(users.values())


def _reporters(organisation: Organisation) -> list[User]:
    users: dict[int, User] = {}
    for role in REPORTER_ROLES:
        users.update({u.pk: u for u in users_with_role(organisation, role)})
    return list(users.values())


# --- import ---------------------------------------------------------------------------


@transaction.atomic
def plan_import(
    *,
    actor: User | None,
    parsed: ParsedAnnex,
    issuer: Organisation,
    year: int,
    title: str = "",
    starts_on: dt.date | None = None,
    doc_number: str = "",
    source_name: str = "",
    replace: bool = False,
) -> TaskPlan:
    """Write a parsed table as the year's plan, all of it or nothing (one transaction).
    Refuses a table with blocking problems, and a second import of the same plan unless
    `replace` is given and no unit has reported yet."""
    role = str(require_office(actor, issuer)) if actor is not None else ""
    if parsed.errors:
        raise ImportRefused(parsed.errors)
    title = (title or parsed.title or f"{year}年政务公开重点工作任务").strip()
    if len(title) > 200:
        raise DomainError("计划名称不能超过200字。")
    if not 2000 <= year <= 2100:
        raise DomainError(f"年度“{year}”不正确。")
    org_ids = {u.org_id for t in parsed.tasks for u in t.units if u.org_id is not None}
    if Organisation.objects.filter(pk__in=org_ids).count() != len(org_ids):
        raise DomainError("表中对应的部分机构已不存在，请重新导入。")

    plan = TaskPlan.objects.select_for_update().filter(issuer=issuer, year=year, title=title).first()
    replaced = plan is not None
    if plan is not None:
        if not replace:
            raise DomainError(f"“{title}”已导入（计划编号 {plan.pk}）。如需重新导入，请使用 --replace。")
        if ProgressReport.objects.filter(task_unit__task__plan=plan).exists():
            raise DomainError(f"“{title}”已有单位报送进展，不能重新导入。")
        plan.tasks.all().delete()
        plan.starts_on = starts_on or plan.starts_on
        plan.doc_number = doc_number or plan.doc_number
        plan.notes = "\n".join(parsed.notes)
        plan.source_name = source_name[:200]
        plan.save()
    else:
        plan = TaskPlan.objects.create(
            title=title,
            year=year,
            issuer=issuer,
            doc_number=doc_number.strip(),
            starts_on=starts_on or dt.date(year, 1, 1),
            notes="\n".join(parsed.notes),
            source_name=source_name[:200],
            created_by=actor,
        )
    units: list[TaskUnit] = []
    for parsed_task in parsed.tasks:
        deadline = parsed_task.deadline
        task = Task.objects.create(
            plan=plan,
            seq=parsed_task.seq,
            group_no=parsed_task.group_no,
            group=parsed_task.group[:200],
            subgroup=parsed_task.subgroup[:200],
            text=parsed_task.text,
            units_text=parsed_task.units_text,
            deadline_kind=deadline.kind,
            due_on=deadline.due,
            deadline_text=parsed_task.deadline_text[:60],
            inherited=parsed_task.inherited,
            source_row=parsed_task.row,
        )
        units += [
            TaskUnit(
                task=task,
                organisation_id=ref.org_id,
                name=ref.name[:100],
                source=ref.source[:100],
                flagged=ref.flagged,
                position=position,
            )
            for position, ref in enumerate(parsed_task.units)
        ]
    TaskUnit.objects.bulk_create(units, batch_size=500)
    ScoringScheme.objects.get_or_create(plan=plan)
    audit.record(
        actor=actor,
        role=role,
        organisation=issuer,
        action="supervision.plan_import",
        obj=plan,
        changes={
            "year": year,
            "tasks": len(parsed.tasks),
            "units": len(units),
            "flagged": sum(1 for u in units if u.flagged),
            "source": source_name,
            "replaced": replaced,
        },
    )
    return plan


# --- progress reports -----------------------------------------------------------------


def _clean_urls(urls: Sequence[str]) -> list[str]:
    validator = URLValidator(schemes=["http", "https"])
    out = []
    for url in urls:
        url = url.strip()
        if not url:
            continue
        try:
            validator(url)
        except ValidationError as exc:
            raise DomainError(f"链接“{url[:80]}”不是有效的网址（须以 http:// 或 https:// 开头）。") from exc
        if len(url) > 500:
            raise DomainError("链接不能超过500个字符。")
        out.append(url)
    return out


def _check_file(upload: UploadedFile) -> str:
    name = PurePath(upload.name or "").name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_EXTENSIONS:
        raise DomainError(f"附件“{name}”的类型不支持。可上传：{'、'.join(sorted(EVIDENCE_EXTENSIONS))}。")
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise DomainError(f"附件“{name}”超过 20MB。")
    return name


@transaction.atomic
def report_submit(
    *,
    actor: User | None,
    task_unit: TaskUnit,
    text: str,
    percent: int | None = None,
    milestone: str = "",
    completed: bool = False,
    items: Sequence[InfoItem] = (),
    urls: Sequence[str] = (),
    files: Sequence[UploadedFile] = (),
    submitted_at: dt.datetime | None = None,
) -> ProgressReport:
    """A unit reports on one of its tasks. Completion needs evidence: a published item, a
    link or a file (the office judges it and may return the report)."""
    organisation = task_unit.organisation
    if organisation is None:
        raise DomainError(f"责任单位“{task_unit.name}”尚待公开办确认为具体机构，暂不能报送。")
    role = str(require_reporter(actor, organisation)) if actor is not None else ""
    text = text.strip()
    if not text:
        raise DomainError("请填写进展情况。")
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError("完成进度应在 0 到 100 之间。")
    if percent == 100:
        completed = True
    clean_urls = _clean_urls(urls)
    for item in items:
        if not item.is_live:
            raise DomainError(f"“{item.title}”尚未发布，不能作为佐证材料。")
    names = [_check_file(f) for f in files]
    if completed and not (items or clean_urls or files):
        raise DomainError("报送“已完成”须附佐证材料：已发布的信息、链接或附件。")
    report = ProgressReport.objects.create(
        task_unit=task_unit,
        author=actor,
        text=text,
        percent=percent,
        milestone=milestone.strip()[:200],
        completed=completed,
        submitted_at=submitted_at or timezone.now(),
    )
    evidence = [Evidence(report=report, item=item, title=item.title[:300]) for item in items]
    evidence += [Evidence(report=report, url=url, title=url[:300]) for url in clean_urls]
    Evidence.objects.bulk_create(evidence)
    for upload, name in zip(files, names, strict=True):
        piece = Evidence(report=report, title=name[:300])
        piece.file.save(name, upload, save=True)
    task = task_unit.task
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="supervision.report_submit",
        obj=report,
        changes={
            "plan": task.plan_id,
            "task": task.seq,
            "percent": percent,
            "completed": completed,
            "evidence": len(evidence) + len(names),
        },
    )
    notify(
        _office_users(task.plan),
        f"{task_unit.name}报送了第{task.seq}项重点工作任务的进展" + ("（已完成）" if completed else ""),
        _url("supervision:task_detail", task.pk),
    )
    return report


def _locked_report(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update().select_related("task_unit__task__plan__issuer").get(pk=report.pk)


@transaction.atomic
def report_return(*, actor: User, report: ProgressReport, comment: str) -> ProgressReport:
    """The office sends a report back for more evidence; it no longer counts."""
    report = _locked_report(report)
    plan = report.task_unit.task.plan
    role = require_office(actor, plan.issuer)
    comment = comment.strip()
    if not comment:
        raise DomainError("请写明退回理由，说明需要补充哪些佐证材料。")
    if report.state == ReportState.RETURNED:
        raise DomainError("该报告已经退回。")
    if report.author_id == actor.pk:
        raise DomainError("不能审核自己报送的报告。")
    before = report.state
    report.state = ReportState.RETURNED
    report.office_comment = comment
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save(update_fields=["state", "office_comment", "reviewed_by", "reviewed_at"])
    unit = report.task_unit
    audit.record(
        actor=actor,
        role=str(role),
        organisation=unit.organisation,
        action="supervision.report_return",
        obj=report,
        changes={"state": [before, report.state], "comment": comment},
    )
    recipients = _reporters(unit.organisation) if unit.organisation is not None else []
    if report.author is not None:
        recipients.append(report.author)
    notify(
        recipients,
        f"第{unit.task.seq}项重点工作任务的进展报告被退回：{comment[:60]}",
        _url("supervision:report_create", unit.pk),
    )
    return report


@transaction.atomic
def report_accept(*, actor: User, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The office accepts a report as sufficient."""
    report = _locked_report(report)
    plan = report.task_unit.task.plan
    role = require_office(actor, plan.issuer)
    if report.state != ReportState.SUBMITTED:
        raise DomainError("只能审核待审核的报告。")
    if report.author_id == actor.pk:
        raise DomainError("不能审核自己报送的报告。")
    report.state = ReportState.ACCEPTED
    report.office_comment = comment.strip()
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save(update_fields=["state", "office_comment", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor,
        role=str(role),
        organisation=report.task_unit.organisation,
        action="supervision.report_accept",
        obj=report,
        changes={"state": [ReportState.SUBMITTED, ReportState.ACCEPTED]},
    )
    return report


# --- flagged units --------------------------------------------------------------------


@transaction.atomic
def task_unit_resolve(
    *, actor: User | None, task_unit: TaskUnit, organisations: Sequence[Organisation]
) -> list[TaskUnit]:
    """The office names the bodies a flagged unit (被审计市级部门（单位）) stands for; the
    flagged row is replaced by one row per body."""
    task = task_unit.task
    role = str(require_office(actor, task.plan.issuer)) if actor is not None else ""
    if not task_unit.flagged or task_unit.organisation_id is not None:
        raise DomainError("该责任单位已是具体机构，无需确认。")
    if not organisations:
        raise DomainError("请至少选择一个机构。")
    existing = set(task.units.exclude(organisation=None).values_list("organisation_id", flat=True))
    created = [
        TaskUnit.objects.create(
            task=task,
            organisation=org,
            name=org.display_short_name[:100],
            source=task_unit.name,
            position=task_unit.position,
        )
        for org in organisations
        if org.pk not in existing
    ]
    audit.record(
        actor=actor,
        role=role,
        organisation=task.plan.issuer,
        action="supervision.unit_resolve",
        obj=task,
        changes={"flagged": task_unit.name, "organisations": [o.name for o in organisations]},
    )
    task_unit.delete()
    return created


# --- reminders ------------------------------------------------------------------------


@dataclass
class ReminderOutcome:
    sent: int = 0
    units: int = 0


@transaction.atomic
def reminders_send(*, today: dt.date) -> ReminderOutcome:
    """Remind units before a dated deadline (REMIND_WORKDAYS_BEFORE working days), once when
    it has passed, and in the last days of a month for monthly tasks not yet reported this
    month. Each reminder is sent once (Reminder rows); safe to run every day."""
    outcome = ReminderOutcome()
    calendar = workdays.calendar()
    sent_before = {
        (r.task_unit_id, r.kind, r.period) for r in Reminder.objects.filter(task_unit__task__plan__year=today.year)
    }
    recipients: dict[int, list[User]] = {}
    new: list[Reminder] = []
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    for plan in TaskPlan.objects.filter(year=today.year).select_related("issuer", "issuer__parent"):
        board = selectors.plan_board(plan, today=today)
        for row in board.rows:
            unit, task = row.unit, row.task
            if unit.organisation is None or row.status == UnitStatus.DONE:
                continue
            kind: str | None = None
            period = ""
            message = ""
            if task.deadline_kind == DeadlineKind.DATE and task.due_on is not None:
                days = (task.due_on - today).days
                period = task.due_on.isoformat()
                if days >= 0 and calendar.workdays_between(today, task.due_on).count <= REMIND_WORKDAYS_BEFORE:
                    kind = ReminderKind.DUE_SOON
                    message = f"第{task.seq}项重点工作任务将于 {task.due_on:%Y-%m-%d} 到期，请及时报送完成情况"
                elif days < 0:
                    kind = ReminderKind.OVERDUE
                    message = f"第{task.seq}项重点工作任务已超过完成时限 {task.due_on:%Y-%m-%d}，请尽快办理"
            elif task.deadline_kind == DeadlineKind.MONTHLY and (month_end - today).days < REMIND_MONTH_LAST_DAYS:
                latest = row.latest
                this_month = latest is not None and timezone.localtime(latest.submitted_at).date() >= today.replace(
                    day=1
                )
                if not this_month:
                    kind = ReminderKind.MONTHLY
                    period = f"{today:%Y-%m}"
                    message = f"第{task.seq}项重点工作任务须每月报送，本月尚未报送"
            if kind is None or (unit.pk, kind, period) in sent_before:
                continue
            org = unit.organisation
            if org.pk not in recipients:
                recipients[org.pk] = _reporters(org)
            notify(recipients[org.pk], f"{unit.name}：{message}", _url("supervision:report_create", unit.pk))
            new.append(Reminder(task_unit=unit, kind=kind, period=period))
            sent_before.add((unit.pk, kind, period))
    Reminder.objects.bulk_create(new)
    outcome.sent = len(new)
    outcome.units = len({r.task_unit_id for r in new})
    if new:
        audit.record(
            actor=None,
            action="supervision.reminders_send",
            changes={"day": today.isoformat(), "sent": outcome.sent},
        )
    return outcome


# --- scoring --------------------------------------------------------------------------


@transaction.atomic
def scoring_update(
    *,
    actor: User | None,
    plan: TaskPlan,
    full_score: Decimal,
    overdue_deduction: Decimal,
    returned_deduction: Decimal,
    group_weights: Mapping[int, Decimal],
    task_weights: Mapping[int, Decimal | None] | None = None,
) -> ScoringScheme:
    """Set the plan's scoring scheme: group weights, and task weights by task number."""
    role = str(require_office(actor, plan.issuer)) if actor is not None else ""
    for label, value in (("满分", full_score), ("逾期扣分", overdue_deduction), ("退回扣分", returned_deduction)):
        if value < 0:
            raise DomainError(f"{label}不能为负数。")
    if full_score <= 0:
        raise DomainError("满分必须大于0。")
    for weights in (group_weights, task_weights or {}):
        if any(w is not None and w < 0 for w in weights.values()):
            raise DomainError("权重不能为负数。")
    scheme, _ = ScoringScheme.objects.select_for_update().get_or_create(plan=plan)
    before = {
        "full_score": str(scheme.full_score),
        "overdue_deduction": str(scheme.overdue_deduction),
        "returned_deduction": str(scheme.returned_deduction),
        "group_weights": scheme.group_weights,
    }
    scheme.full_score = full_score
    scheme.overdue_deduction = overdue_deduction
    scheme.returned_deduction = returned_deduction
    scheme.group_weights = {str(k): str(v) for k, v in sorted(group_weights.items())}
    scheme.save()
    changed_tasks = {}
    if task_weights:
        known = {t.seq: t for t in plan.tasks.all()}
        unknown = sorted(set(task_weights) - set(known))
        if unknown:
            raise DomainError(f"没有序号为 {'、'.join(map(str, unknown))} 的任务。")
        for seq, weight in task_weights.items():
            task = known[seq]
            if task.weight != weight:
                task.weight = weight
                task.save(update_fields=["weight"])
                changed_tasks[str(seq)] = None if weight is None else str(weight)
    after = {
        "full_score": str(scheme.full_score),
        "overdue_deduction": str(scheme.overdue_deduction),
        "returned_deduction": str(scheme.returned_deduction),
        "group_weights": scheme.group_weights,
    }
    changes = audit.diff(before, after)
    if changed_tasks:
        changes["task_weights"] = changed_tasks
    audit.record(
        actor=actor, role=role, organisation=plan.issuer, action="supervision.scoring_update", obj=plan, changes=changes
    )
    return scheme


# --- look-back and carry-over ---------------------------------------------------------


@dataclass
class CarryOver:
    plan: TaskPlan
    tasks: int
    units: int


@transaction.atomic
def plan_carry_over(*, actor: User | None, plan: TaskPlan, as_of: dt.date) -> CarryOver:
    """回头看: carry every task still unfinished at the end of the year (as of `as_of`) into
    the next year's plan, with only its unfinished units. Dated deadlines move to the same
    day of the next year. Running it again carries only what was not carried yet."""
    role = str(require_office(actor, plan.issuer)) if actor is not None else ""
    if as_of < dt.date(plan.year, 12, 1):
        raise DomainError(f"回头看在年底进行：{plan.year}年12月1日之后才能结转未完成的任务。")
    entries = [e for e in selectors.lookback(plan, as_of=as_of) if not e.carried]
    target_year = plan.year + 1
    title = f"{target_year}年政务公开重点工作任务（{plan.year}年度未完成事项结转）"
    target = TaskPlan.objects.filter(issuer=plan.issuer, year=target_year, title=title).first()
    created_plan = target is None
    if target is None:
        target = TaskPlan.objects.create(
            title=title,
            year=target_year,
            issuer=plan.issuer,
            starts_on=dt.date(target_year, 1, 1),
            notes=f"由“{plan.title}”回头看结转。",
            carried_from=plan,
            created_by=actor,
        )
        ScoringScheme.objects.get_or_create(plan=target)
    next_seq = (target.tasks.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    units: list[TaskUnit] = []
    for entry in entries:
        source = entry.task
        deadline = deadlines.shift_year(source.deadline, target_year - plan.year)
        task = Task.objects.create(
            plan=target,
            seq=next_seq,
            group_no=source.group_no,
            group=source.group,
            subgroup=source.subgroup,
            text=source.text,
            units_text="、".join(r.unit.name for r in entry.rows),
            deadline_kind=deadline.kind,
            due_on=deadline.due,
            deadline_text=source.deadline_text,
            weight=source.weight,
            carried_from=source,
        )
        next_seq += 1
        units += [
            TaskUnit(
                task=task,
                organisation_id=r.unit.organisation_id,
                name=r.unit.name,
                source=r.unit.source,
                position=i,
            )
            for i, r in enumerate(entry.rows)
        ]
    TaskUnit.objects.bulk_create(units, batch_size=500)
    audit.record(
        actor=actor,
        role=role,
        organisation=plan.issuer,
        action="supervision.plan_carry_over",
        obj=target,
        changes={"from_plan": plan.pk, "tasks": len(entries), "units": len(units), "new_plan": created_plan},
    )
    return CarryOver(plan=target, tasks=len(entries), units=len(units))
