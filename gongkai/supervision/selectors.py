"""Reads of the supervision context. Scoped reads take the user: the office and supervisors
see their plans whole (access.can_oversee); a unit sees only its own tasks
(Perm.ORG_VIEW on the unit). Statuses are computed here from the reports, as of `today`,
in a fixed number of queries per page."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gongkai.core.models import Organisation, OrganisationKind
from gongkai.core.permissions import AnyUser, Perm, organisations_where
from gongkai.publishing.models import InfoItem

from . import scoring
from .access import can_oversee, plan_government
from .models import Evidence, ProgressReport, ReportState, ScoringScheme, Task, TaskPlan, TaskUnit
from .status import ReportFact, StatusResult, UnitStatus, compute
from .units import OrgRef, UnitDirectory

STATUS_ORDER: tuple[UnitStatus, ...] = (
    UnitStatus.OVERDUE,
    UnitStatus.NOT_STARTED,
    UnitStatus.IN_PROGRESS,
    UnitStatus.DONE,
)


# --- organisations for the importer ---------------------------------------------------


def default_issuer() -> Organisation | None:
    """The issuer a plan is imported for when none is named: the office of the one
    top-level government (达州市人民政府办公室), else that government."""
    roots = list(Organisation.objects.filter(parent__isnull=True).order_by("position", "path")[:2])
    if len(roots) != 1:
        return None
    root = roots[0]
    office = (
        Organisation.objects.filter(parent=root, kind=OrganisationKind.GOVERNMENT_OFFICE)
        .select_related("parent")
        .order_by("position", "path")
        .first()
    )
    return office or root


def unit_directory(issuer: Organisation | None) -> UnitDirectory:
    """Every organisation a table may name, in one query. Names inside the plan's government
    win over the same short name elsewhere; a short name used twice at the same level is
    ambiguous and must be written in full."""
    if issuer is None:
        return UnitDirectory()
    government = plan_government(issuer)
    orgs = list(Organisation.objects.only("id", "name", "short_name", "kind", "parent_id", "path", "position"))
    orgs.sort(key=lambda o: (o.position, o.path))
    inside = [o for o in orgs if o.path.startswith(government.path)]
    outside = [o for o in orgs if not o.path.startswith(government.path)]
    by_name: dict[str, OrgRef] = {}
    ambiguous: set[str] = set()
    for tier in (inside, outside):
        counts = Counter(o.short_name for o in tier if o.short_name)
        full_names = {o.name for o in tier}
        for org in tier:
            ref = OrgRef(org.pk, org.name, org.short_name)
            by_name.setdefault(org.name, ref)
            short = org.short_name
            if not short or short in by_name or short in full_names:
                continue
            if counts[short] > 1:
                ambiguous.add(short)
            else:
                by_name[short] = ref
    ambiguous -= set(by_name)
    children = [o for o in inside if o.parent_id == government.pk]
    return UnitDirectory(
        by_name=by_name,
        ambiguous=frozenset(ambiguous),
        counties=tuple(OrgRef(o.pk, o.name, o.short_name) for o in children if o.kind == OrganisationKind.GOVERNMENT),
        departments=tuple(
            OrgRef(o.pk, o.name, o.short_name) for o in children if o.kind == OrganisationKind.DEPARTMENT
        ),
        government=government.name,
    )


def plan_exists(*, issuer: Organisation, year: int, title: str) -> TaskPlan | None:
    return TaskPlan.objects.filter(issuer=issuer, year=year, title=title).first()


# --- plans ----------------------------------------------------------------------------


def _plans() -> QuerySet[TaskPlan]:
    return TaskPlan.objects.select_related("issuer", "issuer__parent", "carried_from")


def plans_for(user: AnyUser) -> list[TaskPlan]:
    """The plans the user oversees (office or supervisor of the plan's government)."""
    return [p for p in _plans().order_by("-year", "id") if can_oversee(user, p)]


def plan_for(user: AnyUser, pk: int) -> TaskPlan:
    plan = _plans().filter(pk=pk).first()
    if plan is None or not can_oversee(user, plan):
        raise TaskPlan.DoesNotExist(f"没有编号为 {pk} 的重点工作计划，或您无权查看。")
    return plan


def plan_any(pk: int) -> TaskPlan:
    """For the command line (the operator on the server)."""
    plan = _plans().filter(pk=pk).first()
    if plan is None:
        raise TaskPlan.DoesNotExist(f"没有编号为 {pk} 的重点工作计划。")
    return plan


# --- statuses -------------------------------------------------------------------------


def _local_day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


@dataclass
class UnitRow:
    """One unit on one task, with its reports (newest first) and computed status."""

    unit: TaskUnit
    result: StatusResult
    reports: list[ProgressReport] = field(default_factory=list)

    @property
    def task(self) -> Task:
        return self.unit.task

    @property
    def status(self) -> UnitStatus:
        return self.result.status

    @property
    def returned(self) -> int:
        return sum(1 for r in self.reports if r.state == ReportState.RETURNED)

    @property
    def pending(self) -> int:
        return sum(1 for r in self.reports if r.state == ReportState.SUBMITTED)

    @property
    def latest(self) -> ProgressReport | None:
        return self.reports[0] if self.reports else None


def _facts(reports: Iterable[ProgressReport]) -> list[ReportFact]:
    return [
        ReportFact(
            submitted_on=_local_day(r.submitted_at),
            percent=r.percent,
            completed=r.completed,
            has_evidence=getattr(r, "evidence_count", 0) > 0,
            returned=r.state == ReportState.RETURNED,
        )
        for r in reports
    ]


def status_of(unit: TaskUnit, reports: Sequence[ProgressReport], today: dt.date) -> StatusResult:
    task = unit.task
    plan = task.plan
    return compute(
        kind=task.deadline_kind,
        due=task.due_on,
        year=plan.year,
        starts_on=plan.starts_on,
        reports=_facts(reports),
        today=today,
    )


def _rows(
    units: list[TaskUnit], today: dt.date, reports_of: Q | None = None, *, with_evidence: bool = False
) -> list[UnitRow]:
    """One query whatever the number of units: the reports with their evidence counts (and,
    for pages that show them, one more for the evidence itself). `reports_of` selects the
    reports (e.g. the whole plan) instead of a long list of ids."""
    by_unit: dict[int, list[ProgressReport]] = defaultdict(list)
    if units:
        reports = (
            ProgressReport.objects.filter(reports_of if reports_of is not None else Q(task_unit__in=units))
            .annotate(evidence_count=Count("evidence"))
            .select_related("author")
            .order_by("-submitted_at", "-id")
        )
        if with_evidence:
            reports = reports.prefetch_related("evidence")
        for report in reports:
            by_unit[report.task_unit_id].append(report)
    return [UnitRow(unit=u, result=status_of(u, by_unit[u.pk], today), reports=by_unit[u.pk]) for u in units]


@dataclass
class Tally:
    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    tasks: int = 0
    organisation_id: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUS_ORDER]


@dataclass
class Board:
    """A plan's statuses as of `today`: what the dashboard, the export and the scores read."""

    plan: TaskPlan
    today: dt.date
    rows: list[UnitRow]
    tasks: list[Task]

    def by_status(self) -> dict[str, int]:
        counts = Counter(str(r.status) for r in self.rows)
        return {str(s): counts.get(str(s), 0) for s in STATUS_ORDER}

    def by_group(self) -> list[Tally]:
        tallies: dict[str, Tally] = {}
        seen_tasks: dict[str, set[int]] = defaultdict(set)
        for row in self.rows:
            task = row.task
            key = str(task.group_no or 0)
            tally = tallies.setdefault(key, Tally(key=key, label=task.group or "（未分组）"))
            tally.counts[str(row.status)] = tally.counts.get(str(row.status), 0) + 1
            seen_tasks[key].add(task.pk)
        for key, tally in tallies.items():
            tally.tasks = len(seen_tasks[key])
        return sorted(tallies.values(), key=lambda t: int(t.key))

    def by_unit(self) -> list[Tally]:
        tallies: dict[str, Tally] = {}
        for row in self.rows:
            unit = row.unit
            key = f"o{unit.organisation_id}" if unit.organisation_id else f"n{unit.name}"
            tally = tallies.setdefault(key, Tally(key=key, label=unit.name, organisation_id=unit.organisation_id))
            tally.counts[str(row.status)] = tally.counts.get(str(row.status), 0) + 1
            tally.tasks += 1
        return sorted(tallies.values(), key=lambda t: (-t.count(UnitStatus.OVERDUE), t.label))

    def overdue(self) -> list[UnitRow]:
        return [r for r in self.rows if r.status == UnitStatus.OVERDUE]

    def flagged(self) -> list[UnitRow]:
        return [r for r in self.rows if r.unit.flagged]

    def rows_by_task(self) -> dict[int, list[UnitRow]]:
        out: dict[int, list[UnitRow]] = defaultdict(list)
        for row in self.rows:
            out[row.task.pk].append(row)
        return out

    def pending_reports(self) -> list[tuple[UnitRow, ProgressReport]]:
        return [(row, r) for row in self.rows for r in row.reports if r.state == ReportState.SUBMITTED]


def plan_board(plan: TaskPlan, *, today: dt.date, status: str = "", organisation_id: int | None = None) -> Board:
    """Every unit row of a plan (optionally of one status or one unit). Three queries."""
    units_qs = (
        TaskUnit.objects.filter(task__plan=plan)
        .select_related("task", "organisation")
        .order_by("task__seq", "position", "id")
    )
    if organisation_id is not None:
        units_qs = units_qs.filter(organisation_id=organisation_id)
    units = list(units_qs)
    for unit in units:
        unit.task.plan = plan  # already loaded: no query per row
    rows = _rows(units, today, Q(task_unit__task__plan=plan))
    if status:
        rows = [r for r in rows if r.status == status]
    tasks = list(plan.tasks.order_by("seq"))
    return Board(plan=plan, today=today, rows=rows, tasks=tasks)


# --- a unit's own view ----------------------------------------------------------------


def units_in_scope(user: AnyUser) -> QuerySet[Organisation]:
    """The bodies the user sees (Perm.ORG_VIEW) that are responsible for at least one task."""
    has_tasks = Exists(TaskUnit.objects.filter(organisation=OuterRef("pk")))
    return organisations_where(user, Perm.ORG_VIEW).filter(has_tasks).order_by("path")


def unit_rows_for(
    user: AnyUser, *, organisation: Organisation, today: dt.date, plan: TaskPlan | None = None
) -> list[UnitRow]:
    """A unit's to-do: its own tasks only, in every plan (or one), newest plan first.
    Raises Organisation.DoesNotExist when the user may not see the unit."""
    if not organisations_where(user, Perm.ORG_VIEW).filter(pk=organisation.pk).exists():
        raise Organisation.DoesNotExist("没有该单位，或您无权查看。")
    units_qs = (
        TaskUnit.objects.filter(organisation=organisation)
        .select_related("task", "task__plan", "organisation")
        .order_by("-task__plan__year", "task__plan_id", "task__seq")
    )
    reports_of = Q(task_unit__organisation=organisation)
    if plan is not None:
        units_qs = units_qs.filter(task__plan=plan)
        reports_of &= Q(task_unit__task__plan=plan)
    rows = _rows(list(units_qs), today, reports_of)
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(rows, key=lambda r: (-r.task.plan.year, order[r.status], r.task.seq))


def unit_for(user: AnyUser, pk: int) -> TaskUnit:
    """A task unit the user may see: their own unit's, or any of a plan they oversee."""
    unit = (
        TaskUnit.objects.select_related("task", "task__plan", "task__plan__issuer", "organisation")
        .filter(pk=pk)
        .first()
    )
    if unit is None or not _may_see_unit(user, unit):
        raise TaskUnit.DoesNotExist(f"没有编号为 {pk} 的任务单位，或您无权查看。")
    return unit


def _may_see_unit(user: AnyUser, unit: TaskUnit) -> bool:
    if can_oversee(user, unit.task.plan):
        return True
    organisation = unit.organisation
    return organisation is not None and organisations_where(user, Perm.ORG_VIEW).filter(pk=organisation.pk).exists()


def task_for(user: AnyUser, pk: int, *, today: dt.date) -> tuple[Task, list[UnitRow]]:
    """A task with the unit rows the user may see: all of them for the office and
    supervisors, else only the rows of the user's own units."""
    task = Task.objects.select_related("plan", "plan__issuer", "plan__issuer__parent").filter(pk=pk).first()
    if task is None:
        raise Task.DoesNotExist(f"没有编号为 {pk} 的任务，或您无权查看。")
    units_qs = task.units.select_related("organisation").order_by("position", "id")
    if not can_oversee(user, task.plan):
        units_qs = units_qs.filter(organisation__in=organisations_where(user, Perm.ORG_VIEW))
    units = list(units_qs)
    if not units and not can_oversee(user, task.plan):
        raise Task.DoesNotExist(f"没有编号为 {pk} 的任务，或您无权查看。")
    for unit in units:
        unit.task = task
    return task, _rows(units, today, with_evidence=True)


def report_for(user: AnyUser, pk: int) -> ProgressReport:
    report = (
        ProgressReport.objects.select_related(
            "task_unit", "task_unit__task", "task_unit__task__plan", "task_unit__task__plan__issuer", "author"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None or not _may_see_unit(user, report.task_unit):
        raise ProgressReport.DoesNotExist(f"没有编号为 {pk} 的进展报告，或您无权查看。")
    return report


def evidence_file_for(user: AnyUser, pk: int) -> Evidence:
    """An evidence file, scoped like its report: the unit's own staff, the office and the
    supervisors of the plan. A link or an item (no file) does not exist here."""
    piece = (
        Evidence.objects.select_related(
            "report__task_unit__organisation", "report__task_unit__task__plan__issuer__parent"
        )
        .filter(pk=pk)
        .exclude(file="")
        .first()
    )
    if piece is None or not _may_see_unit(user, piece.report.task_unit):
        raise Evidence.DoesNotExist(f"没有编号为 {pk} 的佐证材料，或您无权查看。")
    return piece


def evidence_items(organisation: Organisation, refs: Sequence[str]) -> tuple[list[InfoItem], list[str]]:
    """Published items named by id or index number (索引号); the refs that match none."""
    found: list[InfoItem] = []
    missing: list[str] = []
    for ref in refs:
        ref = ref.strip()
        if not ref:
            continue
        condition = Q(index_number=ref)
        if ref.isdigit():
            condition |= Q(pk=int(ref))
        item = InfoItem.objects.filter(condition, is_live=True).first()
        if item is None:
            missing.append(ref)
        else:
            found.append(item)
    return found, missing


def recent_items_of(organisation: Organisation, limit: int = 20) -> list[InfoItem]:
    """The unit's latest published items, offered as evidence in the report form."""
    return list(
        InfoItem.objects.filter(organisation__path__startswith=organisation.path, is_live=True)
        .order_by("-published_at", "-id")
        .only("id", "title", "index_number", "published_at")[:limit]
    )


# --- look-back and scores -------------------------------------------------------------


def year_end(plan: TaskPlan) -> dt.date:
    return dt.date(plan.year, 12, 31)


@dataclass
class LookbackEntry:
    task: Task
    rows: list[UnitRow]
    carried: bool


def lookback(plan: TaskPlan, *, as_of: dt.date) -> list[LookbackEntry]:
    """回头看: every task with units not done as of `as_of` (at most 31 December of the
    plan's year), and whether it has been carried into a later plan already."""
    board = plan_board(plan, today=min(as_of, year_end(plan)))
    carried = set(Task.objects.filter(carried_from__plan=plan).values_list("carried_from_id", flat=True))
    by_task = board.rows_by_task()
    entries = []
    for task in board.tasks:
        unfinished = [r for r in by_task.get(task.pk, []) if r.status != UnitStatus.DONE and not r.unit.flagged]
        if unfinished:
            entries.append(LookbackEntry(task=task, rows=unfinished, carried=task.pk in carried))
    return entries


def scheme_of(plan: TaskPlan) -> scoring.Scheme:
    stored = ScoringScheme.objects.filter(plan=plan).first()
    if stored is None:
        return scoring.Scheme()
    return scoring.Scheme(
        full_score=stored.full_score,
        overdue_deduction=stored.overdue_deduction,
        returned_deduction=stored.returned_deduction,
        group_weights=scoring.parse_group_weights(stored.group_weights),
    )


@dataclass
class ScoreRow:
    label: str
    organisation_id: int | None
    score: scoring.UnitScore


def plan_scores(plan: TaskPlan, *, today: dt.date) -> list[ScoreRow]:
    """Each resolved unit's score on the plan, best first."""
    board = plan_board(plan, today=today)
    scheme = scheme_of(plan)
    facts: dict[int, list[scoring.TaskFact]] = defaultdict(list)
    labels: dict[int, str] = {}
    for row in board.rows:
        if row.unit.organisation_id is None:
            continue
        labels[row.unit.organisation_id] = row.unit.name
        facts[row.unit.organisation_id].append(
            scoring.TaskFact(
                group_no=row.task.group_no,
                weight=row.task.weight,
                status=row.status,
                percent=row.result.percent,
                late=row.result.late,
                returned_reports=row.returned,
            )
        )
    rows = [ScoreRow(labels[k], k, scoring.score_unit(v, scheme)) for k, v in facts.items()]
    return sorted(rows, key=lambda r: (-r.score.score, r.label))
