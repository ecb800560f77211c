from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnKey(models.TextChoices):
    """The statutory columns every body keeps (条例第十二条、第十九条至第二十一条)."""

    GUIDE = "guide", _("政府信息公开指南")
    SYSTEM = "system", _("政府信息公开制度")
    STATUTORY = "statutory", _("法定主动公开内容")
    FUNCTIONS = "functions", _("机构职能")
    LEADERS = "leaders", _("负责人信息")
    POLICY = "policy", _("政策文件")
    RULES = "rules", _("规章")
    NORMATIVE = "normative", _("行政规范性文件")
    OTHER_DOCS = "other_docs", _("其他文件")
    PLANS = "plans", _("规划信息")
    STATISTICS = "statistics", _("统计信息")
    BUDGET = "budget", _("财政预决算")
    LICENSING = "licensing", _("行政许可")
    PENALTIES = "penalties", _("行政处罚和行政强制")
    FEES = "fees", _("行政事业性收费")
    PROCUREMENT = "procurement", _("政府采购")
    MAJOR_PROJECTS = "major_projects", _("重大建设项目")
    # 条例第二十一条: city and county governments.
    MUNICIPAL = "municipal", _("市政建设")
    PUBLIC_SERVICES = "public_services", _("公共服务")
    PUBLIC_WELFARE = "public_welfare", _("公益事业")
    LAND_EXPROPRIATION = "land_expropriation", _("土地征收")
    HOUSE_EXPROPRIATION = "house_expropriation", _("房屋征收")
    PUBLIC_SECURITY = "public_security", _("治安管理")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助")
    ANNUAL_REPORT = "annual_report", _("政府信息公开年报")


class CatalogColumn(models.Model):
    """A column of a body's disclosure catalog (政府信息公开专栏). Statutory columns are
    created for every body and cannot be deleted; administrators add their own."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="catalog_columns"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级栏目"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField(_("栏目名称"), max_length=50)
    slug = models.SlugField(_("栏目标识"), max_length=50)
    key = models.CharField(_("法定栏目"), max_length=30, choices=ColumnKey.choices, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    is_hidden = models.BooleanField(_("隐藏"), default=False)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("目录栏目")
        verbose_name_plural = _("目录栏目")
        ordering = ["organisation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="catalog_column_slug_unique"),
            models.UniqueConstraint(
                fields=["organisation", "key"], condition=~models.Q(key=""), name="catalog_column_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.display_short_name} · {self.title}"

    @property
    def is_statutory(self) -> bool:
        return bool(self.key)


class SubjectCategory(models.Model):
    """主题分类: a managed list, e.g. 科技、教育\\教育."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题分类")
        verbose_name_plural = _("主题分类")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
