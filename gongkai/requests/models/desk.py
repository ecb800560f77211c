"""The request desk around a request: the requester's attachments, the body's desk settings,
fee notices (收费通知) and the reminders already sent."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.requests.fees import FeeMethod

from .requests import DisclosureRequest

#: Largest attachment a requester may upload with an online request.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _attachment_path(instance: "RequestAttachment", filename: str) -> str:
    """A random name: the original one (personal data, often) stays in the row only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"requests/{instance.request_id or 0}/{secrets.token_hex(16)}{suffix}"


class RequestAttachment(models.Model):
    """A file the requester sent with the request (identity proof, a description ...).

    Holds personal data: served only to those who may see the request's personal data
    (selectors.can_see_personal_data), never from a public URL."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")
        ordering = ("request", "pk")

    def __str__(self) -> str:
        return self.original_name


class DeskSettings(models.Model):
    """What a body's openness office decides for its desk. A body without a row has the
    defaults (selectors.desk_settings_for)."""

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="desk_settings"
    )
    #: 条例第四十二条: disclosure is free by default; a body may charge 信息处理费.
    fees_enabled = models.BooleanField(_("收取信息处理费"), default=False)
    handler_notes = models.TextField(_("办理须知"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("依申请公开设置")
        verbose_name_plural = _("依申请公开设置")

    def __str__(self) -> str:
        return str(self.organisation)


class FeeNoticeStatus(models.TextChoices):
    FREE = "free", _("不收费")
    ISSUED = "issued", _("待缴费")
    PAID = "paid", _("已缴费")
    LAPSED = "lapsed", _("逾期未缴")


class FeeNotice(models.Model):
    """A fee notice (收费通知书) for one request, by one method (国办函〔2020〕109号).

    A notice whose amount is nil (within the requester's free items this month) is kept
    with status FREE: it still counts the items of the month for the next one."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="fee_notices")
    method = models.CharField(_("计收方式"), max_length=20, choices=FeeMethod.choices)
    quantity = models.PositiveIntegerField(_("件数或页数"))
    earlier_items = models.PositiveIntegerField(_("本月此前已计件数"), default=0)
    amount = models.PositiveIntegerField(_("金额（元）"))
    bands = models.JSONField(_("计费明细"), default=list)
    issued_on = models.DateField(_("通知日期"))
    pay_by = models.DateField(_("缴费期限"), null=True, blank=True)
    pay_by_provisional = models.BooleanField(default=False)
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=FeeNoticeStatus.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收费通知")
        verbose_name_plural = _("收费通知")
        ordering = ("issued_on", "pk")
        indexes = (models.Index(fields=("status", "pay_by"), name="fee_notice_status_pay_by"),)

    def __str__(self) -> str:
        return f"{self.request} {self.get_method_display()} {self.amount}元"


class ReminderKind(models.TextChoices):
    DUE5 = "due5", _("距答复期限5个工作日")
    DUE2 = "due2", _("距答复期限2个工作日")
    OVERDUE = "overdue", _("已超过答复期限")
    CONSULT5 = "consult5", _("距征求意见期限5个工作日")
    CONSULT2 = "consult2", _("距征求意见期限2个工作日")
    CONSULT_OVER = "consultod", _("已超过征求意见期限")


class ReminderSent(models.Model):
    """A reminder sent about a request, for the due date it was computed against: each kind is
    sent once per due date (a recomputed due date may earn a new one)."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("提醒类型"), max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField(_("答复期限"))
    sent_on = models.DateField(_("提醒日期"))

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        constraints = (
            models.UniqueConstraint(fields=("request", "kind", "due_on"), name="request_reminder_once_per_due"),
        )

    def __str__(self) -> str:
        return f"{self.request} {self.get_kind_display()} {self.due_on.isoformat()}"
