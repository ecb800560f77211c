"""Forms of the assistant's staff pages: validation at the edge, Chinese messages."""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation
from gongkai.publishing.models import InfoItem

from .faq import normalise
from .faq_excel import resolve_sources
from .models import FaqEntry

_SPLIT = re.compile(r"[|｜,，、;；\n]+")
MAX_VARIANTS = 30
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def source_token(item: InfoItem) -> str:
    """How a source is written in the form and in workbooks: its external id, else its 文号."""
    return item.external_id or item.doc_number or ""


class FaqForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("负责机构"), queryset=Organisation.objects.none(), empty_label=None)
    question = forms.CharField(label=_("问题"), max_length=300)
    variants = forms.CharField(
        label=_("相似问法"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个"),
    )
    answer = forms.CharField(label=_("答案"), widget=forms.Textarea(attrs={"rows": 6}))
    sources = forms.CharField(
        label=_("来源文件"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("已公开文件的外部标识或文号，每行一个"),
    )
    review_due = forms.DateField(
        label=_("复核日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organisations

    @classmethod
    def initial_for(cls, entry: FaqEntry) -> dict[str, Any]:
        return {
            "organisation": entry.organisation_id,
            "question": entry.question,
            "variants": "\n".join(entry.variants),
            "answer": entry.answer,
            "sources": "\n".join(t for t in (source_token(i) for i in entry.sources.all()) if t),
            "review_due": entry.review_due,
            "active": entry.active,
        }

    def clean_question(self) -> str:
        question = " ".join(str(self.cleaned_data["question"]).split())
        if not normalise(question):
            raise forms.ValidationError(_("请填写问题。"))
        return question

    def clean_variants(self) -> list[str]:
        lines = [" ".join(v.split()) for v in str(self.cleaned_data.get("variants") or "").splitlines()]
        lines = [v for v in lines if v]
        if len(lines) > MAX_VARIANTS:
            raise forms.ValidationError(_("相似问法最多%(n)d个。") % {"n": MAX_VARIANTS})
        if any(len(v) > 300 for v in lines):
            raise forms.ValidationError(_("每个相似问法不超过300字。"))
        return lines

    def clean_sources(self) -> list[InfoItem]:
        tokens = [t.strip() for t in _SPLIT.split(str(self.cleaned_data.get("sources") or "")) if t.strip()]
        if not tokens:
            return []
        found = resolve_sources(set(tokens))
        unknown = [t for t in tokens if t not in found]
        if unknown:
            raise forms.ValidationError(_("找不到已公开的文件：%(names)s") % {"names": "、".join(unknown)})
        return list({found[t].pk: found[t] for t in tokens}.values())


class FaqImportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("负责机构"), queryset=Organisation.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("列：问题、相似问法（用 | 分隔）、答案、来源文件（外部标识或文号）、复核日期"),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organisations

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过5MB。"))
        return bytes(upload.read())
