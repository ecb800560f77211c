"""Forms of the request desk: the public application form (条例第二十九条), the status
lookup, and the staff desk's filters, intake and action forms.

They check input at the edge and give a Chinese message next to the field; the rules of the
条例 stay in gongkai.requests.services (a DomainError there is shown on the form that asked).
Every action form carries the version of the request it was built from (optimistic lock).
"""

import datetime as dt
import re
import secrets
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core import creditcode
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.publishing import filetypes

from .deadlines import MAX_EXTENSION, REPLY_PERIOD
from .fees import FeeMethod
from .models import (
    ATTACHMENT_MAX_BYTES,
    Channel,
    DeliveryForm,
    IdType,
    PauseKind,
    RequesterType,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
    ReviewRecord,
)
from .services import MAX_CUSTOM_PERIOD, STAFF_CHANNELS, validate_id_number

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")
#: Attachments a requester may add to the application (identity proof, a letter).
ATTACHMENT_MAX_FILES = 3

NATURAL = "natural_person"
ORGANISATION = "organisation"
REQUESTER_KINDS = ((NATURAL, _("公民（自然人）")), (ORGANISATION, _("法人或者其他组织")))
ORGANISATION_TYPES = [(c.value, c.label) for c in RequesterType if c != RequesterType.NATURAL_PERSON]

#: 获取信息的方式 (the way): stored as its Chinese label in DisclosureRequest.delivery_way.
DELIVERY_WAYS = (
    ("邮寄", _("邮寄")),
    ("电子邮件", _("电子邮件")),
    ("当面领取", _("当面领取")),
    ("网站查询下载", _("网站查询下载")),
)


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(16)


def _today() -> dt.date:
    return timezone.localdate()


def clean_id(id_type: str, id_number: str) -> str:
    """The document number as stored; raises ValidationError with a Chinese message."""
    number = id_number.strip().replace(" ", "").upper()
    if not number:
        raise forms.ValidationError(_("请填写证件号码。"), code="required")
    if id_type == IdType.ID_CARD:
        try:
            return validate_id_number(id_type, number, today=_today())
        except DomainError as exc:
            raise forms.ValidationError(str(exc), code="invalid_id") from exc
    if id_type == IdType.CREDIT_CODE:
        try:
            return creditcode.validate(number)
        except creditcode.CreditCodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_credit_code") from exc
    if not re.fullmatch(r"[0-9A-Z\-]{5,40}", number):
        raise forms.ValidationError(_("证件号码应为5至40位字母或数字。"), code="invalid_id")
    return number


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE.match(value):
        raise forms.ValidationError(_("请填写有效的电话号码，例如 13812345678 或 0818-2345678。"), code="invalid")
    return value


# --- public ------------------------------------------------------------------------------


class PublicRequestForm(forms.Form):
    """政府信息公开申请表 (条例第二十九条): who asks, how to reach them, what they want, and
    in which form and way they want it. The hidden key makes a double submit one request."""

    requester_kind = forms.ChoiceField(
        label=_("申请人类型"), choices=REQUESTER_KINDS, widget=forms.RadioSelect, initial=NATURAL
    )
    organisation_type = forms.ChoiceField(
        label=_("法人或者其他组织的类型"),
        choices=ORGANISATION_TYPES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("申请人为法人或者其他组织时必选。"),
    )
    requester_name = forms.CharField(
        label=_("姓名或名称"), max_length=200, help_text=_("公民填写姓名；法人或者其他组织填写全称。")
    )
    contact_person = forms.CharField(
        label=_("联系人"), max_length=100, required=False, help_text=_("法人或者其他组织申请时必填。")
    )
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.ID_CARD)
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        help_text=_("居民身份证号码和统一社会信用代码将核对校验位。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("查询办理进度时需要填写联系电话或电子邮箱。"),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(
        label=_("通信地址"),
        max_length=300,
        required=False,
        help_text=_("选择邮寄时必填。"),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者便于查询的其他特征性描述"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    delivery_form = forms.ChoiceField(
        label=_("获取信息的载体形式"),
        choices=DeliveryForm.choices,
        widget=forms.RadioSelect,
        initial=DeliveryForm.PAPER,
    )
    delivery_way = forms.ChoiceField(
        label=_("获取信息的方式"), choices=DELIVERY_WAYS, widget=forms.RadioSelect, initial="邮寄"
    )
    idempotency_key = forms.CharField(label=_("表单标识"), widget=forms.HiddenInput, max_length=64)

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"]
        if not re.fullmatch(r"[A-Za-z0-9_\-]{16,64}", key):
            raise forms.ValidationError(_("表单已失效，请重新填写。"), code="bad_key")
        return key

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("requester_kind")
        id_type = data.get("id_type")
        if kind == ORGANISATION and not data.get("organisation_type"):
            self.add_error("organisation_type", _("请选择法人或者其他组织的类型。"))
        if kind == ORGANISATION and not data.get("contact_person", "").strip():
            self.add_error("contact_person", _("法人或者其他组织申请的，请填写联系人。"))
        if kind == NATURAL:
            data["organisation_type"] = ""
            data["contact_person"] = ""
        if kind == NATURAL and id_type == IdType.CREDIT_CODE:
            self.add_error("id_type", _("公民申请请选择居民身份证、护照等个人证件。"))
        if id_type and "id_number" in data:
            try:
                data["id_number"] = clean_id(id_type, data["id_number"])
            except forms.ValidationError as exc:
                self.add_error("id_number", exc)
        way = data.get("delivery_way")
        if way == "邮寄" and not data.get("address", "").strip():
            self.add_error("address", _("选择邮寄的，请填写通信地址。"))
        if way == "电子邮件" and not data.get("email"):
            self.add_error("email", _("选择电子邮件的，请填写电子邮箱。"))
        return data

    @property
    def requester_type(self) -> str:
        data = self.cleaned_data
        return str(data["organisation_type"] if data["requester_kind"] == ORGANISATION else NATURAL)

    def attachment_files(self) -> list[Any]:
        """The uploaded attachments (several files under one name), checked in clean_attachments."""
        return list(self.files.getlist("attachments")) if self.files else []

    def check_attachments(self) -> None:
        """At most ATTACHMENT_MAX_FILES files, each of an accepted type told by its content
        (publishing.filetypes, as the service checks it again) and within the size limit."""
        files = self.attachment_files()
        if len(files) > ATTACHMENT_MAX_FILES:
            self.add_error(None, _("最多上传%(n)d个附件。") % {"n": ATTACHMENT_MAX_FILES})
            return
        for upload in files:
            name = str(upload.name or "")
            if upload.size > ATTACHMENT_MAX_BYTES:
                limit = ATTACHMENT_MAX_BYTES // (1024 * 1024)
                self.add_error(None, _("附件“%(name)s”超过%(mb)dMB。") % {"name": name, "mb": limit})
                continue
            try:
                filetypes.check(name, upload.file)
            except DomainError as exc:
                self.add_error(None, str(exc))
            finally:
                upload.seek(0)

    def readable(self) -> list[tuple[str, str]]:
        """What the requester entered, labelled, for the confirmation page."""
        data = self.cleaned_data
        rows: list[tuple[str, str]] = [
            (str(_("申请人类型")), str(RequesterType(self.requester_type).label)),
            (str(_("姓名或名称")), data["requester_name"]),
            *([(str(_("联系人")), data["contact_person"])] if data.get("contact_person") else []),
            (str(_("证件类型")), str(IdType(data["id_type"]).label)),
            (str(_("证件号码")), data["id_number"]),
            (str(_("联系电话")), data["phone"]),
            (str(_("电子邮箱")), data.get("email") or "—"),
            (str(_("通信地址")), data.get("address") or "—"),
            (str(_("所需政府信息")), data["description"]),
            (str(_("获取信息的载体形式")), str(DeliveryForm(data["delivery_form"]).label)),
            (str(_("获取信息的方式")), data["delivery_way"]),
        ]
        return rows


class StatusLookupForm(forms.Form):
    """查询办理进度: the tracking code and the phone or e-mail given in the application."""

    tracking_code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("提交申请后回执上的查询码。"),
    )
    contact = forms.CharField(label=_("联系电话或电子邮箱"), max_length=254, help_text=_("与申请时填写的一致。"))

    def clean_tracking_code(self) -> str:
        return str(self.cleaned_data["tracking_code"]).strip()

    def clean_contact(self) -> str:
        return str(self.cleaned_data["contact"]).strip()


class PublicWithdrawForm(forms.Form):
    """撤回申请 on the status page: the requester proves the request is theirs again."""

    contact = forms.CharField(
        label=_("联系电话或电子邮箱"), max_length=254, help_text=_("请再次输入申请时填写的联系电话或电子邮箱以确认。")
    )
    reason = forms.CharField(
        label=_("撤回理由（选填）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("我确认撤回本申请。撤回后受理机关不再办理，如仍需要该信息须重新申请。"),
        error_messages={"required": _("请勾选确认撤回。")},
    )

    def clean_contact(self) -> str:
        return str(self.cleaned_data["contact"]).strip()


# --- staff desk ----------------------------------------------------------------------------


class OrganisationChoice(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class DeskFilterForm(forms.Form):
    org = OrganisationChoice(label=_("受理机关"), queryset=Organisation.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), ("open", _("在办（未办结）")), *RequestStatus.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=_("只看已超期"), required=False)
    q = forms.CharField(label=_("申请编号或内容"), required=False, max_length=100)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organisations
        field.empty_label = str(_("全部机关"))


class ChooseOrganisationForm(forms.Form):
    org = OrganisationChoice(label=_("受理机关"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organisations


class IntakeForm(forms.Form):
    """登记线下申请: in person, letter, fax, e-mail or oral (staff fill in the form)."""

    channel = forms.ChoiceField(
        label=_("提交方式"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], widget=forms.RadioSelect
    )
    requester_type = forms.ChoiceField(label=_("申请人类型"), choices=RequesterType.choices)
    requester_name = forms.CharField(label=_("姓名或名称"), max_length=200)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=[("", "—"), *IdType.choices], required=False)
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者特征性描述"), widget=forms.Textarea(attrs={"rows": 4})
    )
    delivery_form = forms.ChoiceField(
        label=_("获取信息的载体形式"), choices=[("", "—"), *DeliveryForm.choices], required=False
    )
    delivery_way = forms.CharField(label=_("获取信息的方式"), max_length=100, required=False)
    submitted_at = forms.DateTimeField(
        label=_("提交时间"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("当面或口头提出的：当面递交之时（收到之日即提交之日）。"),
    )
    signed_on = forms.DateField(
        label=_("签收日期"), required=False, widget=DATE_WIDGET, help_text=_("信函申请：签收之日。")
    )
    confirmed_on = forms.DateField(
        label=_("双方确认之日"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("传真、电子邮件：双方确认之日；无需签收的平常信函：与申请人确认之日。"),
    )
    number = forms.CharField(
        label=_("申请编号"), max_length=40, required=False, help_text=_("留空则自动编号（年份-序号）。")
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("id_number", "").strip():
            if not data.get("id_type"):
                self.add_error("id_type", _("填写证件号码时请选择证件类型。"))
            else:
                try:
                    data["id_number"] = clean_id(data["id_type"], data["id_number"])
                except forms.ValidationError as exc:
                    self.add_error("id_number", exc)
        if not any(str(data.get(f) or "").strip() for f in ("phone", "email", "address")):
            self.add_error("phone", _("请至少填写一种联系方式（电话、电子邮箱或通信地址）。"))
        channel = data.get("channel")
        if channel in (Channel.IN_PERSON, Channel.ORAL) and not data.get("submitted_at"):
            self.add_error("submitted_at", _("当面或口头提出的申请，请填写提交时间。"))
        if channel == Channel.LETTER and not (data.get("signed_on") or data.get("confirmed_on")):
            self.add_error("signed_on", _("信函申请请填写签收日期；平常信函请填写与申请人确认之日。"))
        if channel in (Channel.FAX, Channel.EMAIL) and not data.get("confirmed_on"):
            self.add_error("confirmed_on", _("传真、电子邮件申请请填写双方确认之日。"))
        return data


class LedgerImportForm(forms.Form):
    org = OrganisationChoice(label=_("导入到"), queryset=Organisation.objects.none(), empty_label=None)
    file = forms.FileField(label=_("台账文件（.xlsx 或 .csv）"))

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organisations

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = str(upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件。"), code="type")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("台账文件不能超过10MB。"), code="size")
        return upload


class DeskSettingsForm(forms.Form):
    fees_enabled = forms.BooleanField(
        label=_("收取信息处理费"),
        required=False,
        help_text=_("条例第四十二条：依申请提供政府信息不收费；申请数量、频次明显超过合理范围的，可以收取信息处理费。"),
    )
    handler_notes = forms.CharField(
        label=_("办理须知"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("显示在本机关每件申请的办理页上，供承办人员参考。"),
    )


# --- the desk's actions on one request -----------------------------------------------------


class ActionForm(forms.Form):
    """Every action posts the version the page was built from."""

    version = forms.IntegerField(label=_("版本"), widget=forms.HiddenInput, min_value=0)


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET, initial=_today, **kwargs)


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, handlers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = handlers
        field.empty_label = str(_("（不指定）"))


class AskCorrectionForm(ActionForm):
    asked_on = _date_field(_("补正通知日期"))
    what = forms.CharField(label=_("需要补正的事项"), widget=forms.Textarea(attrs={"rows": 3}))
    respond_by = forms.DateField(label=_("补正期限"), widget=DATE_WIDGET)
    late_reason = forms.CharField(
        label=_("逾期告知理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("超过收到申请之日起7个工作日才发出补正通知的，必须说明理由（条例第三十条）。"),
    )


class CorrectionReceivedForm(ActionForm):
    received_on = _date_field(_("收到补正之日"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AbandonForm(ActionForm):
    on = _date_field(_("视为放弃之日"))


class PauseForm(ActionForm):
    kind = forms.ChoiceField(label=_("征求意见对象"), choices=PauseKind.choices, widget=forms.RadioSelect)
    started_on = _date_field(_("开始日期"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(ActionForm):
    ended_on = _date_field(_("结束日期"), help_text=_("收到意见或期满之日（不计入答复期限）。"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=MAX_EXTENSION, initial=MAX_EXTENSION)
    approved_on = _date_field(_("批准日期"))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CustomPeriodForm(ActionForm):
    days = forms.IntegerField(
        label=_("合理答复期限（工作日）"),
        min_value=REPLY_PERIOD + 1,
        max_value=MAX_CUSTOM_PERIOD,
        help_text=_("条例第三十五条：申请数量、频次明显超过合理范围的，可以确定延迟答复的合理期限。"),
    )
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class FeeNoticeForm(ActionForm):
    method = forms.ChoiceField(label=_("计收方式"), choices=FeeMethod.choices, widget=forms.RadioSelect)
    quantity = forms.IntegerField(
        label=_("件数或页数"),
        min_value=1,
        max_value=100000,
        help_text=_("按件：本申请的件数（同一申请人当月累计计算）；按量：本申请的页数。通知日期为今天。"),
    )


class FeePaymentForm(ActionForm):
    notice = forms.IntegerField(label=_("收费通知"), widget=forms.HiddenInput)
    notice_version = forms.IntegerField(label=_("收费通知版本"), widget=forms.HiddenInput, min_value=0)
    paid_on = _date_field(_("缴费日期"))


class ReplyForm(ActionForm):
    result_code = forms.ChoiceField(
        label=_("办理结果"),
        choices=[(c.value, c.label) for c in ResultCode if c not in (ResultCode.OTHER_1, ResultCode.OTHER_2)],
        help_text=_("部分公开的，只登记为“部分公开”（条例第三十七条）。"),
    )
    replied_on = _date_field(_("答复日期"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(ActionForm):
    on = _date_field(_("撤回日期"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(ActionForm):
    on = _date_field(_("办结日期"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewRecordForm(ActionForm):
    kind = forms.ChoiceField(label=_("类型"), choices=ReviewKind.choices)
    outcome = forms.ChoiceField(label=_("结果"), choices=ReviewOutcome.choices, initial=ReviewOutcome.PENDING)
    filed_on = forms.DateField(label=_("提起日期"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class _ReviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        filed = f"，{obj.filed_on.isoformat()}" if obj.filed_on else ""
        return f"{obj.get_kind_display()}（{obj.get_outcome_display()}{filed}）"


class ReviewUpdateForm(ActionForm):
    """A reconsideration or lawsuit recorded earlier gets its outcome (e.g. 尚未审结 → 维持)."""

    review = _ReviewChoiceField(label=_("复议诉讼记录"), queryset=ReviewRecord.objects.none(), empty_label=None)
    outcome = forms.ChoiceField(label=_("结果"), choices=ReviewOutcome.choices)
    filed_on = forms.DateField(label=_("提起日期"), required=False, widget=DATE_WIDGET, help_text=_("留空则不变"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, reviews: QuerySet[ReviewRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["review"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = reviews


class LetterIssueForm(ActionForm):
    """出具文书: the letter's kind and what that kind must say (the rest comes from the request)."""

    kind = forms.ChoiceField(label=_("文书"), choices=())
    correction_items = forms.CharField(
        label=_("需要补正的事项（补正通知书）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    respond_by = forms.DateField(label=_("补正期限（补正通知书）"), required=False, widget=DATE_WIDGET)
    third_party_name = forms.CharField(label=_("第三方名称（征求第三方意见书）"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("理由（答复书）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予公开、无法提供、不予处理等答复应写明理由。"),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = kinds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == "correction" and not str(data.get("correction_items") or "").strip():
            self.add_error("correction_items", _("补正通知书须写明需要补正的事项（条例第三十条）。"))
        if kind == "third_party" and not str(data.get("third_party_name") or "").strip():
            self.add_error("third_party_name", _("征求第三方意见书须写明第三方名称。"))
        return data


class ReleaseForm(ActionForm):
    pass
