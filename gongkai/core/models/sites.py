from django.db import models
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    """One public website of the consolidated platform (集约化): the city portal or a
    county portal. Departments and townships publish inside the site of the nearest
    government above them that owns one."""

    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("网站名称"), max_length=100)
    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("主办机构"), on_delete=models.PROTECT, related_name="site"
    )
    hosts = models.TextField(_("域名"), blank=True, help_text=_("每行一个域名，如 www.dazhou.gov.cn"))
    is_default = models.BooleanField(_("默认站点"), default=False, help_text=_("域名不匹配时使用的站点"))
    sponsor = models.CharField(_("主办单位"), max_length=100, blank=True)
    operator = models.CharField(_("承办单位"), max_length=100, blank=True)
    site_code = models.CharField(_("网站标识码"), max_length=20, blank=True)
    icp_number = models.CharField(_("ICP备案号"), max_length=50, blank=True)
    police_number = models.CharField(_("公安备案号"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("网站")
        verbose_name_plural = _("网站")
        ordering = ["organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="one_default_site")
        ]

    def __str__(self) -> str:
        return self.name

    def host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hosts.splitlines() if h.strip()]


class SiteColumnKind(models.TextChoices):
    HOME = "home", _("首页")
    OPENNESS = "openness", _("政务公开")
    SERVICES = "services", _("政务服务")
    INTERACTION = "interaction", _("互动交流")
    SEARCH = "search", _("搜索")
    LINK = "link", _("外部链接")


class SiteColumn(models.Model):
    """A column of a site's main navigation; each site keeps its own, renamed,
    reordered or hidden by its administrators."""

    site = models.ForeignKey(Site, verbose_name=_("网站"), on_delete=models.CASCADE, related_name="columns")
    title = models.CharField(_("栏目名称"), max_length=30)
    kind = models.CharField(_("栏目类型"), max_length=20, choices=SiteColumnKind.choices)
    url = models.URLField(_("链接地址"), blank=True, help_text=_("仅外部链接栏目使用"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    is_hidden = models.BooleanField(_("隐藏"), default=False)

    class Meta:
        verbose_name = _("网站栏目")
        verbose_name_plural = _("网站栏目")
        ordering = ["site", "position", "id"]

    def __str__(self) -> str:
        return f"{self.site} · {self.title}"
