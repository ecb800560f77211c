from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemState(models.TextChoices):
    """The state of an item's working copy (编、审、发)."""

    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    REJECTED = "rejected", _("已退回")
    APPROVED = "approved", _("已审核待发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤稿")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修改")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class DisclosureMode(models.TextChoices):
    PROACTIVE = "proactive", _("主动公开")
    ON_REQUEST = "on_request", _("依申请公开")
    NOT_DISCLOSED = "not_disclosed", _("不予公开")


class DisclosureScope(models.TextChoices):
    PUBLIC = "public", _("面向全社会")
    LIMITED = "limited", _("限定范围")


class InfoItem(models.Model):
    """An information item (政府信息). The row holds the live content once published;
    the working copy of a later revision lives in its newest ItemVersion until it is
    published (services.item_publish applies it)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="items"
    )
    column = models.ForeignKey(
        "publishing.CatalogColumn", verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField(_("标题"), max_length=300)
    issuing_organ = models.CharField(_("制发机关"), max_length=100, blank=True, help_text=_("外单位制发的文件填写"))
    index_number = models.CharField(_("索引号"), max_length=60, unique=True, null=True, blank=True)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    doc_issuer = models.CharField(_("发文机关代字"), max_length=60, blank=True)
    doc_year = models.PositiveSmallIntegerField(_("文号年份"), null=True, blank=True)
    doc_serial = models.PositiveIntegerField(_("文号序号"), null=True, blank=True)
    doc_number_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    date_written = models.DateField(_("成文日期"), null=True, blank=True)
    formed_on = models.DateField(_("形成或变更日期"), help_text=_("条例第二十六条：自该日起20个工作日内公开"))
    due_on = models.DateField(_("公开时限"), null=True, blank=True, editable=False)
    due_provisional = models.BooleanField(default=False, editable=False)
    subject = models.ForeignKey(
        "publishing.SubjectCategory", verbose_name=_("主题分类"), null=True, blank=True, on_delete=models.PROTECT
    )
    keywords = models.CharField(_("主题词"), max_length=200, blank=True)
    summary = models.TextField(_("内容概述"), blank=True)
    validity = models.CharField(_("有效性"), max_length=20, choices=Validity.choices, default=Validity.NOT_APPLICABLE)
    disclosure_mode = models.CharField(
        _("公开方式"), max_length=20, choices=DisclosureMode.choices, default=DisclosureMode.PROACTIVE
    )
    scope = models.CharField(
        _("公开范围"), max_length=10, choices=DisclosureScope.choices, default=DisclosureScope.PUBLIC
    )
    scope_groups = models.CharField(_("限定对象"), max_length=200, blank=True)
    public_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    body_html = models.TextField(_("正文"), blank=True)
    body_text = models.TextField(editable=False, blank=True)
    external_id = models.CharField(_("外部标识"), max_length=80, unique=True, null=True, blank=True)
    source_url = models.URLField(_("来源"), max_length=300, blank=True)
    related = models.ManyToManyField("self", verbose_name=_("相关信息"), blank=True)

    state = models.CharField(_("状态"), max_length=20, choices=ItemState.choices, default=ItemState.DRAFT)
    review_round = models.PositiveIntegerField(default=0, editable=False)
    review_stage = models.PositiveSmallIntegerField(_("审核环节"), default=0, editable=False)
    is_live = models.BooleanField(_("已上线"), default=False, db_index=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.CharField(_("撤稿理由"), max_length=300, blank=True)
    emergency_pending = models.BooleanField(_("紧急发布待补审"), default=False)
    emergency_reason = models.CharField(_("紧急发布理由"), max_length=300, blank=True)
    emergency_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信息")
        verbose_name_plural = _("信息")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["column", "is_live", "published_at"]),
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["organisation", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title


class ItemVersion(models.Model):
    """Every saved version of an item, kept; `snapshot` holds the editable fields."""

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    published = models.BooleanField(_("曾发布"), default=False)

    class Meta:
        verbose_name = _("信息版本")
        verbose_name_plural = _("信息版本")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_unique")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"


class ReviewDecision(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("退回")
    PUBLISH = "publish", _("发布")
    EMERGENCY_PUBLISH = "emergency_publish", _("紧急发布")
    POST_REVIEW = "post_review", _("事后审核")
    WITHDRAW = "withdraw", _("撤稿")


class ReviewAction(models.Model):
    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="review_actions")
    round = models.PositiveIntegerField()
    stage = models.PositiveSmallIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    role = models.CharField(max_length=20, blank=True)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(blank=True)
    confidentiality_attested = models.BooleanField(_("已进行保密审查"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.get_decision_display()}"


class Attachment(models.Model):
    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    file_type = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    is_original = models.BooleanField(_("原始文档"), default=False, help_text=_("导入正文所用的原始 .docx"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.original_name


class IndexSequence(models.Model):
    """The last serial used in a body's index numbers for one year; locked while a
    number is taken, so numbers are unique and never reused."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("索引号序列")
        verbose_name_plural = _("索引号序列")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="index_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.last}"
