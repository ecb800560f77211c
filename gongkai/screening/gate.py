"""The publication gate (条例第十七条: 保密审查 before publication), as publishing calls it.

publishing.services.item_submit, item_publish and item_emergency_publish call, in this
order:

1. `prepare(...)` before their transaction: the working copy and every attachment are
   screened (only what changed since the last screening) and the findings stored, so
   that they stay on the item page for reviewers when the transition is refused;
2. `require_clear(...)` inside their transaction, with the item row locked: checks the
   stored result against the content as it is now (screening again only if it changed
   in between) and raises ScreeningBlocked when blocking findings remain that no
   reviewer has overridden. Warnings never block; they are shown to reviewers.

Publishing depends on this module only as a service call; screening depends on
publishing's models (docs/architecture.md).
"""

from collections.abc import Sequence

from gongkai.core.errors import DomainError
from gongkai.core.models import User
from gongkai.publishing.models import InfoItem

from . import display, services
from .models import ScreeningFinding, ScreeningTrigger

SUBMIT = ScreeningTrigger.SUBMIT
PUBLISH = ScreeningTrigger.PUBLISH
EMERGENCY_PUBLISH = ScreeningTrigger.EMERGENCY_PUBLISH

# How many findings the refusal message lists; the item page shows all of them.
LISTED = 10


class ScreeningBlocked(DomainError):
    """The screening found what must not be published; `findings` are the blocking
    ones (masked values), the message lists them in Chinese with their places."""

    def __init__(self, findings: Sequence[ScreeningFinding], trigger: str) -> None:
        self.findings = list(findings)
        self.trigger = trigger
        super().__init__(blocked_message(self.findings, trigger))


def describe(finding: ScreeningFinding) -> str:
    """身份证号码 5117**********1237（附件“名单.xlsx”工作表“备用”B2单元格（隐藏工作表））"""
    where = display.place_label(finding.location, finding.attachment_name)
    if finding.kind == "unscreenable":
        return f"附件“{finding.attachment_name}”无法审查：{finding.value_masked}"
    return f"{display.kind_label(finding.kind)} {finding.value_masked}（{where}）"


def blocked_message(findings: Sequence[ScreeningFinding], trigger: str) -> str:
    action = ScreeningTrigger(trigger).label
    listed = "；".join(f"{n}. {describe(f)}" for n, f in enumerate(findings[:LISTED], start=1))
    more = f"；……共 {len(findings)} 处" if len(findings) > LISTED else ""
    return (
        f"保密审查发现 {len(findings)} 处须处理的问题，不能{action}：{listed}{more}。"
        "请修改或删除后重试；确需公开的，由审核人员在“保密审查”中核实并写明理由后确认。"
    )


def prepare(*, item: InfoItem, actor: User | None, trigger: str) -> services.ScreenResult:
    """Screen the working copy and attachments and keep the findings (own transaction
    or savepoint, before the transition's)."""
    item = InfoItem.objects.select_related("organisation").get(pk=item.pk)
    return services.screen_item(item, trigger=trigger, actor=actor)


def require_clear(*, item: InfoItem, actor: User | None, trigger: str) -> services.ScreenResult:
    """Inside the transition, the item locked: refuse with ScreeningBlocked while
    blocking findings without an override remain. A publish marks the screened
    content as the live version."""
    result = services.screen_item(item, trigger=trigger, actor=actor, mark_live=trigger != SUBMIT, record=False)
    if result.blocking:
        raise ScreeningBlocked(result.blocking, trigger)
    return result
