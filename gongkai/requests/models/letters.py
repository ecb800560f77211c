"""Official letters of the request desk (告知书/通知书/答复书): numbering series, the office's
templates and the issued letters archived with the request.

Depends on core (organisations, users) and on the request models; written only through
gongkai.requests.letter_services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .requests import DisclosureRequest


class LetterKind(models.TextChoices):
    """The letters of 条例第三十条、第三十二条、第三十三条、第四十二条 and the reply (第三十六条至第三十九条)."""

    CORRECTION = "correction", "补正通知书"
    EXTENSION = "extension", "延期答复告知书"
    THIRD_PARTY = "third_party", "征求第三方意见书"
    FEE = "fee", "收费通知书"
    REPLY = "reply", "政府信息公开申请答复书"


class ReplyGroup(models.TextChoices):
    """One reply template per 办理结果 group (annual-report table III, 三（一）至（六）)."""

    DISCLOSED = "disclosed", "予以公开"
    PARTLY_DISCLOSED = "partly_disclosed", "部分公开"
    WITHHELD = "withheld", "不予公开"
    CANNOT_PROVIDE = "cannot_provide", "无法提供"
    NOT_PROCESSED = "not_processed", "不予处理"
    OTHER = "other", "其他处理"


class LetterSeries(models.Model):
    """A body's letter numbers for one year: 达市府办信复〔2026〕12号. The row is locked while a
    number is taken (select_for_update), so numbers never repeat; a new year starts at 1."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="letter_series"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    prefix = models.CharField(_("发文字号前缀"), max_length=40)
    last = models.PositiveIntegerField(_("已用最大序号"), default=0)

    class Meta:
        verbose_name = _("文书编号序列")
        verbose_name_plural = _("文书编号序列")
        constraints = (models.UniqueConstraint(fields=("organisation", "year"), name="letter_series_unique_year"),)

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕"


def _template_path(instance: "LetterTemplate", filename: str) -> str:
    return f"letter_templates/{instance.organisation_id}/{filename}"


class LetterTemplate(models.Model):
    """An office's own .docx template for one kind (and, for replies, one result group).
    Without a row the default template shipped in gongkai/requests/letter_templates/ is used."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("机关"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter_templates",
    )
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    result_group = models.CharField(_("答复类型"), max_length=20, choices=ReplyGroup.choices, blank=True)
    file = models.FileField(_("模板文件"), upload_to=_template_path)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        constraints = (
            models.UniqueConstraint(
                fields=("organisation", "kind", "result_group"), name="letter_template_unique_per_kind"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_result_group_display()}".strip()


def _letter_path(instance: "Letter", filename: str) -> str:
    return f"letters/{instance.year}/{filename}"


class Letter(models.Model):
    """One issued letter, archived with its request: the number, both files and the context
    it was rendered from (so the text can be shown again without re-rendering)."""

    request = models.ForeignKey(
        DisclosureRequest, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="letters"
    )
    series = models.ForeignKey(
        LetterSeries, verbose_name=_("编号序列"), on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    result_code = models.CharField(_("办理结果"), max_length=30, blank=True)
    number = models.CharField(_("文号"), max_length=80)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    docx = models.FileField(_("Word 文件"), upload_to=_letter_path)
    pdf = models.FileField(_("PDF 文件"), upload_to=_letter_path)
    issued_on = models.DateField(_("发文日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    context = models.JSONField(_("文书内容"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ("request", "issued_on", "pk")
        constraints = (models.UniqueConstraint(fields=("series", "seq"), name="letter_unique_seq_in_series"),)

    def __str__(self) -> str:
        return self.number
