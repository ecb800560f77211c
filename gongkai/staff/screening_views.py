"""The screening pages of the workspace (保密审查): the findings of published items per
body (the site-wide sweep, 个人信息泄露排查) and a reviewer's override of a blocking
finding. The per-item panel is the `screening_panel` tag on the item page.

Reads go through screening.selectors, scoped to the bodies the user may see
(organisations_where, Perm.ORG_VIEW); an item outside them answers 404. Writes go
through screening.services; a refusal is shown as a message on the item page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core import selectors as core_selectors
from gongkai.core.errors import DomainError
from gongkai.core.models import User
from gongkai.publishing import selectors as publishing_selectors
from gongkai.publishing.models import InfoItem
from gongkai.screening import selectors, services

from .screening_forms import FindingFilterForm, OverrideForm

PAGE_SIZE = 20


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    """Published items with open findings, per body in the user's scope."""
    scope = core_selectors.organisations_for(request.user)
    form = FindingFilterForm(request.GET or None, organisations=scope)
    organisations, blocking_only = scope, False
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["org"]
        if chosen is not None:
            organisations = scope.filter(path__startswith=chosen.path)
        blocking_only = bool(form.cleaned_data["blocking"])
    items = selectors.items_with_findings(organisations, blocking_only=blocking_only)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    found = selectors.findings_of_items(page.object_list)
    rows = [(item, found.get(item.pk, [])) for item in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/screening/findings.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "sweep": selectors.last_sweep()},
    )


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer lets one blocking finding of the item through, with a reason."""
    try:
        item = publishing_selectors.item_for(request.user, pk)
    except InfoItem.DoesNotExist as exc:
        raise Http404(str(exc)) from exc
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    form = OverrideForm(request.POST)
    target = reverse("staff:item_detail", args=[item.pk]) + "#screening"
    if not form.is_valid():
        for error in form.errors.get("reason", []) or [_("请刷新页面后重试。")]:
            messages.error(request, str(error))
        return redirect(target)
    try:
        services.finding_override(
            actor=request.user,
            item=item,
            fingerprint=form.cleaned_data["fingerprint"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已确认该项审查发现，理由已记入审计记录。"))
    return redirect(target)
