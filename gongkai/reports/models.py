"""The annual report on open government information (政府信息公开工作年度报告, 条例第四十九条、第五十条).

Depends on core (organisations, users) and publishing (the published item); the figures are
computed from publishing's items and requests' rows by gongkai.reports.annual, and nothing in
those contexts depends on this one. Written only through gongkai.reports.services.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    """The national template by report year (国办公开办函〔2021〕30号 from 2021)."""

    F2019 = "2019", _("2019年版（2019—2020年度）")
    F2021 = "2021", _("2021年版（2021年度起）")


class ReportStatus(models.TextChoices):
    """Whether the report has been sent into publishing's review workflow. Once sent, the
    information item's own state (in review, returned, published, withdrawn) tells the rest."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已送审")


class Section(models.TextChoices):
    """The text sections of the report, in their order."""

    OVERVIEW = "overview", _("一、总体情况")
    PROACTIVE = "proactive", _("二、主动公开政府信息情况")
    ON_REQUEST = "on_request", _("三、收到和处理政府信息公开申请情况")
    REVIEW = "review", _("四、政府信息公开行政复议、行政诉讼情况")
    PROBLEMS = "problems", _("五、存在的主要问题及改进情况")
    OTHER = "other", _("六、其他需要报告的事项")


class AnnualFigures(models.Model):
    """Table II figures a body enters itself (they are not in the catalog): decisions on
    licences, penalties and enforcement, the fees collected and (2019 format) central
    procurement. One row per body and year."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="annual_figures"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    licensing_decisions = models.PositiveIntegerField(_("行政许可本年处理决定数量"), default=0)
    penalty_decisions = models.PositiveIntegerField(_("行政处罚本年处理决定数量"), default=0)
    enforcement_decisions = models.PositiveIntegerField(_("行政强制本年处理决定数量"), default=0)
    fee_amount = models.DecimalField(
        _("行政事业性收费本年收费金额（万元）"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    procurement_projects = models.PositiveIntegerField(_("政府集中采购项目数量（2019年版）"), default=0)
    procurement_amount = models.DecimalField(
        _("政府集中采购总金额（万元，2019年版）"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年报自填数据")
        verbose_name_plural = _("年报自填数据")
        ordering = ("organisation", "-year")
        constraints = (
            models.UniqueConstraint(fields=("organisation", "year"), name="annual_figures_unique_per_org_year"),
        )

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class AnnualReport(models.Model):
    """One body's report for one year: the figures as computed when last refreshed, the
    text sections, and once sent for publication the information item in the body's
    年报 column (published through publishing's review workflow)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    with_departments = models.BooleanField(_("含所属部门"), default=False)
    format = models.CharField(_("格式"), max_length=4, choices=ReportFormat.choices)
    figures = models.JSONField(_("数据"), default=dict)
    texts = models.JSONField(_("文字部分"), default=dict)
    status = models.CharField(_("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    item = models.ForeignKey(
        "publishing.InfoItem",
        verbose_name=_("发布的信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("数据计算时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ("organisation", "-year")
        constraints = (
            models.UniqueConstraint(
                fields=("organisation", "year", "with_departments"), name="annual_report_unique_per_scope"
            ),
        )

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年度报告"

    @property
    def is_published(self) -> bool:
        return self.item is not None and self.item.is_live

    @property
    def is_locked(self) -> bool:
        """Sent and not returned: in review, approved or published. The figures and texts
        stay as sent; a returned (退回) or withdrawn (撤稿) report can be corrected and sent again."""
        return self.item is not None and self.item.state in ("in_review", "approved", "published")

    @property
    def state_label(self) -> str:
        if self.item is None:
            return str(ReportStatus(self.status).label)
        if self.item.is_live:
            return "已发布"
        return f"已送审（{self.item.get_state_display()}）"
