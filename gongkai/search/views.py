"""The search page of every site, the search API (/api/v1/search), title autocomplete
and the OpenAPI document. Every surface goes through engine.search, so the page, the
API and the command line rank, filter and hide withdrawn items identically."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gongkai.core.models import Organisation, Site
from gongkai.core.selectors import site_organisations
from gongkai.web.views import site_page, site_url

from . import engine, openapi, params

FACET_LABELS = {
    "site": "网站",
    "organisation": "发布机构",
    "column": "栏目",
    "subject": "主题分类",
    "doctype": "文种",
    "year": "发布年份",
    "validity": "有效性",
}
FACET_PARAMS = {
    "organisation": "org",
    "column": "column",
    "subject": "subject",
    "doctype": "type",
    "year": "year",
    "validity": "validity",
}


def _scope(site: Site | None) -> list[int] | None:
    return list(site_organisations(site).values_list("pk", flat=True)) if site is not None else None


class _Urls:
    """The address of an item on the site its body publishes on."""

    def __init__(self, request: HttpRequest, here: Site | None, org_ids: set[int]) -> None:
        self.request = request
        self.here = here
        sites = {s.organisation_id: s for s in Site.objects.select_related("organisation")}
        self.site_of: dict[int, Site] = {}
        for pk, path in Organisation.objects.filter(pk__in=org_ids).values_list("pk", "path"):
            ancestors = [int(part) for part in path.strip("/").split("/") if part]
            site = next((sites[a] for a in reversed(ancestors) if a in sites), None)
            if site is not None:
                self.site_of[pk] = site

    def item(self, hit: engine.Hit) -> str:
        path = reverse("web:item", args=[hit.id])
        site = self.site_of.get(hit.organisation_id)
        if site is None or (self.here is not None and site.pk == self.here.pk):
            return path
        base = site_url(self.request, site).rstrip("/")
        here_prefix = reverse("web:home").rstrip("/")
        return base + path[len(here_prefix) :]


@dataclass
class FacetLink:
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetLink]


def _query_string(base: dict[str, str], **changes: str | None) -> str:
    merged = {**base}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode({k: v for k, v in merged.items() if v})


def _page_context(request: HttpRequest, response: engine.SearchResponse, parsed: params.Parsed) -> dict[str, Any]:
    current = {
        k: str(v) for k, v in request.GET.items() if k in ("q", "sort", "scope", "page_size", *FACET_PARAMS.values())
    }
    groups: list[FacetGroup] = []
    for name, values in response.facets.items():
        if not values:
            continue
        links = []
        for value in values:
            if name == "site":
                url = ""
            else:
                key = FACET_PARAMS[name]
                url = _query_string(current, **{key: None if value.selected else value.value, "page": None})
            links.append(FacetLink(label=value.label, count=value.count, selected=value.selected, url=url))
        if name != "site":
            groups.append(FacetGroup(name=name, label=FACET_LABELS[name], values=links))
        else:
            groups.insert(0, FacetGroup(name=name, label=FACET_LABELS[name], values=links))
    pages = response.pages
    number = min(response.page, pages)
    window = list(range(max(1, number - 4), min(pages, number + 4) + 1))
    return {
        "facet_groups": groups,
        "page_links": [(n, _query_string(current, page=str(n))) for n in window],
        "first_url": _query_string(current, page="1"),
        "prev_url": _query_string(current, page=str(number - 1)) if number > 1 else "",
        "next_url": _query_string(current, page=str(number + 1)) if number < pages else "",
        "suggestion_links": [
            (s, _query_string({"q": s, "scope": current.get("scope", "")})) for s in response.suggestions
        ],
        "related_links": [(s, _query_string({"q": s, "scope": current.get("scope", "")})) for s in response.related],
        "clear_url": _query_string({"q": current.get("q", ""), "scope": current.get("scope", "")}),
        "filtered": parsed.request.filters.any(),
    }


@site_page
def search_page(request: HttpRequest, site: Site) -> HttpResponse:
    """全站搜索: this site's information (or every site's), with facets, snippets and paging."""
    parsed = params.parse(request.GET, site_scope=_scope(site))
    asked = "q" in request.GET or parsed.request.filters.any()
    response = engine.search(parsed.request) if asked else engine.SearchResponse(query="")
    response.notices = parsed.notices + response.notices
    urls = _Urls(
        request,
        site,
        {h.organisation_id for h in response.hits} | ({response.direct.organisation_id} if response.direct else set()),
    )
    rows = [(hit, urls.item(hit)) for hit in response.hits]
    return render(
        request,
        "search/search.html",
        {
            "response": response,
            "rows": rows,
            "direct_url": urls.item(response.direct) if response.direct else "",
            "asked": asked,
            "all_sites": parsed.all_sites,
            "sort": parsed.request.sort,
            "start_rank": (response.page - 1) * response.page_size + 1,
            **_page_context(request, response, parsed),
        },
    )


def _hit_json(request: HttpRequest, hit: engine.Hit, urls: _Urls) -> dict[str, Any]:
    return {
        "id": hit.id,
        "external_id": hit.external_id,
        "title": hit.title,
        "doc_number": hit.doc_number,
        "index_number": hit.index_number,
        "organisation": {"id": hit.organisation_id, "name": hit.organisation},
        "column": {"id": hit.column_id, "title": hit.column},
        "subject": hit.subject,
        "type": hit.doctype,
        "validity": hit.validity,
        "published_at": hit.published_at.isoformat() if hit.published_at else None,
        "url": request.build_absolute_uri(urls.item(hit)),
        "snippet_html": str(hit.snippet),
        "title_html": str(hit.title_html),
        "score": hit.score,
    }


def search_json(request: HttpRequest) -> dict[str, Any]:
    site: Site | None = getattr(request, "site", None)
    parsed = params.parse(request.GET, site_scope=_scope(site))
    response = engine.search(parsed.request)
    org_ids = {h.organisation_id for h in response.hits} | (
        {response.direct.organisation_id} if response.direct else set()
    )
    urls = _Urls(request, site, org_ids)
    return {
        "query": response.query,
        "scope": "all" if parsed.all_sites else "site",
        "site": site.slug if site is not None and not parsed.all_sites else None,
        "sort": response.sort,
        "page": response.page,
        "page_size": response.page_size,
        "pages": response.pages,
        "total": response.total,
        "took_ms": response.took_ms,
        "notices": parsed.notices + response.notices,
        "direct": _hit_json(request, response.direct, urls) if response.direct else None,
        "results": [_hit_json(request, h, urls) for h in response.hits],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
            for name, values in response.facets.items()
        },
        "suggestions": response.suggestions,
        "related": response.related,
    }


@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/search?q=&page=&page_size=&sort=&scope=&org=&column=&subject=&type=&year=&validity="""
    response = JsonResponse(search_json(request), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"  # a withdrawal must not linger in caches
    return response


@require_GET
def api_complete(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/search/complete?q=: titles as the user types."""
    site: Site | None = getattr(request, "site", None)
    scope = None if request.GET.get("scope") == "all" else _scope(site)
    found = engine.complete(str(request.GET.get("q", "")), scope=scope)
    data = {"query": str(request.GET.get("q", ""))[:40], "completions": [{"id": c.id, "title": c.title} for c in found]}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def api_openapi(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/openapi.json"""
    return JsonResponse(
        openapi.document(server=request.build_absolute_uri("/")), json_dumps_params={"ensure_ascii": False}
    )
