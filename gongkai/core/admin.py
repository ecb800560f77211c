"""Configuration through Django's admin. Every page asks core.permissions (never
Django's model permissions or is_superuser) and every save calls a service, so the
admin behaves exactly like the staff workspace and the command line."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from . import services
from .errors import DomainError
from .models import AuditRecord, CalendarOverride, Organisation, RoleAssignment, Site, SiteColumn, User
from .permissions import Perm, can, organisations_where
from .services import CONTACT_FIELDS

admin.site.site_header = "政务公开平台配置"
admin.site.site_title = "政务公开平台"
admin.site.index_title = "配置"


class ScopedAdmin(admin.ModelAdmin):
    """Rows are visible and editable only within the bodies where the user's roles
    carry `perm`; `org_field` names the path from the row to its body."""

    perm: Perm = Perm.ORG_MANAGE
    org_field: str | None = "organisation"
    platform_wide = False  # the permission is held only platform-wide (organisation=None)

    def _org_of(self, obj: Any) -> Organisation | None:
        if self.org_field is None:
            return obj if isinstance(obj, Organisation) else None
        target: Any = obj
        for part in self.org_field.split("__"):
            target = getattr(target, part)
        return target if isinstance(target, Organisation) else None

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.platform_wide:
            return can(request.user, self.perm, None)
        if obj is None:
            return organisations_where(request.user, self.perm).exists()
        return can(request.user, self.perm, self._org_of(obj))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if self.platform_wide:
            return qs if can(request.user, self.perm, None) else qs.none()
        scope = organisations_where(request.user, self.perm)
        if self.org_field is None:
            return qs.filter(pk__in=scope)
        return qs.filter(**{f"{self.org_field}__in": scope})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _run(self, request: HttpRequest, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(actor=request.user, **kwargs)
        except DomainError as exc:
            messages.error(request, str(exc))
            raise PermissionDenied(str(exc)) from exc


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    perm = Perm.ORG_MANAGE
    org_field = None
    list_display = ("name", "short_name", "kind", "parent", "credit_code", "index_code")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "credit_code")
    ordering = ("path",)
    fields = ("name", "short_name", "kind", "parent", "credit_code", "index_code", "position", *CONTACT_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Identity and place in the tree are fixed once created; the contact data
        # of the disclosure guide stays editable.
        return ("name", "short_name", "kind", "parent", "credit_code", "index_code", "position") if obj else ()

    def save_model(self, request: HttpRequest, obj: Organisation, form: forms.ModelForm, change: bool) -> None:
        contact = {f: form.cleaned_data.get(f, "") or "" for f in CONTACT_FIELDS}
        if change:
            self._run(request, services.organisation_update_contact, organisation=obj, **contact)
            return
        created = self._run(
            request,
            services.organisation_create,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            parent=form.cleaned_data.get("parent"),
            short_name=form.cleaned_data.get("short_name", ""),
            credit_code=form.cleaned_data.get("credit_code", ""),
            index_code=form.cleaned_data.get("index_code", ""),
            position=form.cleaned_data.get("position") or 0,
            **contact,
        )
        obj.pk = created.pk


class SiteColumnInline(admin.TabularInline):
    model = SiteColumn
    extra = 0
    fields = ("title", "kind", "url", "position", "is_hidden")
    readonly_fields = ("kind",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or can(request.user, Perm.SITE_MANAGE, obj.organisation)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(Site)
class SiteAdmin(ScopedAdmin):
    perm = Perm.SITE_MANAGE
    list_display = ("name", "slug", "organisation", "is_default", "site_code")
    fields = ("organisation", "slug", "name", "is_default", *services.SITE_FIELDS[1:])
    inlines = (SiteColumnInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organisation", "slug") if obj else ()

    def save_model(self, request: HttpRequest, obj: Site, form: forms.ModelForm, change: bool) -> None:
        fields = {f: form.cleaned_data[f] for f in services.SITE_FIELDS if f in form.cleaned_data}
        if change:
            self._run(request, services.site_update, site=obj, is_default=form.cleaned_data["is_default"], **fields)
            return
        name = fields.pop("name")
        created = self._run(
            request,
            services.site_create,
            organisation=form.cleaned_data["organisation"],
            slug=form.cleaned_data["slug"],
            name=name,
            is_default=form.cleaned_data["is_default"],
            **fields,
        )
        obj.pk = created.pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance.pk:
                data = inline_form.cleaned_data
                self._run(
                    request,
                    services.site_column_save,
                    column=inline_form.instance,
                    title=data["title"],
                    position=data["position"],
                    is_hidden=data["is_hidden"],
                    url=data.get("url", ""),
                )


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ScopedAdmin):
    perm = Perm.CALENDAR_MANAGE
    platform_wide = True
    list_display = ("date", "kind", "name", "source_notice", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A wrong date is corrected by deleting the override and adding the right one.
        return ("date",) if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: forms.ModelForm, change: bool) -> None:
        saved = self._run(
            request,
            services.calendar_override_set,
            day=obj.date if change else form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            source_notice=form.cleaned_data["source_notice"],
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        self._run(request, services.calendar_override_delete, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "organisation", "role", "include_descendants")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    perm = Perm.ROLE_GRANT
    form = RoleAssignmentForm
    list_display = ("user", "organisation", "role", "include_descendants", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "organisation__name")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_where(request.user, Perm.ROLE_GRANT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: forms.ModelForm, change: bool) -> None:
        created = self._run(
            request,
            services.role_grant,
            user=form.cleaned_data["user"],
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            include_descendants=form.cleaned_data["include_descendants"],
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        self._run(request, services.role_revoke, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class UserCreateForm(forms.ModelForm):
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ("username", "full_name")


@admin.register(User)
class UserAdmin(ScopedAdmin):
    perm = Perm.ROLE_GRANT
    org_field = "role_assignments__organisation"
    list_display = ("username", "full_name", "is_active", "last_login")
    search_fields = ("username", "full_name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        scope = organisations_where(request.user, self.perm)
        return User.objects.filter(role_assignments__organisation__in=scope).distinct()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and self._allowed(request)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("username", "full_name", "password") if obj is None else ("username", "full_name", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("username", "full_name", "is_active") if obj else ()

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        created = self._run(
            request,
            services.user_create,
            username=form.cleaned_data["username"],
            full_name=form.cleaned_data.get("full_name", ""),
            password=form.cleaned_data["password"],
        )
        obj.pk = created.pk


@admin.register(AuditRecord)
class AuditRecordAdmin(ScopedAdmin):
    perm = Perm.AUDIT_READ
    list_display = ("seq", "created_at", "actor_name", "role", "organisation_name", "action", "object_repr")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "action")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if can(request.user, self.perm, None):
            return AuditRecord.objects.all()
        return super().get_queryset(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
