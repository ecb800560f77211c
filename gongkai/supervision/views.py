"""Staff pages of the key-task supervision: the office's dashboards, a unit's to-do, the
report form and the office's review of reports. Reads go through selectors (a plan or task
outside the user's scope answers 404), writes through services."""

import datetime as dt
import mimetypes
from collections.abc import Callable
from functools import wraps
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import Organisation, OrganisationKind, User
from gongkai.web.views import content_disposition

from . import excel, selectors, services
from .access import can_manage, can_oversee, plan_government, reporter_role
from .forms import AcceptForm, ReportForm, ResolveForm, ReturnForm, ScoringForm
from .models import Evidence, ProgressReport, ScoringScheme, Task, TaskPlan, TaskUnit
from .status import UnitStatus

View = Callable[..., HttpResponse]
# Types a browser would run or render as a page of this site: sent as plain downloads.
_ACTIVE_TYPES = ("text/", "application/xhtml+xml", "image/svg+xml", "application/xml", "application/javascript")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def _today() -> dt.date:
    return timezone.localdate()


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def _not_found_as_404(view: View) -> View:
    """A plan, task, unit or report outside the user's scope looks like one that does not exist."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (
            TaskPlan.DoesNotExist,
            Task.DoesNotExist,
            TaskUnit.DoesNotExist,
            ProgressReport.DoesNotExist,
            Organisation.DoesNotExist,
        ) as exc:
            raise Http404(str(exc)) from exc
        except NotPermitted as exc:
            return _forbidden(request, str(exc))

    return wrapped


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _statuses() -> list[tuple[str, str]]:
    return [(str(s), str(UnitStatus(s).label)) for s in selectors.STATUS_ORDER]


# --- plans and dashboards -------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_for(request.user)
    has_units = selectors.units_in_scope(request.user).exists()
    return render(request, "supervision/plan_list.html", {"plans": plans, "has_units": has_units})


@login_required
@_not_found_as_404
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    board = selectors.plan_board(plan, today=_today())
    return render(
        request,
        "supervision/dashboard.html",
        {
            "plan": plan,
            "board": board,
            "statuses": _statuses(),
            "by_status": board.by_status(),
            "groups": board.by_group(),
            "units": board.by_unit(),
            "pending": board.pending_reports()[:50],
            "flagged": board.flagged(),
            "can_manage": can_manage(request.user, plan),
        },
    )


def _rows_page(request: HttpRequest, plan: TaskPlan, *, status: str, title: str) -> HttpResponse:
    unit = request.GET.get("unit", "")
    group = request.GET.get("group", "")
    board = selectors.plan_board(
        plan, today=_today(), status=status, organisation_id=int(unit) if unit.isdigit() else None
    )
    rows = board.rows
    if group.isdigit():
        rows = [r for r in rows if (r.task.group_no or 0) == int(group)]
    return render(
        request,
        "supervision/rows.html",
        {"plan": plan, "rows": rows, "title": title, "status": status, "statuses": _statuses(), "today": board.today},
    )


@login_required
@_not_found_as_404
def plan_rows(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    status = request.GET.get("status", "")
    if status and status not in UnitStatus.values:
        status = ""
    title = f"{UnitStatus(status).label}的任务" if status else "全部任务单位"
    return _rows_page(request, plan, status=status, title=title)


@login_required
@_not_found_as_404
def overdue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    return _rows_page(request, plan, status=UnitStatus.OVERDUE, title="逾期任务")


@login_required
@_not_found_as_404
def unit_tasks(request: HttpRequest, pk: int, org_id: int) -> HttpResponse:
    """The office's view of one unit's tasks in a plan."""
    plan = selectors.plan_for(request.user, pk)
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404("没有该单位。")
    board = selectors.plan_board(plan, today=_today(), organisation_id=org.pk)
    return render(
        request,
        "supervision/rows.html",
        {
            "plan": plan,
            "rows": board.rows,
            "title": f"{org.display_short_name}的任务",
            "status": "",
            "statuses": _statuses(),
            "today": board.today,
        },
    )


@login_required
@_not_found_as_404
def export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    board = selectors.plan_board(plan, today=_today())
    return _xlsx(excel.plan_workbook(board), f"key-tasks-{plan.year}-{plan.pk}.xlsx")


# --- a unit's to-do -------------------------------------------------------------------


@login_required
@_not_found_as_404
def my_tasks(request: HttpRequest) -> HttpResponse:
    """A unit's own to-do: the tasks of one unit the user belongs to, nothing else."""
    units = list(selectors.units_in_scope(request.user)[:200])
    chosen = request.GET.get("unit", "")
    org = next((u for u in units if str(u.pk) == chosen), units[0] if units else None)
    rows = selectors.unit_rows_for(request.user, organisation=org, today=_today()) if org is not None else []
    return render(
        request,
        "supervision/my_tasks.html",
        {
            "units": units,
            "org": org,
            "rows": rows,
            "can_report": org is not None and reporter_role(request.user, org) is not None,
        },
    )


@login_required
@_not_found_as_404
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task, rows = selectors.task_for(request.user, pk, today=_today())
    manage = can_manage(request.user, task.plan)
    reportable = {r.unit.pk for r in rows if r.unit.organisation and reporter_role(request.user, r.unit.organisation)}
    return render(
        request,
        "supervision/task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "rows": rows,
            "can_manage": manage,
            "oversee": can_oversee(request.user, task.plan),
            "reportable": reportable,
            "return_form": ReturnForm(),
        },
    )


@login_required
@_not_found_as_404
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    org = unit.organisation
    if org is None:
        return _forbidden(request, "该责任单位尚待公开办确认为具体机构，暂不能报送。")
    if reporter_role(request.user, org) is None:
        return _forbidden(request, f"您不是“{org.name}”的信息员或公开办人员，不能报送该单位的任务进展。")
    recent = selectors.recent_items_of(org)
    form = ReportForm(request.POST or None, request.FILES or None, recent_items=recent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items, missing = selectors.evidence_items(org, data["item_refs_list"])
        if missing:
            form.add_error("item_refs", f"找不到已发布的信息：{'、'.join(missing)}。")
        else:
            try:
                services.report_submit(
                    actor=_user(request),
                    task_unit=unit,
                    text=data["text"],
                    percent=data["percent"],
                    milestone=data["milestone"],
                    completed=data["completed"],
                    items=items,
                    urls=data["url_list"],
                    files=data["attachments"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "进展已报送。")
                return redirect("supervision:task_detail", pk=unit.task_id)
    reports = list(
        unit.reports.select_related("author").prefetch_related("evidence").order_by("-submitted_at", "-id")[:20]
    )
    return render(
        request, "supervision/report_form.html", {"unit": unit, "task": unit.task, "form": form, "reports": reports}
    )


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file of a report, to whoever may see the report (404 otherwise). The
    uploads folder is never served; always a download, never rendered by the browser."""
    try:
        piece = selectors.evidence_file_for(request.user, pk)
    except Evidence.DoesNotExist as exc:
        raise Http404(str(exc)) from exc
    name = piece.title or PurePath(piece.file.name).name
    try:
        handle = piece.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("佐证材料文件缺失。") from None
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith(_ACTIVE_TYPES):
        content_type = "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, piece.pk, extension)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the office's review --------------------------------------------------------------


@require_POST
@login_required
@_not_found_as_404
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请写明退回理由，说明需要补充哪些佐证材料。")
    else:
        try:
            services.report_return(actor=_user(request), report=report, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            messages.error(request, str(exc))
        else:
            messages.success(request, "报告已退回，已通知报送单位补充佐证材料。")
    return redirect("supervision:task_detail", pk=report.task_unit.task_id)


@require_POST
@login_required
@_not_found_as_404
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    form = AcceptForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.report_accept(actor=_user(request), report=report, comment=comment)
    except DomainError as exc:
        if isinstance(exc, NotPermitted):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, "报告已认可。")
    return redirect("supervision:task_detail", pk=report.task_unit.task_id)


@login_required
@_not_found_as_404
def unit_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    plan = unit.task.plan
    if not can_manage(request.user, plan):
        return _forbidden(request, "只有政务公开办公室人员才能确认责任单位。")
    if not unit.flagged:
        messages.info(request, "该责任单位已是具体机构。")
        return redirect("supervision:task_detail", pk=unit.task_id)
    government = plan_government(plan.issuer)
    queryset = Organisation.objects.filter(
        Q(parent=government), ~Q(kind__in=[OrganisationKind.GOVERNMENT, OrganisationKind.DEVELOPMENT_ZONE])
    ).order_by("position", "path")
    form = ResolveForm(request.POST or None, queryset=queryset)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_unit_resolve(
                actor=_user(request), task_unit=unit, organisations=list(form.cleaned_data["organisations"])
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已确认“{unit.name}”对应的机构。")
            return redirect("supervision:task_detail", pk=unit.task_id)
    return render(request, "supervision/unit_resolve.html", {"unit": unit, "task": unit.task, "form": form})


# --- look-back and scores -------------------------------------------------------------


@login_required
@_not_found_as_404
def lookback(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    today = _today()
    if request.method == "POST":
        try:
            result = services.plan_carry_over(actor=_user(request), plan=plan, as_of=today)
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"已结转 {result.tasks} 项任务、{result.units} 个任务单位到“{result.plan.title}”。"
            )
        return redirect("supervision:lookback", pk=plan.pk)
    entries = selectors.lookback(plan, as_of=today)
    return render(
        request,
        "supervision/lookback.html",
        {
            "plan": plan,
            "entries": entries,
            "as_of": min(today, selectors.year_end(plan)),
            "can_manage": can_manage(request.user, plan),
            "carry_open": today >= dt.date(plan.year, 12, 1),
            "pending": sum(1 for e in entries if not e.carried),
        },
    )


@login_required
@_not_found_as_404
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    manage = can_manage(request.user, plan)
    scheme = ScoringScheme.objects.filter(plan=plan).first()
    groups = sorted(
        {(t.group_no, t.group) for t in plan.tasks.exclude(group_no=None).only("group_no", "group")},
        key=lambda g: g[0] or 0,
    )
    group_list = [(int(n or 0), title) for n, title in groups]
    form = ScoringForm(request.POST or None, groups=group_list, scheme=scheme)
    if request.method == "POST":
        if not manage:
            return _forbidden(request, "只有政务公开办公室人员才能修改评分办法。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.scoring_update(
                    actor=_user(request),
                    plan=plan,
                    full_score=data["full_score"],
                    overdue_deduction=data["overdue_deduction"],
                    returned_deduction=data["returned_deduction"],
                    group_weights=form.group_weights(),
                    task_weights=data["task_weights"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "评分办法已保存。")
                return redirect("supervision:scores", pk=plan.pk)
    rows = selectors.plan_scores(plan, today=_today())
    return render(
        request,
        "supervision/scores.html",
        {"plan": plan, "rows": rows, "form": form, "can_manage": manage, "today": _today()},
    )


@login_required
@_not_found_as_404
def scores_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    today = _today()
    rows = selectors.plan_scores(plan, today=today)
    return _xlsx(excel.scores_workbook(plan.title, rows, as_of=today.isoformat()), f"scores-{plan.year}-{plan.pk}.xlsx")
