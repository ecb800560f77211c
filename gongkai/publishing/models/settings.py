from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_STAGE_ROLES = ["reviewer_first", "reviewer_second", "reviewer_final"]
DEFAULT_INDEX_PATTERN = "{code}/{year}-{serial:05d}"


def default_stage_roles() -> list[str]:
    return list(DEFAULT_STAGE_ROLES)


class PublishingSettings(models.Model):
    """Per body: the review stages (三审 by default) and the index-number format."""

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="publishing_settings"
    )
    stage_roles = models.JSONField(
        _("审核环节"), default=default_stage_roles, help_text=_("每个审核环节由哪个角色办理，1至3个环节")
    )
    index_pattern = models.CharField(
        _("索引号格式"),
        max_length=60,
        default=DEFAULT_INDEX_PATTERN,
        help_text=_(
            "可用：{code} 机构代码、{credit_code} 统一社会信用代码、{year} 年、{yyyymm} 年月、{serial:05d} 流水号"
        ),
    )

    class Meta:
        verbose_name = _("发布设置")
        verbose_name_plural = _("发布设置")

    def __str__(self) -> str:
        return str(self.organisation)
