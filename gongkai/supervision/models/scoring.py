from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoringScheme(models.Model):
    """How a plan's units are scored for the performance assessment (目标绩效考核).

    score = full_score × weighted completion − overdue_deduction × (overdue or late tasks)
            − returned_deduction × (returned reports), never below 0 (see scoring.py).
    """

    plan = models.OneToOneField("supervision.TaskPlan", on_delete=models.CASCADE, related_name="scoring")
    full_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, default=Decimal(100))
    overdue_deduction = models.DecimalField(
        _("逾期扣分（每项）"), max_digits=6, decimal_places=2, default=Decimal("0.5")
    )
    returned_deduction = models.DecimalField(_("退回扣分（每次）"), max_digits=6, decimal_places=2, default=Decimal(1))
    # {"1": "2", "3": "1.5"}: the weight of each group's tasks; absent groups weigh 1.
    group_weights = models.JSONField(_("分组权重"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("考核评分办法")
        verbose_name_plural = _("考核评分办法")

    def __str__(self) -> str:
        return f"{self.plan} · 评分办法"
