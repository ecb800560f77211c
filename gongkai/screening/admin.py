"""The wording rules in the admin: platform-wide, edited by platform administrators,
every save through services.wording_rule_save (audit record included)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from gongkai.core.admin import ScopedAdmin
from gongkai.core.permissions import Perm

from . import services
from .models import WordingRule


@admin.register(WordingRule)
class WordingRuleAdmin(ScopedAdmin):
    perm = Perm.ORG_MANAGE
    platform_wide = True
    list_display = ("term", "category", "severity", "suggestion", "is_active", "updated_at")
    list_filter = ("category", "severity", "is_active")
    search_fields = ("term", "suggestion", "note")
    fields = ("term", "category", "severity", "suggestion", "note", "is_active")

    def save_model(self, request: HttpRequest, obj: WordingRule, form: forms.ModelForm, change: bool) -> None:
        data: dict[str, Any] = form.cleaned_data
        saved = self._run(
            request,
            services.wording_rule_save,
            rule=obj if change else None,
            term=data["term"],
            category=data["category"],
            severity=data["severity"],
            suggestion=data.get("suggestion", ""),
            note=data.get("note", ""),
            is_active=data.get("is_active", True),
        )
        obj.pk = saved.pk
