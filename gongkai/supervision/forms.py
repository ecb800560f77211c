"""Forms of the staff pages: validation at the edge with Chinese messages; the services
hold the rules."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation
from gongkai.publishing.models import InfoItem

from .models import ScoringScheme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    percent = forms.IntegerField(label=_("完成进度（%）"), required=False, min_value=0, max_value=100)
    milestone = forms.CharField(label=_("节点"), required=False, max_length=200, help_text=_("如：已完成专栏改版"))
    completed = forms.BooleanField(label=_("本任务已完成"), required=False)
    items = forms.MultipleChoiceField(
        label=_("本单位近期发布的信息"), required=False, widget=forms.CheckboxSelectMultiple
    )
    item_refs = forms.CharField(
        label=_("其他已发布信息"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("填写信息编号或索引号，每行一个"),
    )
    urls = forms.CharField(
        label=_("链接"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一个网址")
    )
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("PDF、OFD、Word、Excel、图片或压缩包，每个不超过20MB")
    )

    def __init__(self, *args: Any, recent_items: list[InfoItem] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items_field = self.fields["items"]
        assert isinstance(items_field, forms.MultipleChoiceField)  # noqa: S101
        items_field.choices = [
            (str(i.pk), f"{i.title}（{i.published_at:%Y-%m-%d}）" if i.published_at else i.title)
            for i in recent_items or []
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["url_list"] = [u.strip() for u in (data.get("urls") or "").splitlines() if u.strip()]
        refs = list(data.get("items") or [])
        refs += [r.strip() for r in re.split(r"[\s,，;；]+", data.get("item_refs") or "") if r.strip()]
        data["item_refs_list"] = refs
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("说明需要补充的佐证材料"),
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=1000)


class ResolveForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("对应的机构"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, queryset: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = queryset


_WEIGHT_LINE = re.compile(r"^\s*(\d+)\s*[=＝:：]\s*(\S*)\s*$")


class ScoringForm(forms.Form):
    full_score = forms.DecimalField(label=_("满分"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2)
    overdue_deduction = forms.DecimalField(label=_("逾期扣分（每项）"), min_value=0, max_digits=6, decimal_places=2)
    returned_deduction = forms.DecimalField(label=_("退回扣分（每次）"), min_value=0, max_digits=6, decimal_places=2)
    task_weights = forms.CharField(
        label=_("单项任务权重"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项：任务序号=权重，如 12=2；权重留空则恢复按分组计算"),
    )

    def __init__(self, *args: Any, groups: list[tuple[int, str]], scheme: ScoringScheme | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        weights = scheme.group_weights if scheme is not None else {}
        for number, title in groups:
            self.fields[f"group_{number}"] = forms.DecimalField(
                label=f"{number}. {title}",
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=Decimal(str(weights.get(str(number), "1"))),
            )
        if scheme is not None and not self.is_bound:
            self.initial.update(
                {
                    "full_score": scheme.full_score,
                    "overdue_deduction": scheme.overdue_deduction,
                    "returned_deduction": scheme.returned_deduction,
                }
            )

    def clean_task_weights(self) -> dict[int, Decimal | None]:
        out: dict[int, Decimal | None] = {}
        for line in (self.cleaned_data.get("task_weights") or "").splitlines():
            if not line.strip():
                continue
            m = _WEIGHT_LINE.match(line)
            if m is None:
                raise forms.ValidationError(f"“{line.strip()}”应写成“任务序号=权重”。")
            try:
                out[int(m[1])] = Decimal(m[2]) if m[2] else None
            except InvalidOperation as exc:
                raise forms.ValidationError(f"“{line.strip()}”中的权重不是数字。") from exc
        return out

    def group_weights(self) -> dict[int, Decimal]:
        return {number: self.cleaned_data[f"group_{number}"] for number, _title in self.groups}
