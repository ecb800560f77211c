"""Writes of the screening context: the wording rules. One function, one complete
state change (checks, row, audit record), called by the admin and any other caller."""

from django.db import transaction

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import User
from gongkai.core.permissions import Perm, require

from .models import WordingCategory, WordingRule, WordingSeverity

RULE_FIELDS = ("term", "category", "severity", "suggestion", "note", "is_active")


@transaction.atomic
def wording_rule_save(
    *,
    actor: User | None,
    rule: WordingRule | None = None,
    term: str,
    category: str,
    severity: str,
    suggestion: str = "",
    note: str = "",
    is_active: bool = True,
) -> WordingRule:
    """Create a wording rule (rule=None) or change one. Platform-wide: the rules apply
    to every body, so only a platform administrator (机构管理 over the whole tree) may
    edit them."""
    role = "" if actor is None else str(require(actor, Perm.ORG_MANAGE, None))
    term = term.strip()
    if not term:
        raise DomainError("词语不能为空。")
    if category not in WordingCategory.values:
        raise DomainError(f"未知的类别“{category}”。")
    if severity not in WordingSeverity.values:
        raise DomainError(f"未知的处理方式“{severity}”。")
    clash = WordingRule.objects.filter(term=term)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise DomainError(f"词语“{term}”已有规则。")
    before = (
        {f: getattr(WordingRule.objects.get(pk=rule.pk), f) for f in RULE_FIELDS}
        if rule is not None and rule.pk
        else {}
    )
    target = rule or WordingRule()
    target.term = term
    target.category = category
    target.severity = severity
    target.suggestion = suggestion.strip()
    target.note = note.strip()
    target.is_active = is_active
    target.save()
    after = {f: getattr(target, f) for f in RULE_FIELDS}
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            actor=actor,
            role=role,
            action="wording_rule.update" if before else "wording_rule.create",
            obj=target,
            changes=changes,
        )
    return target
