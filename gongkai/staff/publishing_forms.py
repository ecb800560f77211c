"""Forms of the staff publishing pages. They check input at the edge and give a Chinese
message next to the field; the rules of the workflow stay in publishing.services."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation
from gongkai.publishing import docnumber, richtext
from gongkai.publishing.models import (
    CatalogColumn,
    DisclosureMode,
    DisclosureScope,
    InfoItem,
    ItemState,
    SubjectCategory,
    Validity,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCX_MAX_BYTES = 20 * 1024 * 1024


class ColumnChoiceField(forms.ModelChoiceField[CatalogColumn]):
    """Catalog columns shown as a tree (indented under their parent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.depths: dict[int, int] = {}

    def label_from_instance(self, obj: CatalogColumn) -> str:
        label = "　" * self.depths.get(obj.pk, 0) + obj.title
        return f"{label}（{_('隐藏')}）" if obj.is_hidden else label


def column_depths(columns: list[CatalogColumn]) -> dict[int, int]:
    parents = {c.pk: c.parent_id for c in columns}
    depths: dict[int, int] = {}
    for pk in parents:
        depth, seen, current = 0, {pk}, parents.get(pk)
        while current is not None and current not in seen:
            seen.add(current)
            depth += 1
            current = parents.get(current)
        depths[pk] = depth
    return depths


def tree_ordered(columns: list[CatalogColumn]) -> list[CatalogColumn]:
    """Columns in display order with every child right after its parent."""
    children: dict[int | None, list[CatalogColumn]] = {}
    known = {c.pk for c in columns}
    for c in columns:
        children.setdefault(c.parent_id if c.parent_id in known else None, []).append(c)
    out: list[CatalogColumn] = []

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            out.append(c)
            walk(c.pk)

    walk(None)
    return out


class ItemForm(forms.Form):
    """The content of an information item (publishing.services.CONTENT_FIELDS)."""

    title = forms.CharField(
        label=_("标题"), max_length=300, required=False, help_text=_("上传 Word 文档时可不填，默认取文件名。")
    )
    column = ColumnChoiceField(label=_("栏目"), queryset=CatalogColumn.objects.none(), empty_label=_("请选择栏目"))
    formed_on = forms.DateField(
        label=_("形成或变更日期"),
        widget=DATE_WIDGET,
        help_text=_("条例第二十六条：自该日起20个工作日内公开，公开时限据此计算。"),
    )
    doc_number = forms.CharField(
        label=_("文号"), max_length=80, required=False, help_text=_("例如：达市府办发〔2026〕12号")
    )
    issuing_organ = forms.CharField(
        label=_("制发机关"), max_length=100, required=False, help_text=_("外单位制发的文件填写")
    )
    date_written = forms.DateField(label=_("成文日期"), required=False, widget=DATE_WIDGET)
    subject = forms.ModelChoiceField(
        label=_("主题分类"), queryset=SubjectCategory.objects.all(), required=False, empty_label=_("（无）")
    )
    keywords = forms.CharField(label=_("主题词"), max_length=200, required=False)
    summary = forms.CharField(label=_("内容概述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices, initial=Validity.NOT_APPLICABLE)
    disclosure_mode = forms.ChoiceField(
        label=_("公开方式"), choices=DisclosureMode.choices, initial=DisclosureMode.PROACTIVE
    )
    scope = forms.ChoiceField(label=_("公开范围"), choices=DisclosureScope.choices, initial=DisclosureScope.PUBLIC)
    scope_groups = forms.CharField(
        label=_("限定对象"), max_length=200, required=False, help_text=_("限定范围公开时必填")
    )
    public_until = forms.DateField(
        label=_("公示截止日期"), required=False, widget=DATE_WIDGET, help_text=_("公示类信息到期后不再对外显示")
    )
    body_html = forms.CharField(
        label=_("正文（HTML）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("可使用段落、标题、列表、表格和链接；脚本等内容会被拒绝。"),
    )
    docx = forms.FileField(
        label=_("或从 Word 文档导入正文（.docx）"),
        required=False,
        help_text=_("上传后正文按文档内容生成（替换上面的正文），原文档作为附件保存。"),
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        columns: QuerySet[CatalogColumn],
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # A new item may take its title from the uploaded .docx; an existing one keeps a title.
        if not creating:
            self.fields["title"].required = True
            self.fields["title"].help_text = ""
            self.fields["title"].error_messages["required"] = _("标题不能为空。")
        ordered = tree_ordered(list(columns))
        field = self.fields["column"]
        assert isinstance(field, ColumnChoiceField)  # noqa: S101
        field.queryset = columns
        field.depths = column_depths(ordered)
        field.choices = [("", field.empty_label), *((c.pk, field.label_from_instance(c)) for c in ordered)]

    def clean_title(self) -> str:
        return str(self.cleaned_data["title"]).strip()

    def clean_docx(self) -> Any:
        upload = self.cleaned_data.get("docx")
        if upload is None:
            return None
        if not str(upload.name).lower().endswith(".docx"):
            raise forms.ValidationError(_("请上传 .docx 格式的 Word 文档。"))
        if upload.size is not None and upload.size > DOCX_MAX_BYTES:
            raise forms.ValidationError(_("文档不能超过20MB。"))
        return upload

    def clean_doc_number(self) -> str:
        value = str(self.cleaned_data["doc_number"]).strip()
        if not value:
            return ""
        try:
            return docnumber.parse(value).normalised
        except docnumber.DocNumberError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_body_html(self) -> str:
        try:
            return richtext.clean(self.cleaned_data["body_html"] or "")
        except richtext.UnsafeHTMLError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        untitled = "title" in cleaned and not cleaned["title"]
        if untitled and not self.fields["title"].required and not cleaned.get("docx"):
            self.add_error("title", _("标题不能为空。"))
        if cleaned.get("scope") == DisclosureScope.LIMITED and not str(cleaned.get("scope_groups", "")).strip():
            self.add_error("scope_groups", _("限定范围公开须写明公开对象。"))
        return cleaned

    def content(self) -> dict[str, Any]:
        """The cleaned values as publishing.services.item_create / item_update take them."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title", "column", "issuing_organ", "doc_number", "date_written", "formed_on", "subject",
                "keywords", "summary", "validity", "disclosure_mode", "scope", "scope_groups", "public_until",
                "body_html",
            )
        }  # fmt: skip


def as_snapshot(content: dict[str, Any]) -> dict[str, Any]:
    """ItemForm.content() in the shape of a version snapshot, to tell whether anything changed."""
    out: dict[str, Any] = {}
    for name, value in content.items():
        if name in ("column", "subject"):
            out[f"{name}_id"] = value.pk if value is not None else None
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def initial_from_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    initial = {k: v for k, v in snapshot.items() if not k.endswith("_id")}
    initial["column"] = snapshot.get("column_id")
    initial["subject"] = snapshot.get("subject_id")
    return initial


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), error_messages={"required": _("请选择要上传的文件。")})


class ChooseOrganisationForm(forms.Form):
    org = forms.ModelChoiceField(label=_("发布机构"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organisations


# --- workflow actions -------------------------------------------------------------------


class ApproveForm(forms.Form):
    prefix = "approve"

    confidentiality_attested = forms.BooleanField(
        label=_("我已对本信息进行保密审查，未发现涉密和敏感内容（条例第十七条）"), required=False
    )
    comment = forms.CharField(label=_("审核意见（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, stage: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        if stage == 1:
            self.fields["confidentiality_attested"].required = True
            self.fields["confidentiality_attested"].error_messages["required"] = _(
                "初审须确认已进行保密审查（条例第十七条）。"
            )
        else:
            del self.fields["confidentiality_attested"]


class RejectForm(forms.Form):
    prefix = "reject"

    comment = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("退回时请填写退回意见。")},
        help_text=_("写明需要修改的内容，起草人会在待办中看到。"),
    )

    def clean_comment(self) -> str:
        value = str(self.cleaned_data["comment"]).strip()
        if not value:
            raise forms.ValidationError(_("退回时请填写退回意见。"))
        return value


class PublishForm(forms.Form):
    prefix = "publish"

    NOW = "now"
    SCHEDULED = "scheduled"
    when = forms.ChoiceField(
        label=_("发布时间"),
        choices=[(NOW, _("立即发布")), (SCHEDULED, _("定时发布"))],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    at = forms.DateTimeField(
        label=_("定时发布时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("选择“定时发布”时填写，到时自动上线。"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("when") == self.SCHEDULED and not cleaned.get("at"):
            self.add_error("at", _("请填写定时发布时间。"))
        return cleaned

    def publish_at(self) -> datetime | None:
        at: datetime | None = self.cleaned_data.get("at")
        return at if self.cleaned_data.get("when") == self.SCHEDULED else None


class EmergencyPublishForm(forms.Form):
    prefix = "emergency"

    reason = forms.CharField(
        label=_("紧急发布理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("紧急发布须写明理由。")},
        help_text=_("跳过审核环节立即发布；发布后须由他人补审。"),
    )


class PostReviewForm(forms.Form):
    prefix = "post_review"

    confidentiality_attested = forms.BooleanField(
        label=_("我已对本信息进行保密审查，未发现涉密和敏感内容（条例第十七条）"),
        error_messages={"required": _("补审须确认已进行保密审查（条例第十七条）。")},
    )
    comment = forms.CharField(label=_("补审意见（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    prefix = "withdraw"

    reason = forms.CharField(
        label=_("撤稿理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("撤稿须写明理由。")},
        help_text=_("撤稿后立即从网站下线，理由记入审计记录。"),
    )


class SubmitForm(forms.Form):
    prefix = "submit"


class ItemFilterForm(forms.Form):
    """Filters of the item list; every choice is limited to the user's scope."""

    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *ItemState.choices])
    org = forms.ModelChoiceField(
        label=_("机构"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部")
    )
    column = forms.ModelChoiceField(
        label=_("栏目"), queryset=CatalogColumn.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], columns: QuerySet[CatalogColumn], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["org"]
        column_field = self.fields["column"]
        assert isinstance(org_field, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(column_field, forms.ModelChoiceField)  # noqa: S101
        org_field.queryset = organisations
        column_field.queryset = columns


class RelatedForm(forms.Form):
    """相关信息: the items shown under this one as 相关文件, by index number."""

    prefix = "related"

    index_numbers = forms.CharField(
        label=_("相关信息的索引号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个索引号；可关联已发布的信息或本人可查看的信息。留空则清除关联。"),
    )

    def __init__(self, *args: Any, candidates: QuerySet[InfoItem], item: InfoItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates, self.item = candidates, item

    def clean_index_numbers(self) -> list[InfoItem]:
        numbers = list(dict.fromkeys(n.strip() for n in self.cleaned_data["index_numbers"].splitlines() if n.strip()))
        found = {i.index_number: i for i in self.candidates.filter(index_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(_("找不到索引号为 %(numbers)s 的信息。") % {"numbers": "、".join(missing)})
        if self.item.index_number in found:
            raise forms.ValidationError(_("不能关联信息本身。"))
        return [found[n] for n in numbers]
