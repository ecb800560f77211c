"""The admin-managed wording rules. Everything else in screening is computed, not
stored: findings are produced on demand (the publishing gate keeps what it needs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WordingCategory(models.TextChoices):
    SERIOUS_ERROR = "serious_error", _("严重表述错误")
    SENSITIVE = "sensitive", _("敏感词")
    MISSPELLING = "misspelling", _("常见错别字")


class WordingSeverity(models.TextChoices):
    BLOCK = "block", _("阻止发布")
    WARN = "warn", _("提示")


class WordingRule(models.Model):
    """A term that must not appear in what is published (a wrong or outdated official
    name, a sensitive term, a frequent misspelling of an official term)."""

    term = models.CharField(_("词语"), max_length=100, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=WordingCategory.choices)
    severity = models.CharField(_("处理"), max_length=10, choices=WordingSeverity.choices, default=WordingSeverity.WARN)
    suggestion = models.CharField(_("建议改为"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("依据或来源，如“2018年机构改革后更名”"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("表述规则")
        verbose_name_plural = _("表述规则")
        ordering = ["category", "term"]

    def __str__(self) -> str:
        return self.term
