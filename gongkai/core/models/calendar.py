from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日")
    WORKDAY = "workday", _("调休工作日")


class CalendarOverride(models.Model):
    """An official holiday or make-up working day that the bundled calendar data lacks
    or gets wrong. Consulted before the bundled data (core.workdays)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, help_text=_("如 春节、国庆节"))
    source_notice = models.CharField(
        _("依据文件"), max_length=200, help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}"
