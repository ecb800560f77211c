from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from .analysis import parse_synonym_line
from .models import SynonymGroup


class SynonymGroupForm(ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["terms", "is_active", "note"]

    def clean_terms(self) -> str:
        terms = str(self.cleaned_data["terms"]).strip()
        if parse_synonym_line(terms) is None:
            raise ValidationError("请至少填写两个词（用空格分隔），或按“简称 => 全称”的格式填写。")
        return terms


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    form = SynonymGroupForm
    list_display = ["terms", "is_active", "note", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["terms", "note"]
