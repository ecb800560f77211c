"""Staff-curated frequently asked questions (常见问题): a question, its variants, the answer,
the published items it rests on, the owning body and the date by which it must be reviewed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FaqEntry(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("负责机构"), on_delete=models.PROTECT, related_name="faq_entries"
    )
    question = models.CharField(_("问题"), max_length=300)
    # The normalised question (see assistant.faq.normalise); one entry per question per body.
    question_key = models.CharField(max_length=300, db_index=True, editable=False)
    variants = models.JSONField(_("相似问法"), default=list, blank=True)
    answer = models.TextField(_("答案"))
    sources = models.ManyToManyField(
        "publishing.InfoItem", verbose_name=_("来源文件"), blank=True, related_name="faq_entries"
    )
    review_due = models.DateField(_("复核日期"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects: "models.Manager[FaqEntry]" = models.Manager()

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ("organisation__path", "question")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "question_key"], name="faq_one_question_per_body")
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def review_overdue(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()


class FaqPhrase(models.Model):
    """One normalised way of asking an entry's question (the question itself and each
    variant), so that matching is one indexed lookup."""

    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="phrases")
    key = models.CharField(max_length=300, db_index=True)

    objects: "models.Manager[FaqPhrase]" = models.Manager()

    class Meta:
        verbose_name = _("常见问题问法")
        verbose_name_plural = _("常见问题问法")
        constraints = [models.UniqueConstraint(fields=["entry", "key"], name="faq_phrase_unique")]

    def __str__(self) -> str:
        return self.key
