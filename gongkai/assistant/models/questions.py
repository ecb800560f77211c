"""What the assistant was asked: the question with personal data masked, never the raw text."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AskedQuestion(models.Model):
    question_masked = models.TextField(_("问题（已脱敏）"))
    refused = models.BooleanField(_("未能作答"), default=False)
    cited_external_ids = models.JSONField(_("引用的文件"), default=list, blank=True)
    latency_ms = models.FloatField(_("耗时（毫秒）"), default=0.0)
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True, db_index=True)

    objects: "models.Manager[AskedQuestion]" = models.Manager()

    class Meta:
        verbose_name = _("政策问答记录")
        verbose_name_plural = _("政策问答记录")
        ordering = ("-asked_at",)

    def __str__(self) -> str:
        return self.question_masked[:40]
