"""Cross-app events the publishing context reacts to."""

from datetime import date
from typing import Any

from django.dispatch import receiver

from gongkai.core.services import calendar_changed

from .services import recompute_due_dates


@receiver(calendar_changed)
def _calendar_changed(sender: Any, dates: list[date], **kwargs: Any) -> None:
    # 条例第二十六条 due dates of unpublished items follow the working-day calendar.
    recompute_due_dates(dates)
