from typing import Any

from django.http import HttpRequest

from gongkai.core.selectors import site_navigation


def site(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "site", None)
    return {"site": current, "site_nav": site_navigation(current) if current is not None else []}
