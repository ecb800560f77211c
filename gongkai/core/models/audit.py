from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """One state change, append-only. Each record carries the hash of the one before
    it, so that an edit or a deletion anywhere breaks the chain (core.audit.verify)."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("机构"), null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation_name = models.CharField(_("机构名称"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更摘要"), default=dict, blank=True)
    client_address = models.CharField(_("客户端地址"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        indexes = [models.Index(fields=["organisation", "seq"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records cannot be deleted")


class AuditChainHead(models.Model):
    """A single row locked while a record is appended, so that concurrent writers on
    PostgreSQL extend the chain one after another instead of forking it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.last_seq}"
