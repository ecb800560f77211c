"""The statistics page of the staff workspace (公开工作统计) and its .xlsx downloads.

Read-only. The figures are scoped in statistics.statistics_scope: the openness office sees its
bodies, a supervisor the bodies of the assignment; a user who is neither gets 403, an
anonymous visitor the login page."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.core.models import Organisation

from . import charts
from .statistics import Filters, Statistics, statistics_scope
from .statistics.forms import StatisticsForm
from .statistics.tables import BUILDERS, Table, format_cell
from .statistics.xlsx import XLSX, attachment_header, workbook


@dataclass(frozen=True, slots=True)
class Section:
    """A table of the page with the chart drawn from the same figures."""

    table: Table
    chart: SafeString | None


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _("公开工作统计仅供政府信息公开工作机构人员和监督员查看，您没有相应的角色。")
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def _scope_label(filters: Filters, scope: list[Organisation]) -> str:
    org = filters.organisation
    if org is None:
        return scope[0].name if len(scope) == 1 else _("全部机构")
    return _("%(name)s及下级机构") % {"name": org.name} if filters.descendants else org.name


def _chart_label(org: Organisation | None) -> str:
    """A body as a chart names it: the short name (通川区) when it has one."""
    return "" if org is None else org.short_name or org.name


def _charts(stats: Statistics) -> dict[str, SafeString]:
    months = stats.by_month
    multi_year = len({m.month.year for m in months}) > 1
    categories = [f"{m.month:%Y-%m}" if multi_year else f"{m.month.month}月" for m in months]
    mix = stats.results
    replies = sorted(
        (r for r in stats.replies if r.organisation is not None and r.with_due),
        key=lambda r: (r.on_time_rate or 0, -r.with_due),
    )
    days = sorted(
        (r for r in stats.replies if r.organisation is not None and r.replied),
        key=lambda r: -(r.average_workdays or 0),
    )
    overdue = sorted((r for r in stats.overdue if r.overdue), key=lambda r: -r.overdue)
    items = sorted((r for r in stats.items_per_body if r.published), key=lambda r: -r.published)
    art26 = sorted(
        (r for r in stats.art26 if r.organisation is not None and r.decided),
        key=lambda r: (r.on_time_rate or 0, -r.decided),
    )

    return {
        "monthly": charts.line_chart(
            chart_id="chart-monthly",
            title=_("每月收到和答复的申请"),
            categories=categories,
            series=[
                charts.Series(_("收到申请"), [m.received for m in months]),
                charts.Series(_("答复"), [m.replied for m in months]),
            ],
        ),
        "results": charts.stacked_bar_chart(
            chart_id="chart-results",
            title=_("办理结果构成"),
            labels=[_("全部办结申请")],
            series=[charts.Series(group, [n]) for group, n in mix.groups],
            empty=_("统计期间没有办结的申请"),
        ),
        "replies": charts.bar_chart(
            chart_id="chart-replies",
            title=_("按时答复率（由低到高）"),
            labels=[_chart_label(r.organisation) for r in replies],
            values=[r.on_time_rate for r in replies],
            value_label=charts.percent,
            maximum=1,
            empty=_("统计期间没有记录了答复期限的答复"),
        ),
        "workdays": charts.bar_chart(
            chart_id="chart-workdays",
            title=_("平均答复工作日（由多到少）"),
            labels=[_chart_label(r.organisation) for r in days],
            values=[float(r.average_workdays) if r.average_workdays is not None else None for r in days],
            colour=charts.PALETTE[3],
            empty=_("统计期间没有答复"),
        ),
        "overdue": charts.bar_chart(
            chart_id="chart-overdue",
            title=_("逾期未答复申请（件）"),
            labels=[_chart_label(r.organisation) for r in overdue],
            values=[r.overdue for r in overdue],
            colour=charts.PALETTE[1],
            empty=_("没有逾期未答复的申请"),
        ),
        "items-body": charts.bar_chart(
            chart_id="chart-items-body",
            title=_("主动公开信息发布数（按机构）"),
            labels=[_chart_label(r.organisation) for r in items],
            values=[r.published for r in items],
            colour=charts.PALETTE[2],
            empty=_("统计期间没有发布主动公开信息"),
        ),
        "items-column": charts.bar_chart(
            chart_id="chart-items-column",
            title=_("主动公开信息发布数（按栏目）"),
            labels=[r.title for r in stats.items_per_column],
            values=[r.published for r in stats.items_per_column],
            colour=charts.PALETTE[6],
            empty=_("统计期间没有发布主动公开信息"),
        ),
        "art26": charts.bar_chart(
            chart_id="chart-art26",
            title=_("主动公开按时率（由低到高）"),
            labels=[_chart_label(r.organisation) for r in art26],
            values=[r.on_time_rate for r in art26],
            value_label=charts.percent,
            maximum=1,
            colour=charts.PALETTE[4],
            empty=_("统计期间没有到期的主动公开信息"),
        ),
    }


def _summary(stats: Statistics) -> list[tuple[str, str, str]]:
    """The key figures above the sections: (label, figure, unit)."""
    replies = stats.replies_total
    return [
        (_("收到申请"), str(sum(m.received for m in stats.by_month)), _("件")),
        (_("答复"), str(sum(m.replied for m in stats.by_month)), _("件")),
        (_("按时答复率"), format_cell(replies.on_time_rate, "percent"), ""),
        (_("平均答复工作日"), format_cell(replies.average_workdays, "decimal"), ""),
        (_("逾期未答复"), str(sum(r.overdue for r in stats.overdue)), _("件")),
        (_("主动公开发布"), str(sum(r.published for r in stats.items_per_body)), _("条")),
        (_("主动公开按时率"), format_cell(stats.art26_total.on_time_rate, "percent"), ""),
    ]


@login_required
@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    scope = statistics_scope(request.user)
    if not scope:
        return _forbidden(request)
    today = timezone.localdate()
    form = StatisticsForm(request.GET or None, scope=scope, today=today)
    context: dict[str, object] = {"form": form, "query": request.GET.urlencode()}
    if form.is_bound and not form.is_valid():
        return render(request, "reports/statistics/page.html", context)
    filters = form.filters()
    stats = Statistics(bodies=filters.bodies(scope), period=filters.period, today=today)
    drawn = _charts(stats)
    sections = {key.replace("-", "_"): Section(build(stats), drawn.get(key)) for key, build in BUILDERS.items()}
    context.update(
        {
            "filters": filters,
            "scope_label": _scope_label(filters, scope),
            "stats": stats,
            "sections": sections,
            "workdays_chart": drawn["workdays"],
            "summary": _summary(stats),
            "today": today,
        }
    )
    return render(request, "reports/statistics/page.html", context)


@login_required
@require_safe
def statistics_export(request: HttpRequest, table: str) -> HttpResponse:
    build = BUILDERS.get(table)
    if build is None:
        raise Http404(_("没有这张统计表。"))
    scope = statistics_scope(request.user)
    if not scope:
        return _forbidden(request)
    today = timezone.localdate()
    form = StatisticsForm(request.GET or None, scope=scope, today=today)
    if form.is_bound and not form.is_valid():
        raise Http404(_("筛选条件有误，请回到统计页面重新选择。"))
    filters = form.filters()
    stats = Statistics(bodies=filters.bodies(scope), period=filters.period, today=today)
    result = build(stats)
    scope_label = _scope_label(filters, scope)
    heading = f"{result.title}（{scope_label}，{filters.period.label}）"
    response = HttpResponse(workbook(result, heading=heading), content_type=XLSX)
    name = f"{result.title}_{scope_label}_{filters.period.slug}.xlsx"
    response["Content-Disposition"] = attachment_header(name, f"statistics-{table}-{filters.period.slug}.xlsx")
    return response
