"""The staff request desk (依申请公开办理): the list with its filters, 待办, the overdue
count per body, the request page with its timeline and one small form per action, the
offline intake form and the ledger's import and export.

Reads go through gongkai.requests.selectors (scoped by REQUEST_HANDLE: a request of another
body answers 404, as if it did not exist); writes through the services. Each action form
posts the version the page was built from: when someone else changed the request in
between, the service refuses with “已被他人修改” and the page says so.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from gongkai.core import selectors as core_selectors
from gongkai.core import workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import Perm, can
from gongkai.publishing.models import InfoItem
from gongkai.web.views import content_disposition

from . import fee_services, ledger, letter_services, selectors, services
from .fees import FeeMethod
from .forms import (
    AbandonForm,
    ActionForm,
    AskCorrectionForm,
    AssignForm,
    ChooseOrganisationForm,
    CloseForm,
    CorrectionReceivedForm,
    CustomPeriodForm,
    DeskFilterForm,
    DeskSettingsForm,
    ExtendForm,
    FeeNoticeForm,
    FeePaymentForm,
    IntakeForm,
    LedgerImportForm,
    LetterIssueForm,
    PauseForm,
    ReleaseForm,
    ReplyForm,
    ResumeForm,
    ReviewRecordForm,
    ReviewUpdateForm,
    WithdrawForm,
)
from .models import (
    DeskSettings,
    DisclosureRequest,
    EventKind,
    FeeNotice,
    FeeNoticeStatus,
    LetterKind,
    RequestStatus,
    ResultCode,
)

LIST_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def _request_or_404(request: HttpRequest, pk: int) -> DisclosureRequest:
    try:
        return selectors.request_for_desk(user=request.user, pk=pk)
    except DisclosureRequest.DoesNotExist:
        raise Http404(_("没有这件申请，或您无权办理。")) from None


def _readable_or_404(request: HttpRequest, pk: int) -> DisclosureRequest:
    """A request the user handles or audits (read-only for auditors)."""
    try:
        return selectors.request_for_reading(user=request.user, pk=pk)
    except DisclosureRequest.DoesNotExist:
        raise Http404(_("没有这件申请，或您无权查看。")) from None


def _desk_bodies(user: User) -> Any:
    return core_selectors.organisations_for(user, Perm.REQUEST_HANDLE)


def _reading_bodies(user: User) -> Any:
    return selectors.reading_scope(user).select_related("parent").order_by("path")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- lists ----------------------------------------------------------------------------------


@login_required
@require_safe
def desk_list(request: HttpRequest) -> HttpResponse:
    """Every request of the bodies the user handles, filtered by body, status, overdue and words."""
    user = _user(request)
    bodies = _reading_bodies(user)
    if not bodies.exists():
        return _forbidden(request, _("您没有办理依申请公开的权限。"))
    form = DeskFilterForm(request.GET or None, organisations=bodies)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "organisation": form.cleaned_data["org"],
            "status": form.cleaned_data["status"] or None,
            "q": form.cleaned_data["q"].strip(),
            "overdue": form.cleaned_data["overdue"],
        }
    requests = selectors.requests_for_reading(user=user, **filters)
    page = Paginator(requests, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "requests/desk/list.html",
        {"page": page, "form": form, "query": _query_without_page(request), "today": timezone.localdate()},
    )


@login_required
@require_safe
def desk_inbox(request: HttpRequest) -> HttpResponse:
    """待办: the open requests assigned to me and those nobody has taken yet. An auditor, who
    handles nothing, goes to the list of the requests they may read."""
    user = _user(request)
    page = Paginator(selectors.requests_inbox(user=user), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list and not _desk_bodies(user).exists() and _reading_bodies(user).exists():
        return redirect("disclosure_requests:desk_list")
    return render(
        request,
        "requests/desk/inbox.html",
        {"page": page, "query": _query_without_page(request), "today": timezone.localdate()},
    )


@login_required
@require_safe
def desk_overdue(request: HttpRequest) -> HttpResponse:
    rows = selectors.requests_overdue_by_body(user=_user(request))
    return render(request, "requests/desk/overdue.html", {"rows": rows, "total": sum(n for _, n in rows)})


# --- the request page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One action of the desk: its heading, which requests offer it, its form and its service."""

    title: str
    offered: Callable[["Situation"], bool]
    form: Callable[..., ActionForm]
    perform: Callable[[User, DisclosureRequest, Any], object]
    done: str
    collapsed: bool = True
    perm: Perm = Perm.REQUEST_HANDLE


@dataclass(frozen=True)
class Situation:
    """What the page knows about the request and the user, to decide which forms to offer."""

    req: DisclosureRequest
    handle: bool
    approve: bool
    fees_on: bool
    correction_asked: bool
    open_notice: FeeNotice | None
    unpaid_notice: FeeNotice | None
    has_reviews: bool = False


def _situation(user: User, req: DisclosureRequest) -> Situation:
    notices = list(req.fee_notices.order_by("issued_on", "pk"))
    return Situation(
        req=req,
        handle=can(user, Perm.REQUEST_HANDLE, req.organisation),
        approve=can(user, Perm.EXTENSION_APPROVE, req.organisation),
        fees_on=fee_services.fees_enabled(req.organisation),
        correction_asked=req.events.filter(kind=EventKind.CORRECTION_REQUESTED).exists(),
        open_notice=next((n for n in notices if n.status != FeeNoticeStatus.LAPSED), None),
        unpaid_notice=next((n for n in notices if n.status == FeeNoticeStatus.ISSUED), None),
        has_reviews=req.reviews.exists(),
    )


def _in(*statuses: str) -> Callable[[Situation], bool]:
    return lambda s: s.handle and s.req.status in statuses


_RUNNING = (RequestStatus.REGISTERED, RequestStatus.IN_HANDLING)
_EXTENDABLE = (RequestStatus.REGISTERED, RequestStatus.IN_HANDLING, RequestStatus.PAUSED)


def _assign(user: User, req: DisclosureRequest, form: AssignForm) -> object:
    return services.request_assign(
        actor=user, request=req, assignee=form.cleaned_data["assignee"], version=form.cleaned_data["version"]
    )


def _fee_payment_form(s: "Situation", *args: Any, **kwargs: Any) -> FeePaymentForm:
    notice = s.unpaid_notice
    kwargs["initial"] = {
        **kwargs.get("initial", {}),
        "notice": notice.pk if notice else 0,
        "notice_version": notice.version if notice else 0,
    }
    return FeePaymentForm(*args, **kwargs)


def _fee_payment(user: User, req: DisclosureRequest, form: FeePaymentForm) -> object:
    notice = FeeNotice.objects.filter(pk=form.cleaned_data["notice"], request=req).first()
    if notice is None:
        raise DomainError(_("没有这份收费通知。"))
    return fee_services.fee_payment_record(
        actor=user, notice=notice, paid_on=form.cleaned_data["paid_on"], version=form.cleaned_data["notice_version"]
    )


def _letter(user: User, req: DisclosureRequest, form: LetterIssueForm) -> object:
    data = form.cleaned_data
    kind = data["kind"]
    extra: dict[str, Any] = {}
    if kind == LetterKind.CORRECTION:
        extra["correction_items"] = data["correction_items"].strip()
        if data["respond_by"]:
            extra["respond_by"] = data["respond_by"]
    elif kind == LetterKind.THIRD_PARTY:
        extra["third_party_name"] = data["third_party_name"].strip()
    elif kind == LetterKind.FEE:
        notice = req.fee_notices.exclude(status=FeeNoticeStatus.LAPSED).order_by("-issued_on", "-pk").first()
        if notice is None:
            raise DomainError(_("该申请没有有效的收费通知，不能出具收费通知书。"))
        quantity = "items" if notice.method == FeeMethod.BY_ITEM else "pages"
        fee: dict[str, Any] = {"method": notice.method, quantity: notice.quantity}
        if notice.method == FeeMethod.BY_ITEM:
            fee["earlier_items_this_month"] = notice.earlier_items
        extra["fee"] = fee
        if notice.pay_by:
            extra["pay_by"] = notice.pay_by
    elif kind == LetterKind.REPLY and data["reason"].strip():
        extra["reason"] = data["reason"].strip()
    return letter_services.letter_issue(
        actor=user,
        request=req,
        kind=kind,
        result_code=req.result_code if kind == LetterKind.REPLY else "",
        extra=extra,
    )


def _letter_form(s: "Situation", *args: Any, **kwargs: Any) -> LetterIssueForm:
    kwargs["initial"] = {**_letter_initial(s.req), **kwargs.get("initial", {})}
    return LetterIssueForm(*args, kinds=_letter_kinds(s.req), **kwargs)


def _letter_initial(req: DisclosureRequest) -> dict[str, Any]:
    """The letter that fits where the request stands; the correction notice repeats what the
    timeline says was asked."""
    initial: dict[str, Any] = {"kind": LetterKind.REPLY.value if req.result_code else LetterKind.CORRECTION.value}
    if req.status == RequestStatus.PAUSED:
        initial["kind"] = LetterKind.THIRD_PARTY.value
    asked = req.events.filter(kind=EventKind.CORRECTION_REQUESTED).order_by("-on", "-pk").first()
    if asked is not None:
        initial["correction_items"] = asked.note.split("\n逾期告知理由：")[0]
        initial["respond_by"] = asked.respond_by
    return initial


def _v(form: ActionForm) -> int:
    return int(form.cleaned_data["version"])


def _plain(form_class: type[ActionForm]) -> Callable[..., ActionForm]:
    """The form of an action that needs nothing from the situation."""
    return lambda s, *a, **k: form_class(*a, **k)


def _service(
    call: Callable[..., object], *fields: str, versioned: bool = True
) -> Callable[[User, DisclosureRequest, Any], object]:
    """The perform of an action whose service takes the actor, the request, the form's
    fields under the same names and (when versioned) the version the form posted."""

    def perform(user: User, req: DisclosureRequest, form: Any) -> object:
        kwargs = {name: form.cleaned_data[name] for name in fields}
        if versioned:
            kwargs["version"] = _v(form)
        return call(actor=user, request=req, **kwargs)

    return perform


ACTIONS: dict[str, Action] = {
    "assign": Action(
        title=_("分配承办人"),
        offered=lambda s: s.handle and s.req.is_open,
        form=lambda s, *a, **k: AssignForm(*a, handlers=_handlers(s.req), **k),
        perform=_assign,
        done=_("已更新承办人。"),
        collapsed=False,
    ),
    "ask_correction": Action(
        title=_("发出补正通知（条例第三十条）"),
        offered=lambda s: _in(*_RUNNING)(s) and not s.correction_asked,
        form=_plain(AskCorrectionForm),
        perform=_service(services.request_ask_correction, "asked_on", "what", "respond_by", "late_reason"),
        done=_("已登记补正通知。"),
    ),
    "correction_received": Action(
        title=_("收到补正"),
        offered=_in(RequestStatus.CORRECTION_REQUESTED),
        form=_plain(CorrectionReceivedForm),
        perform=_service(services.request_correction_received, "received_on", "note"),
        done=_("已登记收到补正，答复期限重新计算。"),
        collapsed=False,
    ),
    "abandon": Action(
        title=_("逾期未补正，视为放弃"),
        offered=_in(RequestStatus.CORRECTION_REQUESTED),
        form=_plain(AbandonForm),
        perform=_service(services.request_abandon, "on"),
        done=_("已登记为视为放弃申请。"),
    ),
    "pause": Action(
        title=_("开始征求意见（第三方或其他机关）"),
        offered=_in(*_RUNNING),
        form=_plain(PauseForm),
        perform=_service(services.request_pause, "kind", "started_on", "note"),
        done=_("已登记开始征求意见，期间不计入答复期限。"),
    ),
    "resume": Action(
        title=_("征求意见结束"),
        offered=_in(RequestStatus.PAUSED),
        form=_plain(ResumeForm),
        perform=_service(services.request_resume, "ended_on", "note"),
        done=_("已登记征求意见结束。"),
        collapsed=False,
    ),
    "extend": Action(
        title=_("批准延期答复（条例第三十三条第二款）"),
        offered=lambda s: s.approve and s.req.status in _EXTENDABLE and not s.req.extended,
        form=_plain(ExtendForm),
        perform=_service(services.request_extend, "days", "approved_on", "reason"),
        done=_("已批准延期答复。"),
        perm=Perm.EXTENSION_APPROVE,
    ),
    "custom_period": Action(
        title=_("确定合理答复期限（条例第三十五条）"),
        offered=lambda s: s.approve and s.req.status in _EXTENDABLE,
        form=_plain(CustomPeriodForm),
        perform=_service(services.request_set_custom_period, "days", "reason"),
        done=_("已确定合理答复期限。"),
        perm=Perm.EXTENSION_APPROVE,
    ),
    "fee_notice": Action(
        title=_("发出收费通知"),
        offered=lambda s: s.handle and s.fees_on and s.req.status in _EXTENDABLE and s.open_notice is None,
        form=_plain(FeeNoticeForm),
        perform=_service(fee_services.fee_notice_issue, "method", "quantity", versioned=False),
        done=_("已登记收费通知。"),
    ),
    "fee_payment": Action(
        title=_("登记缴费"),
        offered=lambda s: s.handle and s.unpaid_notice is not None,
        form=lambda s, *a, **k: _fee_payment_form(s, *a, **k),
        perform=_fee_payment,
        done=_("已登记缴费。"),
    ),
    "reply": Action(
        title=_("答复"),
        offered=_in(*_RUNNING),
        form=_plain(ReplyForm),
        perform=_service(services.request_reply, "result_code", "replied_on", "note"),
        done=_("已登记答复。"),
        collapsed=False,
    ),
    "close": Action(
        title=_("办结归档（条例第四十五条）"),
        offered=_in(RequestStatus.REPLIED),
        form=_plain(CloseForm),
        perform=_service(services.request_close, "on", "note"),
        done=_("已办结归档。"),
    ),
    "withdraw": Action(
        title=_("申请人撤回申请"),
        offered=lambda s: s.handle and s.req.is_open,
        form=_plain(WithdrawForm),
        perform=_service(services.request_withdraw, "on", "note"),
        done=_("已登记撤回。"),
    ),
    "letter": Action(
        title=_("出具文书"),
        offered=lambda s: s.handle,
        form=lambda s, *a, **k: _letter_form(s, *a, **k),
        perform=_letter,
        done=_("文书已生成。"),
        collapsed=False,
    ),
    "release": Action(
        title=_("转为主动公开（条例第四十四条）"),
        offered=lambda s: (
            s.handle
            and s.req.status in (RequestStatus.REPLIED, RequestStatus.CLOSED)
            and s.req.result_code in (ResultCode.DISCLOSED, ResultCode.PARTLY_DISCLOSED)
            and s.req.released_item_id is None
        ),
        form=_plain(ReleaseForm),
        perform=lambda u, r, f: services.request_release_to_item(actor=u, request=r),
        done=_("已生成主动公开信息草稿，请在信息管理中完善后提交审核。"),
    ),
    "review": Action(
        title=_("登记行政复议或诉讼"),
        offered=lambda s: s.handle and not s.req.is_open,
        form=_plain(ReviewRecordForm),
        perform=_service(services.review_record_add, "kind", "outcome", "filed_on", "note", versioned=False),
        done=_("已登记复议诉讼。"),
    ),
    "review_update": Action(
        title=_("更新复议诉讼结果"),
        offered=lambda s: s.handle and s.has_reviews,
        form=lambda s, *a, **k: ReviewUpdateForm(*a, reviews=s.req.reviews.order_by("created_at", "pk"), **k),
        perform=lambda u, r, f: services.review_record_update(
            actor=u,
            review=f.cleaned_data["review"],
            outcome=f.cleaned_data["outcome"],
            filed_on=f.cleaned_data["filed_on"],
            note=f.cleaned_data["note"] or None,
        ),
        done=_("已更新复议诉讼结果。"),
    ),
}

#: Actions whose service takes no version: the version posted is compared before the call.
_VERSION_CHECKED_HERE = ("fee_notice", "letter", "release", "review", "review_update")


def _handlers(req: DisclosureRequest) -> Any:
    return User.objects.filter(pk__in=[u.pk for u in services.handlers_of(req.organisation)]).order_by("username")


def _letter_kinds(req: DisclosureRequest) -> list[tuple[str, str]]:
    """The letters that fit where the request stands (the service still decides)."""
    kinds = [(LetterKind.CORRECTION.value, LetterKind.CORRECTION.label)]
    if req.extended:
        kinds.append((LetterKind.EXTENSION.value, LetterKind.EXTENSION.label))
    kinds.append((LetterKind.THIRD_PARTY.value, LetterKind.THIRD_PARTY.label))
    if req.fee_notices.exists():
        kinds.append((LetterKind.FEE.value, LetterKind.FEE.label))
    if req.result_code:
        kinds.append((LetterKind.REPLY.value, LetterKind.REPLY.label))
    return kinds


@dataclass
class ShownAction:
    name: str
    title: str
    form: forms.Form
    url: str
    collapsed: bool


def _action_forms(situation: Situation, bound: tuple[str, ActionForm] | None) -> list[ShownAction]:
    shown = []
    for name, action in ACTIONS.items():
        if not action.offered(situation):
            continue
        if bound is not None and bound[0] == name:
            form: ActionForm = bound[1]
        else:
            form = action.form(situation, prefix=name, initial={"version": situation.req.version})
        shown.append(
            ShownAction(
                name=name,
                title=str(action.title),
                form=form,
                url=reverse(f"disclosure_requests:desk_{name}", args=[situation.req.pk]),
                collapsed=action.collapsed and not (bound is not None and bound[0] == name),
            )
        )
    return shown


def _stray_errors(bound: tuple[str, ActionForm] | None, shown: list[ShownAction]) -> list[str]:
    """The refusal of an action the page does not offer (its form is not on the page)."""
    if bound is None or any(a.name == bound[0] for a in shown):
        return []
    return [str(e) for e in bound[1].non_field_errors()]


def _deadline_steps(req: DisclosureRequest, calendar: workdays.WorkdayCalendar, events: list[Any]) -> list[str]:
    """How the due date came about, one line per step citing its article (open requests)."""
    if not req.is_open:
        return []
    try:
        result = services.deadline_of(req, calendar, timezone.localdate(), events)
    except DomainError:
        return []
    return [step.text for step in result.steps]


def _render_detail(
    request: HttpRequest, req: DisclosureRequest, *, bound: tuple[str, ActionForm] | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    situation = _situation(user, req)
    full = selectors.can_see_personal_data(user=user, request=req)
    shown = _action_forms(situation, bound)
    events = list(selectors.request_timeline(request=req))
    calendar = workdays.calendar()
    personal = (
        {
            "requester_name": req.requester_name,
            "id_number": req.id_number,
            "phone": req.phone,
            "email": req.email,
            "address": req.address,
            "contact_person": req.contact_person,
        }
        if full
        else req.masked()
    )
    return render(
        request,
        "requests/desk/detail.html",
        {
            "req": req,
            "personal": personal,
            "full": full,
            "events": events,
            "consultations": selectors.request_consultations(request=req, calendar=calendar, events=events),
            "deadline_steps": _deadline_steps(req, calendar, events),
            "read_only": not situation.handle,
            "attachments": list(selectors.request_attachments(request=req)) if full else [],
            "notices": list(selectors.request_fee_notices(request=req)),
            "reviews": list(req.reviews.order_by("created_at", "pk")),
            "letters": list(req.letters.order_by("issued_on", "pk")),
            "released_item": InfoItem.objects.filter(pk=req.released_item_id).first() if req.released_item_id else None,
            "actions": shown,
            "bound_action": bound[0] if bound else "",
            "stray_errors": _stray_errors(bound, shown),
            "fees_on": situation.fees_on,
            "handler_notes": selectors.desk_settings_for(req.organisation).handler_notes,
            "today": timezone.localdate(),
        },
        status=status,
    )


@never_cache
@login_required
@require_safe
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _readable_or_404(request, pk))


def _stale_message(req: DisclosureRequest) -> str:
    stale = _("申请“%(n)s”已被他人修改（当前版本 %(v)d），请刷新后重新操作。")
    return stale % {"n": req.number, "v": req.version}


@never_cache
@login_required
@require_POST
def desk_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action through its service; a refusal (a rule, a stale version) shows on its form."""
    user = _user(request)
    req = _request_or_404(request, pk)
    spec = ACTIONS[action]
    situation = _situation(user, req)
    form = spec.form(situation, request.POST, prefix=action)
    if not can(user, spec.perm, req.organisation):
        refused = _("您没有在%(org)s%(what)s的权限。")
        return _forbidden(request, refused % {"org": req.organisation.name, "what": spec.title})
    stale = form.is_valid() and form.cleaned_data["version"] != req.version
    if not spec.offered(situation):
        # Most often someone else moved the request on since this page was built.
        if stale:
            form.add_error(None, _stale_message(req))
        else:
            refusal = _("申请“%(n)s”当前状态为“%(s)s”，不能进行此操作。")
            form.add_error(None, refusal % {"n": req.number, "s": req.get_status_display()})
        return _render_detail(request, req, bound=(action, form), status=409)
    if form.is_valid():
        try:
            if action in _VERSION_CHECKED_HERE and stale:
                raise DomainError(_stale_message(req))
            result = spec.perform(user, req, form)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, str(spec.done))
            if isinstance(result, InfoItem):
                return redirect("staff:item_detail", pk=result.pk)
            return redirect(reverse("disclosure_requests:desk_detail", args=[req.pk]) + "#actions")
    return _render_detail(request, _request_or_404(request, pk), bound=(action, form), status=400)


@never_cache
@login_required
@require_safe
def desk_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file the requester sent: personal data, for those who may see it only."""
    req = _readable_or_404(request, pk)
    if not selectors.can_see_personal_data(user=request.user, request=req):
        raise Http404(_("没有这个附件。"))
    found = selectors.request_attachments(request=req).filter(pk=attachment_pk).first()
    if found is None:
        raise Http404(_("没有这个附件。"))
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("附件文件缺失。")) from None
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition(
        found.original_name, found.pk, Path(found.original_name).suffix
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- offline intake -------------------------------------------------------------------------


@login_required
def desk_intake(request: HttpRequest) -> HttpResponse:
    """登记线下申请: the officer types in a request that came in person, by letter, fax,
    e-mail or orally."""
    user = _user(request)
    bodies = _desk_bodies(user)
    org_pk = request.GET.get("org", "")
    org: Organisation | None
    if org_pk.isdigit():
        org = bodies.filter(pk=int(org_pk)).first()
        if org is None:
            raise Http404(_("没有该机构，或您无权在该机构办理依申请公开。"))
    else:
        choices = list(bodies[:2])
        if not choices:
            return _forbidden(request, _("您没有办理依申请公开的权限。"))
        if len(choices) > 1:
            return render(
                request, "requests/desk/choose_org.html", {"form": ChooseOrganisationForm(organisations=bodies)}
            )
        org = choices[0]
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.request_register(
                actor=user,
                organisation=org,
                channel=data["channel"],
                requester_type=data["requester_type"],
                requester_name=data["requester_name"],
                description=data["description"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
                delivery_form=data["delivery_form"],
                delivery_way=data["delivery_way"],
                submitted_at=data["submitted_at"],
                signed_on=data["signed_on"],
                confirmed_on=data["confirmed_on"],
                number=data["number"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记申请 %(n)s。") % {"n": req.number})
            return redirect("disclosure_requests:desk_detail", pk=req.pk)
    return render(request, "requests/desk/intake.html", {"org": org, "form": form})


# --- the body's desk settings ----------------------------------------------------------------


@login_required
def desk_settings(request: HttpRequest) -> HttpResponse:
    """Each body's desk settings; the head of the openness office switches fees on or off
    (fee_services.desk_settings_update) and keeps notes for the handlers."""
    user = _user(request)
    bodies = list(_desk_bodies(user))
    if not bodies:
        return _forbidden(request, _("您没有办理依申请公开的权限。"))
    org_pk = request.GET.get("org", "")
    if not org_pk.isdigit():
        stored = {d.organisation_id: d for d in DeskSettings.objects.filter(organisation__in=bodies)}
        rows = [
            (org, stored.get(org.pk) or DeskSettings(organisation=org), can(user, Perm.EXTENSION_APPROVE, org))
            for org in bodies
        ]
        return render(request, "requests/desk/settings_list.html", {"rows": rows})
    org = next((o for o in bodies if o.pk == int(org_pk)), None)
    if org is None:
        raise Http404(_("没有该机构，或您无权办理其依申请公开。"))
    if not can(user, Perm.EXTENSION_APPROVE, org):
        return _forbidden(request, _("只有政府信息公开工作机构负责人可以修改%(org)s的设置。") % {"org": org.name})
    current = selectors.desk_settings_for(org)
    initial = {"fees_enabled": current.fees_enabled, "handler_notes": current.handler_notes}
    form = DeskSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fee_services.desk_settings_update(
                actor=user,
                organisation=org,
                fees_enabled=form.cleaned_data["fees_enabled"],
                handler_notes=form.cleaned_data["handler_notes"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存%(org)s的依申请公开设置。") % {"org": org.name})
            return redirect(reverse("disclosure_requests:desk_settings"))
    return render(request, "requests/desk/settings_form.html", {"org": org, "form": form})


# --- the ledger (台账) ------------------------------------------------------------------------


@login_required
def desk_ledger(request: HttpRequest) -> HttpResponse:
    """Export a body's ledger as .xlsx or .csv; import one (all rows or none)."""
    user = _user(request)
    bodies = _desk_bodies(user)
    if not bodies.exists():
        return _forbidden(request, _("您没有办理依申请公开的权限。"))
    form = LedgerImportForm(request.POST or None, request.FILES or None, organisations=bodies)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            org = form.cleaned_data["org"]
            upload = form.cleaned_data["file"]
            suffix = Path(str(upload.name)).suffix.lower()
            try:
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / f"ledger{suffix}"
                    with path.open("wb") as out:
                        for chunk in upload.chunks():
                            out.write(chunk)
                    table = ledger.read_table(path)
                result = ledger.ledger_import(actor=user, organisation=org, table=table, today=timezone.localdate())
            except ledger.LedgerInvalid as exc:
                errors = exc.errors
                status = 400
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = 400
            except (ValueError, KeyError, OSError) as exc:  # a file that is not what its name says
                form.add_error("file", _("无法读取该文件：%(e)s") % {"e": exc.__class__.__name__})
                status = 400
            else:
                messages.success(
                    request,
                    _("已导入%(org)s的台账：新增 %(c)d 条，更新 %(u)d 条，未变 %(n)d 条。")
                    % {"org": org.name, "c": result.created, "u": result.updated, "n": result.unchanged},
                )
                return redirect("disclosure_requests:desk_ledger")
        else:
            status = 400
    return render(
        request,
        "requests/desk/ledger.html",
        {"form": form, "errors": errors, "bodies": bodies, "columns": ledger.LEDGER_COLUMNS},
        status=status,
    )


@login_required
@require_safe
def desk_ledger_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    org_pk = request.GET.get("org", "")
    fmt = request.GET.get("fmt", "xlsx")
    org = _desk_bodies(user).filter(pk=int(org_pk)).first() if org_pk.isdigit() else None
    if org is None:
        raise Http404(_("没有该机构，或您无权导出其台账。"))
    if fmt not in ("xlsx", "csv"):
        raise Http404(_("不支持的导出格式。"))
    content = ledger.export_file(org, fmt)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    name = f"{org.name}依申请公开台账-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition(name, org.pk, fmt)
    return response
