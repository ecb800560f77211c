"""Dates and times as Chinese government sites show them (政府网站发展指引):
YYYY-MM-DD and YYYY-MM-DD HH:MM, in the site's time zone, whatever the locale's
own format says. Use: {% load gk_format %} {{ item.published_at|gk_datetime }}."""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def gk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


@register.filter
def gk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


_SIZE_UNITS = ("KB", "MB", "GB", "TB")


@register.filter
def gk_filesize(value: int | None) -> str:
    """A file size as attachments are labelled on government sites: 856 B, 12.5 KB, 3.2 MB."""
    if value is None:
        return ""
    if value < 1024:
        return f"{value} B"
    size = float(value)
    for unit in _SIZE_UNITS:
        size /= 1024
        if size < 1024 or unit == _SIZE_UNITS[-1]:
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")
