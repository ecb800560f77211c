"""Search: the outbox that feeds the index, and the editable synonym list.

Depends on publishing (the items it indexes); publishing calls `outbox.enqueue` inside
its own transactions and imports nothing else from here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxOp(models.TextChoices):
    UPSERT = "upsert", _("写入")
    DELETE = "delete", _("删除")


class SearchOutbox(models.Model):
    """An item whose index entry must be brought in line with the database. Written in
    the transaction that publishes, edits or withdraws the item; drained by the
    `apply_outbox` task in the worker. Applying re-reads the item: whatever the op, the
    index ends up holding the item exactly when `public_items()` returns it."""

    item_id = models.BigIntegerField(_("信息编号"), db_index=True)
    op = models.CharField(_("操作"), max_length=10, choices=OutboxOp.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Not applied before this moment (定时发布: the publish time; 公示: the day after the end).
    due_at = models.DateTimeField(_("生效时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("检索索引待办")
        verbose_name_plural = _("检索索引待办")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_op_display()} #{self.item_id}"


class SynonymGroup(models.Model):
    """One line of the synonym list, in the format of search/data/synonyms.txt:
    "医保 医疗保障 医疗保险" (each finds the others) or "老公 => 丈夫 配偶" (one way).
    Used at query time: a change takes effect within a minute, without a rebuild."""

    terms = models.CharField(
        _("同义词"),
        max_length=300,
        help_text=_("用空格分隔，如“医保 医疗保障 医疗保险”；单向扩展写作“老公 => 丈夫 配偶”"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms
