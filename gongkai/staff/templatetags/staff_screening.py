"""`{% screening_panel item %}`: the item page's 保密审查 panel (open findings, masked
values, Chinese places; the override form for reviewers who may use it)."""

from typing import Any

from django import template

from gongkai.core.models import User
from gongkai.publishing.models import InfoItem
from gongkai.screening import selectors, services

from ..screening_forms import OverrideForm

register = template.Library()


@register.inclusion_tag("staff/screening/_panel.html", takes_context=True)
def screening_panel(context: template.Context, item: InfoItem) -> dict[str, Any]:
    user = context["request"].user
    panel = selectors.item_findings(item)
    blocker = ""
    if panel.blocking and isinstance(user, User):
        blocker = services.override_blocker(user, item)
    working_number = context.get("working_number")
    return {
        "item": item,
        "panel": panel,
        "can_override": bool(panel.blocking) and isinstance(user, User) and not blocker,
        "override_blocker": blocker,
        "stale": panel.screened_version is not None
        and working_number is not None
        and panel.screened_version != working_number,
        "working_number": working_number,
        "form": OverrideForm(),
        "csrf_token": context.get("csrf_token"),
    }
