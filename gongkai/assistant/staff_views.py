"""The assistant's staff pages (mounted at staff/assistant/, namespace "assistant_staff"):
the FAQ of the bodies in the user's scope (list, create, edit, delete, Excel import) and the
question queue (refused and down-voted questions, hot questions of the week). Reads go through
selectors (an entry outside the scope answers 404), writes through services."""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import User

from . import faq_excel, selectors, services
from .access import faq_organisations, faq_role, require_triage, triage_role
from .forms import FaqForm, FaqImportForm
from .models import AskedQuestion, FaqEntry

View = Callable[..., HttpResponse]
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def _guarded(view: View) -> View:
    """Signed in; an entry or question outside the scope is "not found"; NotPermitted is 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (FaqEntry.DoesNotExist, AskedQuestion.DoesNotExist) as exc:
            raise Http404(str(exc)) from exc
        except NotPermitted as exc:
            return _forbidden(request, str(exc))

    return wrapped


def _require_curator(request: HttpRequest) -> None:
    if triage_role(request.user) is None:
        raise NotPermitted("您没有维护政策问答常见问题的权限。")


@_guarded
def faq_list(request: HttpRequest) -> HttpResponse:
    """常见问题: the entries of the bodies in scope, overdue reviews flagged (?overdue=1 filters)."""
    _require_curator(request)
    entries = selectors.faq_entries_for(request.user)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        entries = entries.filter(review_due__lt=timezone.localdate())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistant/staff/faq_list.html",
        {"page": page, "entries": page.object_list, "overdue_only": overdue_only, "action": ""},
    )


def _faq_values(form: FaqForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "organisation": data["organisation"],
        "question": data["question"],
        "answer": data["answer"],
        "variants": data["variants"],
        "sources": data["sources"],
        "review_due": data["review_due"],
        "active": data["active"],
    }


@_guarded
@require_http_methods(["GET", "HEAD", "POST"])
def faq_create(request: HttpRequest) -> HttpResponse:
    """New entry; ?from=<question id> (转为常见问题) fills in that question and, once saved,
    takes it out of the queue."""
    _require_curator(request)
    organisations = faq_organisations(request.user)
    source_id = request.GET.get("from") or request.POST.get("from_question") or ""
    from_question = AskedQuestion.objects.get(pk=int(source_id)) if source_id.isdigit() else None
    if request.method == "POST":
        form = FaqForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                entry = services.faq_create(actor=_user(request), from_question=from_question, **_faq_values(form))
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存常见问题：{entry.question}")
                if from_question is not None:
                    return redirect("assistant_staff:questions")
                return redirect("assistant_staff:faq_list")
    else:
        initial: dict[str, Any] = {"active": True}
        if from_question is not None:
            initial["question"] = from_question.question_masked[:300]
            # A down-voted answer's citations are where the curator starts looking.
            initial["sources"] = "\n".join(from_question.cited_external_ids[:3])
        first = organisations.first()
        if first is not None:
            initial["organisation"] = first.pk
        form = FaqForm(initial=initial, organisations=organisations)
    return render(
        request, "assistant/staff/faq_form.html", {"form": form, "entry": None, "from_question": from_question}
    )


@_guarded
@require_http_methods(["GET", "HEAD", "POST"])
def faq_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.faq_entry_for(request.user, pk)
    if faq_role(request.user, entry.organisation) is None:
        raise FaqEntry.DoesNotExist
    organisations = faq_organisations(request.user)
    if request.method == "POST":
        form = FaqForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                services.faq_update(actor=_user(request), entry=entry, **_faq_values(form))
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存常见问题：{entry.question}")
                return redirect("assistant_staff:faq_list")
    else:
        form = FaqForm(initial=FaqForm.initial_for(entry), organisations=organisations)
    return render(request, "assistant/staff/faq_form.html", {"form": form, "entry": entry, "from_question": None})


@_guarded
@require_http_methods(["GET", "HEAD", "POST"])
def faq_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.faq_entry_for(request.user, pk)
    if request.method == "POST":
        question = entry.question
        services.faq_delete(actor=_user(request), entry=entry)
        messages.success(request, f"已删除常见问题：{question}")
        return redirect("assistant_staff:faq_list")
    return render(request, "assistant/staff/faq_delete.html", {"entry": entry})


@_guarded
@require_http_methods(["GET", "HEAD", "POST"])
def faq_import(request: HttpRequest) -> HttpResponse:
    """Excel import: every row is checked first; on any error nothing is written."""
    _require_curator(request)
    organisations = faq_organisations(request.user)
    errors: list[str] = []
    if request.method == "POST":
        form = FaqImportForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            parsed = faq_excel.parse(form.cleaned_data["file"])
            errors = parsed.errors
            if not errors:
                result = services.faq_import(
                    actor=_user(request), organisation=form.cleaned_data["organisation"], rows=parsed.rows
                )
                messages.success(request, f"导入完成：新增{result.created}条，更新{result.updated}条。")
                return redirect("assistant_staff:faq_list")
    else:
        form = FaqImportForm(organisations=organisations)
    return render(request, "assistant/staff/faq_import.html", {"form": form, "errors": errors})


@_guarded
@require_http_methods(["GET", "HEAD"])
def faq_import_template(request: HttpRequest) -> HttpResponse:
    """The workbook to fill in for the import (header row and one example row)."""
    _require_curator(request)
    response = HttpResponse(
        faq_excel.template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('常见问题导入模板.xlsx')}"
    return response


def _week(request: HttpRequest) -> dt.date:
    try:
        return selectors.week_start(dt.date.fromisoformat(str(request.GET.get("week", ""))))
    except ValueError:
        return selectors.week_start()


@_guarded
def questions(request: HttpRequest) -> HttpResponse:
    """待处理问题: refused and down-voted questions (masked), and this week's hot questions."""
    require_triage(request.user)
    page = Paginator(selectors.question_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    week = _week(request)
    return render(
        request,
        "assistant/staff/questions.html",
        {
            "page": page,
            "queue": page.object_list,
            "hot": selectors.hot_questions(week_of=week, limit=20),
            "week": week,
            "previous_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7) if week < selectors.week_start() else None,
            "action": "",
        },
    )


@_guarded
@require_POST
def question_handle(request: HttpRequest, pk: int) -> HttpResponse:
    question = AskedQuestion.objects.get(pk=pk)
    services.question_mark_handled(actor=_user(request), question=question)
    messages.success(request, "已标记为已处理。")
    return redirect("assistant_staff:questions")
