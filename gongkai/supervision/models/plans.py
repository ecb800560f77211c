from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..deadlines import Deadline, DeadlineKind


class TaskPlan(models.Model):
    """A year's key tasks (e.g. 2022年全市政务公开重点工作责任分工表), issued by one body."""

    title = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    issuer = models.ForeignKey(
        "core.Organisation", verbose_name=_("印发机关"), on_delete=models.PROTECT, related_name="task_plans"
    )
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    starts_on = models.DateField(_("起始日期"), help_text=_("印发之日：按月报送和持续公开的任务从这一天起计算"))
    notes = models.TextField(_("备注"), blank=True)
    source_name = models.CharField(_("导入文件"), max_length=200, blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("结转自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_into",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重点工作计划")
        verbose_name_plural = _("重点工作计划")
        ordering = ["-year", "issuer__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "title"], name="task_plan_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """One key task: a row of the table with text in 重点工作任务."""

    plan = models.ForeignKey(TaskPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="tasks")
    seq = models.PositiveIntegerField(_("任务序号"))
    group_no = models.PositiveSmallIntegerField(_("分组序号"), null=True, blank=True)
    group = models.CharField(_("工作任务"), max_length=200, blank=True)
    subgroup = models.CharField(_("子项"), max_length=200, blank=True)
    text = models.TextField(_("重点工作任务"))
    units_text = models.TextField(_("责任单位（原文）"), blank=True)
    deadline_kind = models.CharField(
        _("时限类型"), max_length=12, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("完成时限（原文）"), max_length=60, blank=True)
    inherited = models.BooleanField(
        _("沿用上一项"), default=False, help_text=_("表中责任单位与完成时限为合并单元格，与上一项相同")
    )
    source_row = models.PositiveIntegerField(_("原表行号"), null=True, blank=True)
    weight = models.DecimalField(
        _("权重"), max_digits=6, decimal_places=2, null=True, blank=True, help_text=_("留空则按分组权重")
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("结转自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_into",
    )

    class Meta:
        verbose_name = _("重点工作任务")
        verbose_name_plural = _("重点工作任务")
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="task_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"

    @property
    def deadline(self) -> Deadline:
        return Deadline(DeadlineKind(self.deadline_kind), self.due_on)


class TaskUnit(models.Model):
    """A responsible unit of a task. `organisation` is empty for a unit the table names as a
    class of bodies (被审计市级部门（单位）): kept as text, flagged for the office."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="units")
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_task_units",
    )
    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("表中写法"), max_length=100, blank=True)
    flagged = models.BooleanField(_("待确认"), default=False)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["task", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="task_unit_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.seq} · {self.name}"
