"""Search parameters from a query string (page, API, command line), checked at the edge.

Bad values never raise: a value that cannot be read is ignored and the user is told so;
a well-formed value that matches nothing simply finds nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from gongkai.publishing.models import Validity

from . import doctypes
from .engine import MAX_PAGE_SIZE, PAGE_SIZE, Filters, SearchRequest, Sort

FILTER_NAMES = {
    "org": "organisation",
    "column": "column",
    "subject": "subject",
    "type": "doctype",
    "year": "year",
    "validity": "validity",
}
MAX_PAGE = 100_000


@dataclass
class Parsed:
    request: SearchRequest
    all_sites: bool = False
    notices: list[str] = field(default_factory=list)


def _int(raw: str, *, low: int, high: int) -> int | None:
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse(params: Mapping[str, str], *, site_scope: list[int] | None) -> Parsed:
    """`site_scope`: the bodies of this site (None when there is no site: every body)."""
    notices: list[str] = []
    q = str(params.get("q", ""))[:2000]
    page = 1
    if params.get("page"):
        parsed_page = _int(str(params["page"]), low=1, high=MAX_PAGE)
        if parsed_page is None:
            notices.append("页码无效，已显示第 1 页。")
        else:
            page = parsed_page
    size = PAGE_SIZE
    if params.get("page_size"):
        parsed_size = _int(str(params["page_size"]), low=1, high=MAX_PAGE_SIZE)
        if parsed_size is None:
            notices.append(f"每页条数应为 1 至 {MAX_PAGE_SIZE}，已按 {PAGE_SIZE} 条显示。")
        else:
            size = parsed_size
    sort = str(params.get("sort", Sort.RELEVANCE) or Sort.RELEVANCE)
    if sort not in (Sort.RELEVANCE, Sort.DATE):
        notices.append("排序方式无效，已按相关度排序。")
        sort = Sort.RELEVANCE
    all_sites = str(params.get("scope", "")) == "all" or site_scope is None
    filters = Filters()
    for key, attr in FILTER_NAMES.items():
        raw = str(params.get(key, "") or "").strip()
        if not raw:
            continue
        value: int | str | None
        if attr in ("organisation", "column", "subject"):
            value = _int(raw, low=1, high=10**12)
        elif attr == "year":
            value = _int(raw, low=1900, high=2200)
        elif attr == "doctype":
            value = raw if raw in doctypes.all_types() else None
        else:
            value = raw if raw in Validity.values else None
        if value is None:
            notices.append(f"筛选条件“{key}={raw[:20]}”无法识别，已忽略。")
            continue
        setattr(filters, attr, value)
    request = SearchRequest(
        q=q, page=page, page_size=size, sort=sort, scope=None if all_sites else site_scope, filters=filters
    )
    return Parsed(request=request, all_sites=all_sites, notices=notices)
