"""What every public page needs: the current site, its navigation and the display mode."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from gongkai.core import sitecache
from gongkai.core.models import SiteColumn, SiteColumnKind

from .display import elder_mode_from

# The URL of each kind of column, and the pages that belong to it (for aria-current).
COLUMN_URLS: dict[str, str] = {
    SiteColumnKind.HOME: "web:home",
    SiteColumnKind.OPENNESS: "web:openness",
    SiteColumnKind.SERVICES: "web:services",
    SiteColumnKind.INTERACTION: "web:interaction",
    SiteColumnKind.SEARCH: "web:search",
}
PAGE_COLUMN: dict[str, str] = {
    "home": SiteColumnKind.HOME,
    "openness": SiteColumnKind.OPENNESS,
    "organisation": SiteColumnKind.OPENNESS,
    "column": SiteColumnKind.OPENNESS,
    "item": SiteColumnKind.OPENNESS,
    "services": SiteColumnKind.SERVICES,
    "interaction": SiteColumnKind.INTERACTION,
    "search": SiteColumnKind.SEARCH,
}


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    external: bool
    current: bool


def _current_kind(request: HttpRequest) -> str | None:
    match = request.resolver_match
    if match is None or match.app_name != "web":
        return None
    return PAGE_COLUMN.get(match.url_name or "")


def nav_items(request: HttpRequest, columns: list[SiteColumn]) -> list[NavItem]:
    current = _current_kind(request)
    items = []
    for column in columns:
        if column.kind == SiteColumnKind.LINK:
            if column.url:
                items.append(NavItem(column.title, column.url, external=True, current=False))
            continue
        url_name = COLUMN_URLS.get(column.kind)
        if url_name is not None:
            items.append(NavItem(column.title, reverse(url_name), external=False, current=column.kind == current))
    return items


def site(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "site", None)
    return {
        "site": current,
        # read only when the navigation is rendered, not when it is copied ({% memo %})
        "site_nav": SimpleLazyObject(
            lambda: nav_items(request, sitecache.navigation(current) if current is not None else [])
        ),
        "elder_mode": elder_mode_from(request),
    }
