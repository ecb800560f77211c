"""Staff pages for the request desk's letters: the letters of a request (issue, download), the
office's templates (download, upload, reset, placeholders) and the prefix of the letter series.

Every page needs a signed-in user with 办理依申请公开 (Perm.REQUEST_HANDLE) on the body; a body or
request outside that scope answers 404, as if it did not exist. Writes go through
letter_services. URL names are looked up in the namespace this module is included under (see
letter_urls), so the desk may mount it wherever it likes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import Perm, organisations_where

from . import letter_services, letters, selectors
from .fees import FeeMethod
from .models.choices import ResultCode
from .models.letters import Letter, LetterKind, LetterSeries, LetterTemplate
from .models.requests import DisclosureRequest

R = TypeVar("R", bound=HttpResponseBase)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- reads, scoped to the bodies where the user handles requests ---------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def handled_organisations(user: Any) -> QuerySet[Organisation]:
    return organisations_where(user, Perm.REQUEST_HANDLE).order_by("path")


def _organisation(request: HttpRequest, org_id: int) -> Organisation:
    org = handled_organisations(request.user).select_related("parent").filter(pk=org_id).first()
    if org is None:
        raise Http404("没有这个机构，或您无权办理其政府信息公开申请。")
    return org


def _disclosure_request(request: HttpRequest, request_id: int) -> DisclosureRequest:
    try:
        return selectors.request_for_desk(user=request.user, pk=request_id)
    except DisclosureRequest.DoesNotExist:
        raise Http404("没有这个申请，或您无权办理。") from None


def _letter(request: HttpRequest, letter_id: int) -> Letter:
    try:
        return selectors.letter_for_reading(user=request.user, pk=letter_id)
    except Letter.DoesNotExist:
        raise Http404("没有这份文书，或您无权查看。") from None


def _url(request: HttpRequest, name: str, *args: Any) -> str:
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return reverse(f"{namespace}:{name}" if namespace else name, args=args)


def _slot(key: str) -> tuple[str, str]:
    try:
        return letters.slot_for_key(key)
    except ValueError:
        raise Http404("没有这种文书模板。") from None


def _attachment(filename: str) -> str:
    return content_disposition_header(True, filename) or "attachment"


def _private(response: R) -> R:
    """Letters carry the requester's name and address: never cached by shared caches."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- forms ------------------------------------------------------------------------------------


class LetterIssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书类型"), choices=LetterKind.choices)
    result_code = forms.ChoiceField(
        label=_("办理结果（答复书）"), choices=[("", "—"), *list(ResultCode.choices)], required=False
    )
    decision = forms.CharField(
        label=_("答复意见（答复书，留空用标准表述）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(
        label=_("理由（部分公开、其他处理；延期答复留空则用批准延期时的理由）"), max_length=500, required=False
    )
    correction_items = forms.CharField(
        label=_("需要补正的事项（补正通知书）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    respond_by = forms.DateField(
        label=_("补正期限或第三方提出意见期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    third_party_name = forms.CharField(label=_("第三方名称（征求第三方意见书）"), max_length=200, required=False)
    information = forms.CharField(
        label=_("征求意见所涉信息（留空用申请内容）"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fee_method = forms.ChoiceField(
        label=_("计收方式（收费通知书）"), choices=[("", "—"), *list(FeeMethod.choices)], required=False
    )
    fee_items = forms.IntegerField(label=_("件数（按件）"), min_value=1, required=False)
    fee_earlier_items = forms.IntegerField(label=_("本月此前已申请件数（按件）"), min_value=0, required=False)
    fee_pages = forms.IntegerField(label=_("页数（按量）"), min_value=1, required=False)
    pay_by = forms.DateField(label=_("缴费期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    payment_info = forms.CharField(label=_("缴费方式"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        need: dict[str, str] = {}
        if kind == LetterKind.REPLY and not data.get("result_code"):
            need["result_code"] = "答复书须选择办理结果。"
        if kind == LetterKind.CORRECTION:
            if not data.get("correction_items"):
                need["correction_items"] = "请写明需要补正的事项（条例第三十条）。"
            if not data.get("respond_by"):
                need["respond_by"] = "请填写补正期限。"
        if kind == LetterKind.THIRD_PARTY and not data.get("third_party_name"):
            need["third_party_name"] = "请填写第三方名称。"
        if kind == LetterKind.FEE:
            method = data.get("fee_method")
            if not method:
                need["fee_method"] = "请选择按件或按量计收。"
            elif method == FeeMethod.BY_ITEM and not data.get("fee_items"):
                need["fee_items"] = "按件计收请填写件数。"
            elif method == FeeMethod.BY_VOLUME and not data.get("fee_pages"):
                need["fee_pages"] = "按量计收请填写页数。"
            if method == FeeMethod.BY_ITEM and data.get("fee_pages"):
                need["fee_pages"] = "同一申请只能按件或按量中的一种方式计收。"
            if method == FeeMethod.BY_VOLUME and (data.get("fee_items") or data.get("fee_earlier_items")):
                need["fee_items"] = "同一申请只能按件或按量中的一种方式计收。"
        for field, message in need.items():
            self.add_error(field, message)
        return data

    def extra(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        extra: dict[str, Any] = {}
        for name in ("reason", "correction_items", "respond_by", "third_party_name", "information", "pay_by"):
            if data.get(name):
                extra[name] = data[name]
        if kind == LetterKind.REPLY and data.get("decision"):
            extra["decision"] = data["decision"]
        if kind == LetterKind.FEE:
            if data.get("payment_info"):
                extra["payment_info"] = data["payment_info"]
            if data["fee_method"] == FeeMethod.BY_ITEM:
                extra["fee"] = {
                    "method": FeeMethod.BY_ITEM,
                    "items": data["fee_items"],
                    "earlier_items_this_month": data.get("fee_earlier_items") or 0,
                }
            else:
                extra["fee"] = {"method": FeeMethod.BY_VOLUME, "pages": data["fee_pages"]}
        return extra


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("Word 模板（.docx）"), widget=forms.ClearableFileInput(attrs={"accept": ".docx"}))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > letter_services.MAX_TEMPLATE_BYTES:
            raise forms.ValidationError("模板文件不能超过 5 MB。")
        return upload


class SeriesForm(forms.Form):
    number_prefix = forms.CharField(
        label=_("发文字号前缀"),
        max_length=letter_services.PREFIX_MAX,
        help_text=_("机关代字加类别，如“达市府办信复”。年份〔2026〕和序号由系统自动生成。"),
    )

    def clean_number_prefix(self) -> str:
        try:
            return letter_services.check_prefix(self.cleaned_data["number_prefix"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from None


# --- the letters of a request ----------------------------------------------------------------


@login_required
def request_letters(request: HttpRequest, request_id: int) -> HttpResponse:
    """The letters issued on one request, with downloads, and the form to issue the next one."""
    req = _disclosure_request(request, request_id)
    form = LetterIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = letter_services.letter_issue(
                actor=_user(request),
                request=req,
                kind=form.cleaned_data["kind"],
                result_code=form.cleaned_data.get("result_code") or "",
                extra=form.extra(),
            )
        except NotPermitted as exc:
            return render(request, "staff/forbidden.html", {"message": str(exc)}, status=403)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已生成{letter.get_kind_display()}，文号 {letter.number}。")
            return redirect(_url(request, "request_letters", req.pk))
    issued = list(req.letters.select_related("issued_by").order_by("-issued_on", "-pk"))
    rows = [
        {
            "letter": letter,
            "docx_url": _url(request, "letter_download", letter.pk, "docx"),
            "pdf_url": _url(request, "letter_download", letter.pk, "pdf"),
            "result_label": ResultCode(letter.result_code).label if letter.result_code else "",
        }
        for letter in issued
    ]
    return render(
        request,
        "requests/letters/request_letters.html",
        {
            "req": req,
            "rows": rows,
            "form": form,
            "next_number": letter_services.format_number(
                letter_services.current_prefix(req.organisation, timezone.localdate().year),
                timezone.localdate().year,
                _next_seq(req.organisation, timezone.localdate()),
            ),
            "templates_url": _url(request, "letter_template_list", req.organisation_id),
        },
    )


def _next_seq(organisation: Organisation, today: dt.date) -> int:
    series = LetterSeries.objects.filter(organisation=organisation, year=today.year).first()
    return (series.last if series is not None else 0) + 1


@require_safe
@login_required
def letter_download(request: HttpRequest, letter_id: int, fmt: str) -> FileResponse:
    letter = _letter(request, letter_id)
    if fmt not in ("docx", "pdf"):
        raise Http404("没有这种格式。")
    field = letter.docx if fmt == "docx" else letter.pdf
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("文书文件缺失。") from None
    response = FileResponse(handle, content_type=DOCX_TYPE if fmt == "docx" else "application/pdf")
    response["Content-Disposition"] = _attachment(f"{letter.number}{letter.get_kind_display()}.{fmt}")
    _private(response)
    return response


# --- the office's templates and series -------------------------------------------------------


@require_safe
@login_required
def letter_home(request: HttpRequest) -> HttpResponse:
    """The bodies where the user handles requests, each with its templates and series."""
    orgs = list(handled_organisations(request.user).only("pk", "name", "depth"))
    rows = [
        {
            "org": org,
            "templates_url": _url(request, "letter_template_list", org.pk),
            "series_url": _url(request, "letter_series_edit", org.pk),
        }
        for org in orgs
    ]
    return render(request, "requests/letters/home.html", {"rows": rows})


@require_safe
@login_required
def letter_template_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _organisation(request, org_id)
    custom = {
        (t.kind, t.result_group): t
        for t in LetterTemplate.objects.filter(organisation=org).select_related("updated_by")
    }
    rows = []
    for key, kind, group, label in letters.template_slots():
        rows.append(
            {
                "key": key,
                "label": label,
                "custom": custom.get((kind, group)),
                "download_url": _url(request, "letter_template_download", org.pk, key),
                "upload_url": _url(request, "letter_template_upload", org.pk, key),
                "reset_url": _url(request, "letter_template_reset", org.pk, key),
            }
        )
    return render(
        request,
        "requests/letters/template_list.html",
        {
            "org": org,
            "rows": rows,
            "placeholders": letters.PLACEHOLDERS,
            "series_url": _url(request, "letter_series_edit", org.pk),
        },
    )


@require_safe
@login_required
def letter_template_download(request: HttpRequest, org_id: int, key: str) -> HttpResponse:
    org = _organisation(request, org_id)
    kind, group = _slot(key)
    custom = LetterTemplate.objects.filter(organisation=org, kind=kind, result_group=group).first()
    if custom is not None:
        with custom.file.open("rb") as fh:
            data = fh.read()
    else:
        data = letters.default_template(kind, group)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = _attachment(f"{key}.docx")
    return _private(response)


@login_required
def letter_template_upload(request: HttpRequest, org_id: int, key: str) -> HttpResponse:
    org = _organisation(request, org_id)
    kind, group = _slot(key)
    label = next(s[3] for s in letters.template_slots() if s[0] == key)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            letter_services.letter_template_save(
                actor=_user(request),
                organisation=org,
                kind=kind,
                result_group=group,
                data=upload.read(),
                original_name=str(upload.name),
            )
        except NotPermitted as exc:
            return render(request, "staff/forbidden.html", {"message": str(exc)}, status=403)
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"{label}模板已更新，此后生成的文书使用新模板。")
            return redirect(_url(request, "letter_template_list", org.pk))
    return render(
        request,
        "requests/letters/template_upload.html",
        {
            "org": org,
            "label": label,
            "form": form,
            "download_url": _url(request, "letter_template_download", org.pk, key),
            "list_url": _url(request, "letter_template_list", org.pk),
            "placeholders": letters.PLACEHOLDERS,
        },
    )


@require_POST
@login_required
def letter_template_reset(request: HttpRequest, org_id: int, key: str) -> HttpResponse:
    org = _organisation(request, org_id)
    kind, group = _slot(key)
    try:
        changed = letter_services.letter_template_reset(
            actor=_user(request), organisation=org, kind=kind, result_group=group
        )
    except NotPermitted as exc:
        return render(request, "staff/forbidden.html", {"message": str(exc)}, status=403)
    messages.success(request, "已恢复为默认模板。" if changed else "该文书本来就在使用默认模板。")
    return redirect(_url(request, "letter_template_list", org.pk))


@login_required
def letter_series_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _organisation(request, org_id)
    today = timezone.localdate()
    current = letter_services.current_prefix(org, today.year)
    form = SeriesForm(request.POST or None, initial={"number_prefix": current})
    if request.method == "POST" and form.is_valid():
        try:
            letter_services.letter_series_set(
                actor=_user(request), organisation=org, prefix=form.cleaned_data["number_prefix"]
            )
        except NotPermitted as exc:
            return render(request, "staff/forbidden.html", {"message": str(exc)}, status=403)
        except DomainError as exc:
            form.add_error("number_prefix", str(exc))
        else:
            messages.success(request, "发文字号前缀已保存。")
            return redirect(_url(request, "letter_series_edit", org.pk))
    return render(
        request,
        "requests/letters/series_form.html",
        {
            "org": org,
            "form": form,
            "example": letter_services.format_number(current, today.year, _next_seq(org, today)),
            "series": LetterSeries.objects.filter(organisation=org).order_by("-year"),
            "templates_url": _url(request, "letter_template_list", org.pk),
        },
    )
