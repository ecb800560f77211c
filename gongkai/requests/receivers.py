"""Upkeep on other contexts' events: only hands over to services (CONVENTIONS)."""

import datetime as dt
from typing import Any

from django.dispatch import receiver

from gongkai.core.services import calendar_changed

from . import services


@receiver(calendar_changed, dispatch_uid="requests.recompute_deadlines")
def _on_calendar_changed(sender: Any, *, dates: list[dt.date], **kwargs: Any) -> None:
    services.request_recompute_deadlines(changed=dates)
