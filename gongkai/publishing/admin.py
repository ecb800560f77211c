"""Catalog configuration in the admin: columns (add, rename, reorder, hide; statutory
ones cannot be deleted), subject categories and per-body publishing settings. Every save
goes through publishing.services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.core.admin import ScopedAdmin
from gongkai.core.models import Role
from gongkai.core.permissions import Perm, organisations_where

from . import services
from .models import CatalogColumn, PublishingSettings, SubjectCategory


@admin.register(CatalogColumn)
class CatalogColumnAdmin(ScopedAdmin):
    perm = Perm.SITE_MANAGE
    list_display = ("title", "organisation", "parent", "key", "position", "is_hidden")
    list_filter = ("is_hidden",)
    search_fields = ("title", "organisation__name", "slug")
    ordering = ("organisation__path", "position")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("organisation", "parent", "title", "slug", "position", "description")
        return ("organisation", "parent", "key", "slug", "title", "position", "is_hidden")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organisation", "parent", "key", "slug") if obj else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_where(request.user, Perm.SITE_MANAGE)
        if db_field.name == "parent":
            kwargs["queryset"] = CatalogColumn.objects.filter(
                organisation__in=organisations_where(request.user, Perm.SITE_MANAGE)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj) and (obj is None or not obj.is_statutory)

    def save_model(self, request: HttpRequest, obj: CatalogColumn, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            self._run(
                request,
                services.column_update,
                column=obj,
                title=data["title"],
                position=data["position"],
                is_hidden=data["is_hidden"],
            )
            return
        created = self._run(
            request,
            services.column_create,
            organisation=data["organisation"],
            parent=data.get("parent"),
            title=data["title"],
            slug=data["slug"],
            position=data.get("position") or 0,
            description=data.get("description", ""),
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: CatalogColumn) -> None:
        self._run(request, services.column_delete, column=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CatalogColumn]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(SubjectCategory)
class SubjectCategoryAdmin(ScopedAdmin):
    perm = Perm.ORG_MANAGE
    platform_wide = True
    list_display = ("name", "position")
    search_fields = ("name",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and self._allowed(request)

    def save_model(self, request: HttpRequest, obj: SubjectCategory, form: forms.ModelForm, change: bool) -> None:
        created = self._run(
            request, services.subject_create, name=form.cleaned_data["name"], position=form.cleaned_data["position"]
        )
        obj.pk = created.pk


STAGE_CHOICES = [(r.value, r.label) for r in (Role.REVIEWER_FIRST, Role.REVIEWER_SECOND, Role.REVIEWER_FINAL)]


class PublishingSettingsForm(forms.ModelForm):
    stage_roles = forms.MultipleChoiceField(
        label="审核环节",
        choices=STAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="按初审、复审、终审的顺序办理",
    )

    class Meta:
        model = PublishingSettings
        fields = ("organisation", "stage_roles", "index_pattern")

    def clean_stage_roles(self) -> list[str]:
        chosen = set(self.cleaned_data["stage_roles"])
        return [value for value, _label in STAGE_CHOICES if value in chosen]


@admin.register(PublishingSettings)
class PublishingSettingsAdmin(ScopedAdmin):
    perm = Perm.SITE_MANAGE
    form = PublishingSettingsForm
    list_display = ("organisation", "stage_roles", "index_pattern")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organisation",) if obj else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_where(request.user, Perm.SITE_MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: PublishingSettings, form: forms.ModelForm, change: bool) -> None:
        saved = self._run(
            request,
            services.settings_update,
            organisation=obj.organisation if change else form.cleaned_data["organisation"],
            stage_roles=form.cleaned_data["stage_roles"],
            index_pattern=form.cleaned_data["index_pattern"],
        )
        obj.pk = saved.pk
