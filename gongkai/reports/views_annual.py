"""Staff pages of the annual report (/staff/reports/annual/): the bodies whose report the
user prepares, one report per body and year (figures, reconciliation checks, texts,
downloads, sending for publication), the entered Table II figures and their CSV import.

Every page needs the openness-office permission on the body (selectors.REPORT_PERM); a body
outside the scope answers 404 on every URL, GET or POST. Writes go through services; a rule
they refuse (DomainError, Chinese message) is shown on the page, never as a 500.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, OrganisationKind, User

from . import selectors, services
from .annual import render as output
from .annual.build import check_year
from .annual.formats import FIRST_YEAR
from .models import Section

LIST_PAGE_SIZE = 50
DOWNLOAD_FORMATS = (
    ("docx", gettext_lazy("Word（.docx）")),
    ("xlsx", gettext_lazy("Excel（.xlsx，每表一页）")),
    ("json", gettext_lazy("JSON 数据")),
    ("html", gettext_lazy("网页（HTML）")),
)
#: Largest figures CSV accepted (bytes).
MAX_UPLOAD = 2 * 1024 * 1024
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def _body_or_404(request: HttpRequest, pk: int) -> Organisation:
    try:
        return selectors.report_body_for(request.user, pk)
    except Organisation.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


def _today() -> dt.date:
    return timezone.localdate()


def _departments(request: HttpRequest) -> bool:
    return (request.POST.get("departments") or request.GET.get("departments")) == "1"


def publication_due(org: Organisation, year: int) -> dt.date:
    """条例第四十九条: departments publish by 31 January, governments by 31 March."""
    if org.kind == OrganisationKind.GOVERNMENT:
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def _years(today: dt.date) -> list[int]:
    return list(range(today.year, FIRST_YEAR - 1, -1))


class TextsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for section in Section:
            self.fields[section.value] = forms.CharField(
                label=section.label,
                required=False,
                max_length=services.MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=gettext_lazy("留空则使用根据数据生成的草稿。"),
            )


class FiguresForm(forms.Form):
    licensing_decisions = forms.IntegerField(label=gettext_lazy("行政许可本年处理决定数量"), min_value=0)
    penalty_decisions = forms.IntegerField(label=gettext_lazy("行政处罚本年处理决定数量"), min_value=0)
    enforcement_decisions = forms.IntegerField(label=gettext_lazy("行政强制本年处理决定数量"), min_value=0)
    fee_amount = forms.DecimalField(
        label=gettext_lazy("行政事业性收费本年收费金额（万元）"), min_value=0, max_digits=14, decimal_places=4
    )
    procurement_projects = forms.IntegerField(
        label=gettext_lazy("政府集中采购项目数量（仅2019年版）"), min_value=0, required=False
    )
    procurement_amount = forms.DecimalField(
        label=gettext_lazy("政府集中采购总金额（万元，仅2019年版）"),
        min_value=0,
        max_digits=14,
        decimal_places=4,
        required=False,
    )


class FiguresUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV 文件"), help_text=gettext_lazy("UTF-8 或 GBK 编码，最大 2 MB"))


@login_required
def annual_index(request: HttpRequest) -> HttpResponse:
    """The bodies whose report the user prepares, with links to each year's report."""
    today = _today()
    bodies = selectors.report_bodies_for(request.user)
    chosen_org, chosen_year = request.GET.get("org", ""), request.GET.get("year", "")
    if chosen_org.isdigit() and chosen_year.isdigit():
        org = _body_or_404(request, int(chosen_org))
        return redirect(_detail_url(org.pk, int(chosen_year), _departments(request)))
    page = Paginator(bodies, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(selectors.reports_for(request.user)[:LIST_PAGE_SIZE])
    return render(
        request,
        "reports/annual/index.html",
        {
            "page": page,
            "years": _years(today),
            "recent": [today.year - 1, today.year - 2, today.year],
            "default_year": today.year - 1,
            "reports": reports,
        },
    )


def _detail_context(request: HttpRequest, org: Organisation, year: int, departments: bool) -> dict[str, object]:
    view = selectors.report_view(org, year, with_departments=departments, today=_today())
    grids = output.grids(view.figures, view.fmt)
    return {
        "org": org,
        "year": year,
        "departments": departments,
        "has_departments": org.children.exists(),
        "view": view,
        "report": view.report,
        "locked": view.report is not None and view.report.is_locked,
        "grids": grids,
        "failing": view.failing,
        "title": output.report_title(org.name, year),
        "download_formats": DOWNLOAD_FORMATS,
        "due": publication_due(org, year),
        "text_sections": [(section.label, view.texts[section.value]) for section in Section],
    }


@login_required
def annual_detail(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = _body_or_404(request, org_id)
    departments = _departments(request)
    try:
        check_year(year, today=_today())
    except DomainError as exc:
        return render(request, "reports/annual/refused.html", {"org": org, "message": str(exc)}, status=404)
    context = _detail_context(request, org, year, departments)
    view = context["view"]
    assert isinstance(view, selectors.ReportView)  # noqa: S101
    initial = {**view.texts, "version": view.report.version if view.report else None}
    form = TextsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        texts = {s.value: form.cleaned_data[s.value] for s in Section}
        try:
            services.annual_report_save(
                actor=_user(request),
                organisation=org,
                year=year,
                with_departments=departments,
                texts=texts,
                today=_today(),
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("年度报告的文字部分已保存。"))
            return redirect(_detail_url(org.pk, year, departments))
    context["form"] = form
    return render(request, "reports/annual/detail.html", context)


def _detail_url(org_id: int, year: int, departments: bool) -> str:
    url = reverse("reports:annual_detail", args=[org_id, year])
    return f"{url}?departments=1" if departments else url


@login_required
@require_POST
def annual_publish(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = _body_or_404(request, org_id)
    departments = _departments(request)
    try:
        report = services.annual_report_publish(
            actor=_user(request), organisation=org, year=year, with_departments=departments, today=_today()
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已送审：年度报告已作为信息“%(title)s”提交审核，审核通过后在年报栏目发布。")
            % {"title": report.item.title if report.item else ""},
        )
    return redirect(_detail_url(org.pk, year, departments))


@login_required
def annual_download(request: HttpRequest, org_id: int, year: int, fmt: str) -> HttpResponse:
    org = _body_or_404(request, org_id)
    if fmt not in CONTENT_TYPES:
        raise Http404(_("不支持的格式。"))
    departments = _departments(request)
    try:
        view = selectors.report_view(org, year, with_departments=departments, today=_today())
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    title = output.report_title(org.name, year)
    if fmt == "json":
        data: bytes = output.to_json(view.figures).encode()
    elif fmt == "html":
        data = output.to_html(view.figures, view.texts, view.fmt, title=title).encode()
    elif fmt == "docx":
        data = output.to_docx(view.figures, view.texts, view.fmt, title=title)
    else:
        data = output.to_xlsx(view.figures, view.fmt, title=title)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    suffix = "-含所属部门" if departments else ""
    filename = f"{org.name}{year}年政府信息公开工作年度报告{suffix}.{fmt}"
    disposition = "inline" if fmt in ("json", "html") else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def annual_figures_edit(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = _body_or_404(request, org_id)
    try:
        check_year(year, today=_today())
    except DomainError as exc:
        return render(request, "reports/annual/refused.html", {"org": org, "message": str(exc)}, status=404)
    current = selectors.annual_figures(org, year)
    initial = (
        {f: getattr(current, f) for f in services.FIGURE_FIELDS}
        if current
        else dict.fromkeys(services.FIGURE_FIELDS, 0)
    )
    form = FiguresForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] or 0 for f in services.FIGURE_FIELDS}
        try:
            services.annual_figures_save(actor=_user(request), organisation=org, year=year, today=_today(), **values)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("表二自填数据已保存。"))
            return redirect("reports:annual_detail", org.pk, year)
    return render(request, "reports/annual/figures_form.html", {"org": org, "year": year, "form": form})


@login_required
def annual_figures_import(request: HttpRequest) -> HttpResponse:
    if not selectors.report_bodies_for(request.user).exists():
        return render(request, "staff/forbidden.html", {"message": _("您没有填报年报数据的权限。")}, status=403)
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("文件超过 2 MB。"))
        else:
            try:
                table = services.read_figures_csv(upload.read())
                result = services.annual_figures_import(actor=_user(request), table=table, today=_today())
            except services.FiguresInvalid as exc:
                errors = exc.errors
            except DomainError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("导入完成：新增 %(created)d 条，更新 %(updated)d 条。")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("reports:annual_index")
    return render(
        request,
        "reports/annual/figures_import.html",
        {"form": form, "errors": errors, "columns": services.FIGURES_CSV_COLUMNS},
    )
