"""The staff workspace's publishing pages: 待办, drafts, item list, the review queues, the
item pages with their workflow actions, the publishing calendar and the Art. 26
timeliness watch.

Reads go through scoped selectors (publishing.selectors, publishing.worklist);
writes through publishing.services. An item outside the user's bodies answers 404 on
every URL, GET or POST, as if it did not exist. A rule the services refuse
(DomainError, Chinese message) is shown on the form that asked, never as a 500.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core import selectors as core_selectors
from gongkai.core import workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.notifications import notifications_mark_read
from gongkai.core.permissions import Perm, can, has_role
from gongkai.publishing import attachments, selectors, services
from gongkai.publishing import worklist as queue
from gongkai.publishing.models import (
    Attachment,
    CatalogColumn,
    InfoItem,
    ItemState,
    ItemVersion,
    ReviewAction,
    ReviewDecision,
    SubjectCategory,
)

from . import item_display
from .publishing_forms import (
    ApproveForm,
    AttachmentForm,
    ChooseOrganisationForm,
    EmergencyPublishForm,
    ItemFilterForm,
    ItemForm,
    PostReviewForm,
    PublishForm,
    RejectForm,
    RelatedForm,
    SubmitForm,
    WithdrawForm,
    as_snapshot,
    initial_from_snapshot,
)

LIST_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def _item_or_404(request: HttpRequest, pk: int) -> InfoItem:
    try:
        return selectors.item_for(request.user, pk)
    except InfoItem.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def _due_context() -> dict[str, date]:
    today = timezone.localdate()
    return {"today": today, "horizon": queue.due_soon_horizon(today)}


# --- 待办 and notifications -------------------------------------------------------------


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "staff/items/todo.html",
        {
            "entries": queue.todo_for(user),
            "notifications": queue.unread_notifications(user),
            **_due_context(),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notifications_mark_read(user=_user(request), pks=[pk])
    return _back_to_todo(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(user=_user(request))
    messages.success(request, _("已将 %(n)d 条提醒标为已读。") % {"n": count})
    return _back_to_todo(request)


def _back_to_todo(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("staff:todo")


# --- lists ------------------------------------------------------------------------------


@login_required
def my_drafts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    drafts = selectors.drafts_of(user).order_by("due_on", "-updated_at", "-pk")
    page = Paginator(drafts, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/items/mine.html",
        {
            "page": page,
            "can_create": core_selectors.organisations_for(user, Perm.ITEM_DRAFT).exists(),
            **_due_context(),
        },
    )


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = core_selectors.organisations_for(user)
    org: Organisation | None = None
    org_pk = request.GET.get("org", "")
    if org_pk.isdigit():
        org = organisations.filter(pk=int(org_pk)).first()
    columns = selectors.catalog_columns(org, include_hidden=True) if org is not None else CatalogColumn.objects.none()
    form = ItemFilterForm(request.GET or None, organisations=organisations, columns=columns)
    state, column_id = "", None
    if form.is_bound and form.is_valid():
        state = form.cleaned_data["state"] or ""
        column = form.cleaned_data["column"]
        column_id = column.pk if column is not None else None
    items = queue.item_list(user, state=state, organisation=org, column_id=column_id)
    page = Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/items/list.html",
        {"page": page, "form": form, "query": query.urlencode(), "show_column": org is not None, **_due_context()},
    )


@login_required
def review_queue(request: HttpRequest, stage: int) -> HttpResponse:
    if not 1 <= stage <= queue.MAX_STAGES:
        raise Http404(_("没有第%(stage)d审核环节。") % {"stage": stage})
    user = _user(request)
    counts = queue.review_counts(user)
    return render(
        request,
        "staff/items/review_queue.html",
        {
            "stage": stage,
            "entries": queue.review_queue(user, stage),
            "tabs": [(n, counts.get(n, 0)) for n in range(1, queue.MAX_STAGES + 1)],
            **_due_context(),
        },
    )


# --- create and edit ----------------------------------------------------------------------


def _item_form(request: HttpRequest, organisation: Organisation, *, creating: bool, **kwargs: Any) -> ItemForm:
    columns = selectors.catalog_columns(organisation, include_hidden=True)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return ItemForm(*data, organisation=organisation, columns=columns, creating=creating, **kwargs)


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    drafting = core_selectors.organisations_for(user, Perm.ITEM_DRAFT)
    org_pk = request.GET.get("org", "")
    if org_pk.isdigit():
        org = drafting.filter(pk=int(org_pk)).first()
        if org is None:
            raise Http404(_("没有该机构，或您无权在该机构编辑信息。"))
    else:
        choices = list(drafting[:2])
        if not choices:
            return _forbidden(request, _("您没有编辑信息的权限。"))
        if len(choices) > 1:
            chooser = ChooseOrganisationForm(organisations=drafting)
            return render(request, "staff/items/choose_org.html", {"form": chooser})
        org = choices[0]
    if not selectors.catalog_columns(org, include_hidden=True).exists():
        return render(request, "staff/items/form.html", {"org": org, "form": None, "no_catalog": True})
    form = _item_form(request, org, creating=True)
    if request.method == "POST" and form.is_valid():
        content = form.content()
        upload = form.cleaned_data.get("docx")
        try:
            if upload is not None:
                content.pop("body_html")
                item = attachments.item_create_from_docx(actor=user, organisation=org, upload=upload, **content)
            else:
                item = services.item_create(actor=user, organisation=org, **content)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存草稿“%(title)s”。") % {"title": item.title})
            return redirect("staff:item_detail", pk=item.pk)
    return render(request, "staff/items/form.html", {"org": org, "form": form})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item_or_404(request, pk)
    if not can(user, Perm.ITEM_DRAFT, item.organisation):
        return _forbidden(request, _("您没有在%(org)s编辑信息的权限。") % {"org": item.organisation.name})
    if item.state not in services.EDITABLE_STATES:
        messages.error(request, _("该信息%(state)s，不能修改。") % {"state": item.get_state_display()})
        return redirect("staff:item_detail", pk=item.pk)
    current = services.working_copy(item)
    form = _item_form(request, item.organisation, creating=False, initial=initial_from_snapshot(current))
    if request.method == "POST" and form.is_valid():
        content = form.content()
        upload = form.cleaned_data.get("docx")
        if upload is not None:
            content.pop("body_html")  # the body comes from the document
        snapshot = as_snapshot(content)
        unchanged = all((current.get(k) or None) == (v or None) for k, v in snapshot.items())
        if unchanged and upload is None:
            messages.info(request, _("内容没有变化，未保存新版本。"))
            return redirect("staff:item_detail", pk=item.pk)
        try:
            with transaction.atomic():  # the document's body and the other changes, or neither
                if upload is not None:
                    version = attachments.item_body_from_docx(actor=user, item=item, upload=upload)
                if not unchanged:
                    version = services.item_update(actor=user, item=item, **content)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存为第%(n)d版。") % {"n": version.number})
            return redirect("staff:item_detail", pk=item.pk)
    return render(request, "staff/items/form.html", {"org": item.organisation, "form": form, "item": item})


# --- the item page and its actions ---------------------------------------------------------


def _names(*snapshots: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:
    column_ids, subject_ids = item_display.referenced_ids(*snapshots)
    columns = dict(CatalogColumn.objects.filter(pk__in=column_ids).values_list("pk", "title")) if column_ids else {}
    subjects = dict(SubjectCategory.objects.filter(pk__in=subject_ids).values_list("pk", "name")) if subject_ids else {}
    return columns, subjects


@dataclass
class Permitted:
    """Which action forms the page offers the user (the services still decide)."""

    edit: bool = False
    submit: bool = False
    review: bool = False
    review_blocker: str = ""
    publish: bool = False
    emergency: bool = False
    post_review: bool = False
    post_review_blocker: str = ""
    withdraw: bool = False
    files: bool = False
    related: bool = False

    @property
    def any(self) -> bool:
        return any(
            (self.submit, self.review, self.publish, self.emergency, self.post_review, self.withdraw, self.related)
        )


def _permitted(user: User, item: InfoItem, roles: list[str], history: list[ReviewAction]) -> Permitted:
    org = item.organisation
    drafter = can(user, Perm.ITEM_DRAFT, org)
    final = bool(roles) and has_role(user, roles[-1], org)
    p = Permitted(
        edit=drafter and item.state in services.EDITABLE_STATES,
        submit=drafter and item.state in (ItemState.DRAFT, ItemState.REJECTED),
        publish=final and item.state == ItemState.APPROVED,
        emergency=final
        and item.state in (ItemState.DRAFT, ItemState.IN_REVIEW, ItemState.APPROVED, ItemState.REJECTED),
        withdraw=final and item.is_live,
        # Attachments are not versioned: they change only off-line and outside review.
        files=drafter and not item.is_live and item.state not in (ItemState.IN_REVIEW, ItemState.APPROVED),
        related=drafter,
    )
    if item.state == ItemState.IN_REVIEW:
        role = queue.stage_role(roles, item.review_stage)
        p.review = bool(role) and has_role(user, role, org)
        setattr(item, "passed_other_stage", any(  # noqa: B010 (the annotation queue.review_blocker reads)
            a.actor_id == user.pk and a.round == item.review_round and a.decision == ReviewDecision.APPROVE
            and a.stage != item.review_stage
            for a in history
        ))  # fmt: skip
        p.review_blocker = queue.review_blocker(user, item) if p.review else ""
    if item.emergency_pending and user.pk != item.emergency_by_id and any(has_role(user, r, org) for r in roles):
        p.post_review = True
        if user.pk in (item.created_by_id, getattr(item, "last_editor_id", None)):
            p.post_review_blocker = _("不能审核自己起草或最后修改的信息。")
    return p


def _action_forms(item: InfoItem, p: Permitted) -> dict[str, forms.Form]:
    out: dict[str, forms.Form] = {}
    if p.submit:
        out["submit"] = SubmitForm()
    if p.review and not p.review_blocker:
        out["approve"] = ApproveForm(stage=item.review_stage)
        out["reject"] = RejectForm()
    if p.publish:
        out["publish"] = PublishForm()
    if p.emergency:
        out["emergency_publish"] = EmergencyPublishForm()
    if p.post_review and not p.post_review_blocker:
        out["post_review"] = PostReviewForm()
    if p.withdraw:
        out["withdraw"] = WithdrawForm()
    if p.files:
        out["attachment"] = AttachmentForm()
    if p.related:
        numbers = item.related.exclude(index_number=None).order_by("pk").values_list("index_number", flat=True)
        current = "\n".join(n for n in numbers if n)
        out["related"] = RelatedForm(initial={"index_numbers": current}, candidates=InfoItem.objects.none(), item=item)
    return out


def _render_detail(
    request: HttpRequest, item: InfoItem, *, bound: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    user = _user(request)
    roles = services.stage_roles(item)
    versions = list(item.versions.select_related("author").order_by("-number"))
    history = list(item.review_actions.select_related("actor").order_by("created_at", "pk"))
    working = versions[0].snapshot if versions else services.working_copy(item)
    setattr(item, "last_editor_id", versions[0].author_id if versions else item.created_by_id)  # noqa: B010
    published = next((v for v in versions if v.published), None)
    columns, subjects = _names(working, *([published.snapshot] if published else []))
    diff = None
    if published is not None and versions and published.number != versions[0].number:
        diff = item_display.snapshot_diff(published.snapshot, working, columns=columns, subjects=subjects)
    permitted = _permitted(user, item, roles, history)
    action_forms = _action_forms(item, permitted)
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    revision_due = None
    if item.first_published_at is not None and working.get("formed_on") not in (None, item.formed_on.isoformat()):
        revision_due = workdays.add_workdays(date.fromisoformat(working["formed_on"]), services.DISCLOSURE_WORKDAYS)
    published_late = None
    if item.first_published_at is not None and item.due_on is not None:
        published_late = timezone.localdate(item.first_published_at) > item.due_on
    last_rejection = next((a for a in reversed(history) if a.decision == ReviewDecision.REJECT), None)
    return render(
        request,
        "staff/items/detail.html",
        {
            "item": item,
            "stages": [(n, queue.stage_label(r)) for n, r in enumerate(roles, start=1)],
            "current_stage_label": queue.stage_label(queue.stage_role(roles, item.review_stage)),
            "fields": item_display.readable_fields(working, columns=columns, subjects=subjects),
            "body": item_display.safe_body(working.get("body_html")),
            "versions": versions,
            "working_number": versions[0].number if versions else None,
            "published_version": published,
            "diff": diff,
            "history": history,
            "last_rejection": last_rejection if item.state == ItemState.REJECTED else None,
            "attachments": list(item.attachments.all()),
            "permitted": permitted,
            "action_forms": action_forms,
            "bound_action": bound[0] if bound else "",
            "revision_due": revision_due,
            "published_late": published_late,
            "scheduled": item.published_at is not None and item.published_at > timezone.now(),
            **_due_context(),
        },
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _item_or_404(request, pk))


@dataclass(frozen=True)
class Action:
    form: Callable[[HttpRequest, InfoItem], forms.Form]
    perform: Callable[[User, InfoItem, Any], object]
    done: Callable[[InfoItem], str]


def _approve(user: User, item: InfoItem, form: ApproveForm) -> object:
    return services.item_review(
        actor=user,
        item=item,
        approve=True,
        comment=form.cleaned_data.get("comment", ""),
        confidentiality_attested=bool(form.cleaned_data.get("confidentiality_attested", False)),
    )


def _published_message(item: InfoItem) -> str:
    if item.published_at is not None and item.published_at > timezone.now():
        at = timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M")
        return _("已定时发布，将于 %(at)s 上线。") % {"at": at}
    return _("已发布。")


def _relatable(request: HttpRequest) -> Any:
    """What an item may be related to: anything public, or anything the user may see."""
    visible = selectors.items_for(_user(request)).values("pk")
    return InfoItem.objects.filter(Q(pk__in=selectors.public_items().values("pk")) | Q(pk__in=visible))


ACTIONS: dict[str, Action] = {
    "submit": Action(
        form=lambda request, item: SubmitForm(request.POST),
        perform=lambda user, item, form: services.item_submit(actor=user, item=item),
        done=lambda item: _("已提交审核，等待第1环节审核。"),
    ),
    "approve": Action(
        form=lambda request, item: ApproveForm(request.POST, stage=item.review_stage),
        perform=_approve,
        done=lambda item: _("已通过本环节审核。"),
    ),
    "reject": Action(
        form=lambda request, item: RejectForm(request.POST),
        perform=lambda user, item, form: services.item_review(
            actor=user, item=item, approve=False, comment=form.cleaned_data["comment"]
        ),
        done=lambda item: _("已退回起草人。"),
    ),
    "publish": Action(
        form=lambda request, item: PublishForm(request.POST),
        perform=lambda user, item, form: services.item_publish(actor=user, item=item, at=form.publish_at()),
        done=lambda item: _published_message(item),
    ),
    "emergency_publish": Action(
        form=lambda request, item: EmergencyPublishForm(request.POST),
        perform=lambda user, item, form: services.item_emergency_publish(
            actor=user, item=item, reason=form.cleaned_data["reason"]
        ),
        done=lambda item: _("已紧急发布，须由他人补审。"),
    ),
    "post_review": Action(
        form=lambda request, item: PostReviewForm(request.POST),
        perform=lambda user, item, form: services.item_post_review(
            actor=user,
            item=item,
            comment=form.cleaned_data.get("comment", ""),
            confidentiality_attested=bool(form.cleaned_data["confidentiality_attested"]),
        ),
        done=lambda item: _("已完成补审。"),
    ),
    "attachment": Action(
        form=lambda request, item: AttachmentForm(request.POST, request.FILES),
        perform=lambda user, item, form: attachments.attachment_add(
            actor=user, item=item, upload=form.cleaned_data["file"]
        ),
        done=lambda item: _("附件已上传。"),
    ),
    "related": Action(
        form=lambda request, item: RelatedForm(request.POST, candidates=_relatable(request), item=item),
        perform=lambda user, item, form: services.item_set_related(
            actor=user, item=item, related=form.cleaned_data["index_numbers"]
        ),
        done=lambda item: _("相关信息已保存。"),
    ),
    "withdraw": Action(
        form=lambda request, item: WithdrawForm(request.POST),
        perform=lambda user, item, form: services.item_withdraw(
            actor=user, item=item, reason=form.cleaned_data["reason"]
        ),
        done=lambda item: _("已撤稿，该信息已从网站下线。"),
    ),
}


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow transition, through its service; a refusal is shown on the form."""
    item = _item_or_404(request, pk)
    spec = ACTIONS[action]
    form = spec.form(request, item)
    if form.is_valid():
        try:
            result = spec.perform(_user(request), item, form)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            done = result if isinstance(result, InfoItem) else item
            messages.success(request, spec.done(done))
            return redirect("staff:item_detail", pk=item.pk)
    return _render_detail(request, _item_or_404(request, pk), bound=(action, form))


def _attachment_or_404(item: InfoItem, attachment_pk: int) -> Attachment:
    found = Attachment.objects.filter(item=item, pk=attachment_pk).first()
    if found is None:
        raise Http404(_("该信息没有这个附件。"))
    return found


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment of an item in scope, in any state (staff read drafts too)."""
    attachment = _attachment_or_404(_item_or_404(request, pk), attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("附件文件已不存在。")) from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    attachment = _attachment_or_404(item, attachment_pk)
    try:
        attachments.attachment_remove(actor=_user(request), attachment=attachment)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除附件“%(name)s”。") % {"name": attachment.original_name})
    return redirect("staff:item_detail", pk=item.pk)


@login_required
def item_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    pair = list(
        ItemVersion.objects.filter(item=item, number__in=[number, number - 1])
        .select_related("author")
        .order_by("-number")
    )
    if not pair or pair[0].number != number:
        raise Http404(_("该信息没有第%(n)d版。") % {"n": number})
    version, previous = pair[0], (pair[1] if len(pair) > 1 else None)
    columns, subjects = _names(version.snapshot, *([previous.snapshot] if previous else []))
    diff = (
        item_display.snapshot_diff(previous.snapshot, version.snapshot, columns=columns, subjects=subjects)
        if previous is not None
        else None
    )
    return render(
        request,
        "staff/items/version.html",
        {
            "item": item,
            "version": version,
            "previous": previous,
            "fields": item_display.readable_fields(version.snapshot, columns=columns, subjects=subjects),
            "body": item_display.safe_body(version.snapshot.get("body_html")),
            "diff": diff,
        },
    )


# --- calendar and timeliness ---------------------------------------------------------------


def _month(value: str) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year_text, month_text = value.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        return today.year, today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return today.year, today.month
    return year, month


@login_required
def publishing_calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month(request.GET.get("month", ""))
    days = queue.publishing_calendar(request.user, year, month)
    first = date(year, month, 1)
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = days[-1].day + timedelta(days=1)
    return render(
        request,
        "staff/items/calendar.html",
        {
            "days": days,
            "month": first,
            "lead": range(first.weekday()),
            "previous": f"{previous.year:04d}-{previous.month:02d}",
            "following": f"{following.year:04d}-{following.month:02d}",
            "published_count": sum(len(d.published) for d in days),
            "scheduled_count": sum(len(d.scheduled) for d in days),
            "today": timezone.localdate(),
        },
    )


@login_required
def timeliness(request: HttpRequest) -> HttpResponse:
    due = _due_context()
    rows = queue.timeliness_for(request.user, today=due["today"])
    return render(
        request,
        "staff/items/timeliness.html",
        {
            "rows": rows,
            "late_total": sum(r.late for r in rows),
            "soon_total": sum(r.due_soon for r in rows),
            "within": queue.DUE_SOON_WORKDAYS,
            **due,
        },
    )
