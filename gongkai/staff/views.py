"""The staff workspace. Every read goes through a scoped selector and every write
through a service: a body outside the user's scope answers 404, as if it did not exist."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongkai.core import selectors, services
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import Organisation, Role, User
from gongkai.core.permissions import Perm, can, roles_on

from .forms import ContactForm, ThrottledAuthenticationForm


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    pass


def _user(request: HttpRequest) -> User:
    """The signed-in user of a @login_required view."""
    assert isinstance(request.user, User)  # noqa: S101 (login_required guarantees it)
    return request.user


def _org_or_404(request: HttpRequest, pk: int, perm: Perm = Perm.ORG_VIEW) -> Organisation:
    try:
        return selectors.organisation_for(request.user, pk, perm)
    except Organisation.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assignments = _user(request).role_assignments.select_related("organisation").order_by("organisation__path")
    return render(
        request,
        "staff/home.html",
        {
            "assignments": assignments,
            "can_audit": selectors.organisations_for(request.user, Perm.AUDIT_READ).exists(),
            "org_count": selectors.organisations_for(request.user).count(),
        },
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    orgs = selectors.organisations_for(request.user)
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(request, "staff/organisation_list.html", {"page": page})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org_or_404(request, pk)
    return render(
        request,
        "staff/organisation_detail.html",
        {
            "org": org,
            "my_roles": sorted(Role(r).label for r in roles_on(request.user, org)),
            "can_edit_contact": can(request.user, Perm.ORG_EDIT_CONTACT, org),
            "children": selectors.organisations_for(request.user).filter(parent=org),
        },
    )


@login_required
def organisation_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org_or_404(request, pk)
    if not can(request.user, Perm.ORG_EDIT_CONTACT, org):
        return render(
            request, "staff/forbidden.html", {"message": "您没有维护该机构公开指南联系信息的权限。"}, status=403
        )
    form = ContactForm(request.POST or None, instance=Organisation.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update_contact(
                actor=_user(request), organisation=org, **{f: form.cleaned_data[f] for f in ContactForm.Meta.fields}
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "公开指南联系信息已保存。")
            return redirect("staff:organisation_detail", pk=org.pk)
    return render(request, "staff/organisation_contact_form.html", {"org": org, "form": form})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    try:
        records = selectors.audit_records_for(request.user)
    except NotPermitted as exc:
        return render(request, "staff/forbidden.html", {"message": str(exc)}, status=403)
    action = request.GET.get("action", "").strip()
    if action:
        records = records.filter(action__startswith=action)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "staff/audit_list.html", {"page": page, "action": action})
