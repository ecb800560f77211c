from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已认可")
    RETURNED = "returned", _("已退回")


class ProgressReport(models.Model):
    """A unit's report on one of its tasks. A returned report no longer counts; the unit
    answers with a new report."""

    task_unit = models.ForeignKey(
        "supervision.TaskUnit", verbose_name=_("责任单位"), on_delete=models.CASCADE, related_name="reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), null=True, blank=True)
    milestone = models.CharField(_("节点"), max_length=200, blank=True)
    completed = models.BooleanField(_("已完成"), default=False)
    state = models.CharField(_("审核状态"), max_length=12, choices=ReportState.choices, default=ReportState.SUBMITTED)
    office_comment = models.TextField(_("公开办意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), db_index=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100), name="report_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_unit} · {self.submitted_at:%Y-%m-%d}"


class Evidence(models.Model):
    """A piece of evidence (佐证材料): a published information item, a link or a file."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(
        "publishing.InfoItem",
        verbose_name=_("已发布信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("链接"), max_length=500, blank=True)
    file = models.FileField(_("附件"), upload_to="supervision/evidence/%Y/%m/", blank=True)
    title = models.CharField(_("名称"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.title or self.url or str(self.file)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    MONTHLY = "monthly", _("本月未报送")


class Reminder(models.Model):
    """A reminder sent to a unit; one per unit, kind and period, so a daily run never
    repeats itself."""

    task_unit = models.ForeignKey("supervision.TaskUnit", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    period = models.CharField(max_length=10)  # the due date (YYYY-MM-DD) or the month (YYYY-MM)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督办提醒")
        verbose_name_plural = _("督办提醒")
        constraints = [
            models.UniqueConstraint(fields=["task_unit", "kind", "period"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task_unit} · {self.get_kind_display()} · {self.period}"
