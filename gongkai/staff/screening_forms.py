"""Forms of the screening pages of the workspace (保密审查): the findings filter and a
reviewer's override. The rules stay in screening.services."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation


class FindingFilterForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("机构"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部机构")
    )
    blocking = forms.BooleanField(label=_("只看阻止发布的问题"), required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared above)
        field.queryset = organisations


class OverrideForm(forms.Form):
    prefix = "override"

    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("确认理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("确认审查发现须写明理由。")},
        help_text=_("例如：该号码为公开的办公手机；扫描件已逐页人工核对。理由记入审计记录。"),
    )
