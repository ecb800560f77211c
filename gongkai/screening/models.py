"""Screening's rows: the admin-managed wording rules, and what the publishing gate and
the site-wide sweep keep (screened content by fingerprint, findings with masked values
only, reviewers' overrides, runs and sweeps). Depends on core and publishing models;
neither depends on it."""

from django.conf import settings
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


# --- what the publishing gate and the site-wide sweep keep -----------------------------
#
# Screening depends on publishing's models (an item, its attachments); publishing calls
# screening only as a service (screening.gate), never through these models.
#
# Never the clear value: a finding keeps its masked form only (5117**********1234),
# so the table that lists leaks does not become one.


class ScreeningTrigger(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    PUBLISH = "publish", _("发布")
    EMERGENCY_PUBLISH = "emergency_publish", _("紧急发布")
    SWEEP = "sweep", _("全站排查")


class ScreenedContent(models.Model):
    """One piece of an item as screened, by fingerprint: the item's own fields (title,
    summary, body) of one version, or one attachment. Content with a fingerprint already
    here is not screened again. `is_working` / `is_live`: the content is (part of) the
    working copy / the live version; when it is neither, its findings are resolved."""

    FIELDS = "fields"

    item = models.ForeignKey(
        "publishing.InfoItem", on_delete=models.CASCADE, related_name="screened_contents", verbose_name=_("信息")
    )
    part = models.CharField(_("部分"), max_length=40, help_text=_("fields：标题、概述和正文；attachment:<编号>：附件"))
    attachment = models.ForeignKey(
        "publishing.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attachment_name = models.CharField(_("附件名"), max_length=200, blank=True)
    fingerprint = models.CharField(
        _("内容指纹"), max_length=64, help_text=_("内容、审查规则和审查程序版本的 SHA-256；不变则不重复审查")
    )
    version = models.PositiveIntegerField(_("审查的版本"), null=True, blank=True)
    is_working = models.BooleanField(_("属于工作稿"), default=False)
    is_live = models.BooleanField(_("属于发布版本"), default=False)
    screened_at = models.DateTimeField(_("审查时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已审查内容")
        verbose_name_plural = _("已审查内容")
        constraints = [
            models.UniqueConstraint(fields=["item", "part", "fingerprint"], name="screened_content_unique"),
        ]
        indexes = [models.Index(fields=["item", "part"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.part} {self.fingerprint[:12]}"


class FindingOverride(models.Model):
    """A reviewer's written decision that a blocking finding may be published (e.g. a
    public official's listed office mobile, a scan checked by hand). Holds for the same
    finding (same fingerprint) on later screenings of the item."""

    item = models.ForeignKey(
        "publishing.InfoItem", on_delete=models.CASCADE, related_name="finding_overrides", verbose_name=_("信息")
    )
    fingerprint = models.CharField(_("发现指纹"), max_length=64)
    kind = models.CharField(_("类型"), max_length=20)
    value_masked = models.CharField(_("内容（已脱敏）"), max_length=300)
    location = models.CharField(_("位置"), max_length=300)
    attachment_name = models.CharField(_("附件名"), max_length=200, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("确认人")
    )
    reason = models.TextField(_("理由"))
    created_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审查发现确认")
        verbose_name_plural = _("审查发现确认")
        constraints = [models.UniqueConstraint(fields=["item", "fingerprint"], name="finding_override_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.value_masked}"


class ScreeningFinding(models.Model):
    """One thing found in a screened content (masked value only)."""

    content = models.ForeignKey(ScreenedContent, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        "publishing.InfoItem", on_delete=models.CASCADE, related_name="screening_findings", verbose_name=_("信息")
    )
    attachment = models.ForeignKey(
        "publishing.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attachment_name = models.CharField(_("附件名"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=20)
    value_masked = models.CharField(_("内容（已脱敏）"), max_length=300)
    location = models.CharField(_("位置"), max_length=300)
    severity = models.CharField(_("处理"), max_length=10, choices=WordingSeverity.choices)
    rule = models.CharField(_("规则"), max_length=120)
    fingerprint = models.CharField(_("发现指纹"), max_length=64, help_text=_("类型、规则、位置和脱敏内容的 SHA-256"))
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True, help_text=_("内容修改或附件删除之后"))
    override = models.ForeignKey(
        FindingOverride, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )

    class Meta:
        verbose_name = _("审查发现")
        verbose_name_plural = _("审查发现")
        ordering = ["item", "attachment_name", "id"]
        indexes = [
            models.Index(fields=["item", "resolved_at"]),
            models.Index(fields=["item", "fingerprint"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value_masked} ({self.location})"

    @property
    def is_blocking(self) -> bool:
        """Blocks publication: severity block and no reviewer's override."""
        return self.severity == WordingSeverity.BLOCK and self.override_id is None


class ScreeningSweep(models.Model):
    """One run of the site-wide sweep (个人信息泄露排查) over published items; an
    unfinished one is resumed from `last_item_id`."""

    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("范围")
    )
    since = models.DateField(_("发布日期起"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    last_item_id = models.BigIntegerField(_("已排查到"), default=0)
    items_seen = models.PositiveIntegerField(_("信息数"), default=0)
    items_screened = models.PositiveIntegerField(_("重新审查的信息数"), default=0)
    parts_screened = models.PositiveIntegerField(_("审查的内容数"), default=0)
    new_findings = models.PositiveIntegerField(_("新发现"), default=0)

    class Meta:
        verbose_name = _("全站排查")
        verbose_name_plural = _("全站排查")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"sweep {self.pk} {self.started_at:%Y-%m-%d}"


class ScreeningRun(models.Model):
    """One screening of one item: at a workflow step (提交审核, 发布) or by the sweep."""

    item = models.ForeignKey(
        "publishing.InfoItem", on_delete=models.CASCADE, related_name="screening_runs", verbose_name=_("信息")
    )
    trigger = models.CharField(_("时机"), max_length=20, choices=ScreeningTrigger.choices)
    sweep = models.ForeignKey(ScreeningSweep, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    fingerprint = models.CharField(_("内容指纹"), max_length=64)
    parts_screened = models.PositiveSmallIntegerField(_("审查的内容数"), default=0)
    parts_reused = models.PositiveSmallIntegerField(_("沿用的内容数"), default=0)
    blocking = models.PositiveIntegerField(_("阻止发布"), default=0)
    warnings = models.PositiveIntegerField(_("提示"), default=0)
    created_at = models.DateTimeField(_("审查时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审查记录")
        verbose_name_plural = _("审查记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.trigger} {self.created_at:%Y-%m-%d %H:%M}"
