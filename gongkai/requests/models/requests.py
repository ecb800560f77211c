"""The request row, its timeline of events and the reviews brought against it."""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.screening.masking import mask_address, mask_email, mask_id_card, mask_name, mask_phone

from .choices import (
    OPEN_STATUSES,
    Channel,
    DeliveryForm,
    EventKind,
    IdType,
    PauseKind,
    RequesterType,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
)


def new_tracking_code() -> str:
    """A random code the requester uses to look the request up: 128 bits, not guessable."""
    return secrets.token_urlsafe(16)


class DisclosureRequest(models.Model):
    """One request for disclosure (政府信息公开申请), from registration to reply.

    Written only through gongkai.requests.services; ``version`` grows by one on every write
    (optimistic locking for forms; the services also lock the row)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="disclosure_requests"
    )
    tracking_code = models.CharField(_("查询码"), max_length=32, unique=True, default=new_tracking_code, editable=False)
    number = models.CharField(_("申请编号"), max_length=40)
    requester_type = models.CharField(_("申请人类型"), max_length=20, choices=RequesterType.choices)
    requester_name = models.CharField(_("申请人姓名或名称"), max_length=200, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    channel = models.CharField(_("提交方式"), max_length=20, choices=Channel.choices)
    contact_person = models.CharField(
        _("联系人"), max_length=100, blank=True, help_text=_("法人或其他组织提出申请时的联系人")
    )
    description = models.TextField(_("申请内容"))
    delivery_form = models.CharField(_("获取信息的载体形式"), max_length=20, choices=DeliveryForm.choices, blank=True)
    delivery_way = models.CharField(_("获取信息的方式"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    received_on = models.DateField(_("收到日期"))
    status = models.CharField(_("状态"), max_length=30, choices=RequestStatus.choices, default=RequestStatus.REGISTERED)
    result_code = models.CharField(_("办理结果"), max_length=30, choices=ResultCode.choices, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    extended = models.BooleanField(_("是否延期"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("延期工作日数"), null=True, blank=True)
    custom_period = models.PositiveSmallIntegerField(
        _("合理答复期限（条例第三十五条）"), null=True, blank=True, help_text=_("工作日数，长于20")
    )
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_disclosure_requests",
    )
    #: Sent by the public form with each submission: a double submit finds the first request.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    #: 条例第四十四条: the draft information item made from what this request released.
    released_item = models.ForeignKey(
        "publishing.InfoItem",
        verbose_name=_("转为主动公开的信息"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ("-received_on", "-pk")
        constraints = (
            models.UniqueConstraint(fields=("organisation", "number"), name="request_number_unique_per_org"),
        )
        indexes = (
            models.Index(fields=("status", "due_on"), name="request_status_due"),
            models.Index(fields=("organisation", "status"), name="request_org_status"),
        )

    def __str__(self) -> str:
        return f"{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def masked(self) -> dict[str, str]:
        """The requester's personal data as staff lists show it (screening.masking)."""
        id_number = self.id_number
        if self.id_type == IdType.ID_CARD:
            shown_id = mask_id_card(id_number)
        elif len(id_number) > 4:
            shown_id = "*" * (len(id_number) - 4) + id_number[-4:]
        else:
            shown_id = "*" * len(id_number)
        natural = self.requester_type == RequesterType.NATURAL_PERSON
        return {
            "requester_name": mask_name(self.requester_name) if natural else self.requester_name,
            "id_number": shown_id if natural or self.id_type != IdType.CREDIT_CODE else id_number,
            "phone": mask_phone(self.phone) if self.phone else "",
            "email": mask_email(self.email) if self.email else "",
            "address": mask_address(self.address) if self.address else "",
            "contact_person": mask_name(self.contact_person) if self.contact_person else "",
        }


class RequestEvent(models.Model):
    """One step on the request's timeline. Deadlines are computed from these rows."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    pause_kind = models.CharField(_("征求意见对象"), max_length=20, choices=PauseKind.choices, blank=True)
    days = models.PositiveSmallIntegerField(_("工作日数"), null=True, blank=True)
    respond_by = models.DateField(_("补正期限"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ("on", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on.isoformat()}"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "on": self.on, "pause_kind": self.pause_kind, "days": self.days}


class ReviewRecord(models.Model):
    """An administrative reconsideration or lawsuit about the request (annual-report table IV)."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("类型"), max_length=30, choices=ReviewKind.choices)
    outcome = models.CharField(_("结果"), max_length=20, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING)
    filed_on = models.DateField(_("提起日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("复议诉讼")
        verbose_name_plural = _("复议诉讼")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_outcome_display()}）"
