"""What happened after a question was answered: 有用 / 没用 votes, and the staff triage of
refused and down-voted questions (handled, possibly turned into an FAQ entry)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .faq import FaqEntry
from .questions import AskedQuestion


class QuestionTriage(models.Model):
    """One per recorded question: its normalised (masked) text for the weekly hot list,
    whether masking found personal data (such questions never appear in public lists),
    and whether staff have handled it."""

    question = models.OneToOneField(
        AskedQuestion, primary_key=True, on_delete=models.CASCADE, related_name="triage", verbose_name=_("问题")
    )
    question_key = models.CharField(max_length=300, db_index=True)
    had_personal_data = models.BooleanField(_("含个人信息"), default=False)
    helpful_count = models.PositiveIntegerField(_("有用"), default=0)
    unhelpful_count = models.PositiveIntegerField(_("没用"), default=0)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    faq = models.ForeignKey(
        FaqEntry, verbose_name=_("转为的常见问题"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: "models.Manager[QuestionTriage]" = models.Manager()

    class Meta:
        verbose_name = _("问题处理")
        verbose_name_plural = _("问题处理")

    def __str__(self) -> str:
        return self.question_key[:40]


class AnswerFeedback(models.Model):
    """A 有用 / 没用 vote. An answer is shown to the one person who asked (the vote needs the
    answer's signed feedback token), so one vote per answer is one per answer per session."""

    question = models.OneToOneField(
        AskedQuestion, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("问题")
    )
    helpful = models.BooleanField(_("有用"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects: "models.Manager[AnswerFeedback]" = models.Manager()

    class Meta:
        verbose_name = _("问答评价")
        verbose_name_plural = _("问答评价")

    def __str__(self) -> str:
        return "有用" if self.helpful else "没用"
