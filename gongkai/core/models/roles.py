from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("信息员")
    REVIEWER_FIRST = "reviewer_first", _("初审")
    REVIEWER_SECOND = "reviewer_second", _("复审")
    REVIEWER_FINAL = "reviewer_final", _("终审")
    OFFICE_OFFICER = "office_officer", _("公开办经办人")
    OFFICE_HEAD = "office_head", _("公开办负责人")
    SUPERVISOR = "supervisor", _("监督员")
    # 三员分立: the three administrators are kept apart (see core.permissions).
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("安全审计员")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class RoleAssignment(models.Model):
    """A user holds a role within one body, optionally over its descendants too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    include_descendants = models.BooleanField(_("含下级机构"), default=False)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
