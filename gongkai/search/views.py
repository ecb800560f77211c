"""The search page of every site, the search API (/api/v1/search), title autocomplete
and the OpenAPI document. Every surface goes through engine.search, so the page, the
API and the command line rank, filter and hide withdrawn items identically."""

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongkai.core.models import Site
from gongkai.core.selectors import site_organisations
from gongkai.web.display import elder_mode_from
from gongkai.web.views import site_page, site_url

from . import cache, engine, openapi, params

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
    """The bodies publishing on the site, from the per-process labels (cache.py: they
    follow a change of the tree within LABEL_TTL_SECONDS), else from the database."""
    if site is None:
        return None
    bodies = cache.labels().site_bodies.get(site.pk)
    if bodies is not None:
        return list(bodies)
    return list(site_organisations(site).values_list("pk", flat=True))


class _Urls:
    """The address of an item on the site its body publishes on. The item path is
    reversed once per page, with a placeholder id replaced per hit (a reverse() per hit
    was a fortieth of a search page)."""

    _PLACEHOLDER = 918273645546372819

    def __init__(self, request: HttpRequest, here: Site | None, org_ids: set[int]) -> None:
        self.request = request
        self.here = here
        sites = cache.labels().sites
        self.site_of: dict[int, Site] = {pk: sites[pk] for pk in org_ids if pk in sites}
        self._item_path = reverse("web:item", args=[self._PLACEHOLDER])
        self._here_prefix: str | None = None

    def item(self, hit: engine.Hit) -> str:
        path = self._item_path.replace(str(self._PLACEHOLDER), str(int(hit.id)))
        site = self.site_of.get(hit.organisation_id)
        if site is None or (self.here is not None and site.pk == self.here.pk):
            return path
        base = site_url(self.request, site).rstrip("/")
        if self._here_prefix is None:
            self._here_prefix = reverse("web:home").rstrip("/")
        return base + path[len(self._here_prefix) :]


@dataclass
class FacetLink:
    label: str
    count: int
    selected: bool
    url: str
    # an estimate from a sample of the matches (engine.FACET_EXACT_MAX): shown as 约 N
    approximate: bool = False


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetLink]


def facets_html(groups: list[FacetGroup], *, filtered: bool, clear_url: str) -> SafeString:
    """The facet lists (the page's <aside>), built here rather than in the template: with
    six groups of up to 30 links they were a third of the page's rendering time. Plain
    strings escaped once each (format_html per link cost a millisecond a page)."""
    if not groups:
        return mark_safe("")
    hint = f' <span class="visually-hidden">{escape(_("已选，点击取消"))}</span>'
    approximately = escape(_("约"))
    sections = []
    for group in groups:
        items = []
        for v in group.values:
            label = escape(v.label)
            if v.url:
                current = ' aria-current="true" class="selected"' if v.selected else ""
                label = f'<a href="{escape(v.url)}"{current}>{label}</a>'
            count = f"{approximately}{v.count}" if v.approximate else str(v.count)
            items.append(f'<li>{label} <span class="muted">({count})</span>{hint if v.selected else ""}</li>')
        links = "\n".join(items)
        sections.append(f'<section class="facet">\n<h2>{escape(group.label)}</h2>\n<ul>\n{links}\n</ul>\n</section>')
    clear = f'<p><a href="{escape(clear_url)}">{escape(_("清除筛选条件"))}</a></p>' if filtered else ""
    body = "\n".join(sections)
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<aside class="search-facets" aria-label="{escape(_("筛选"))}">\n{body}\n{clear}</aside>'
    )


def results_html(rows: list[tuple[engine.Hit, str]], *, start: int) -> SafeString:
    """The ranked list (<ol>) of a page of hits with their addresses, built here for the
    reason facets_html is: per-row template nodes were a third of the page's rendering.
    Titles and snippets come marked and escaped (highlight.py); the rest is escaped here."""
    if not rows:
        return mark_safe("")
    items = []
    for hit, url in rows:
        meta = [f"<span>{escape(hit.organisation)}</span>"]
        if hit.doc_number:
            meta.append(f"<span>{escape(hit.doc_number)}</span>")
        meta.append(f'<span class="tag">{escape(hit.doctype)}</span>')
        if hit.validity != "not_applicable":
            meta.append(f"<span>{escape(hit.validity_label)}</span>")
        if hit.published_at:
            shown = timezone.localtime(hit.published_at) if timezone.is_aware(hit.published_at) else hit.published_at
            meta.append(f'<time datetime="{shown.isoformat()}">{shown:%Y-%m-%d}</time>')
        lines = "\n".join(meta)
        items.append(
            f'<li>\n<a class="item-link" href="{escape(url)}">{hit.title_html}</a>\n'
            f'<p class="snippet">{hit.snippet}</p>\n'
            f'<p class="hit-meta muted">\n{lines}\n</p>\n</li>'
        )
    body = "\n".join(items)
    return mark_safe(f'<ol class="search-list" start="{start}">\n{body}\n</ol>')  # noqa: S308 (escaped above)


def pager_html(
    number: int, pages: int, links: list[tuple[int, str]], *, first: str, prev: str, next_: str
) -> SafeString:
    """The page links (<nav class="pager">), built here for the reason results_html is:
    two translated words per link in the template were a fifth of the page's rendering."""
    if pages <= 1:
        return mark_safe("")
    before, after = escape(_("第")), escape(_("页"))
    items = []
    if prev:
        items.append(f'<li><a href="{escape(first)}">{escape(_("首页"))}</a></li>')
        items.append(f'<li><a href="{escape(prev)}" rel="prev">{escape(_("上一页"))}</a></li>')
    for n, url in links:
        current = ' aria-current="page"' if n == number else ""
        items.append(
            f'<li><a href="{escape(url)}"{current}><span class="visually-hidden">{before}</span>{n}'
            f'<span class="visually-hidden">{after}</span></a></li>'
        )
    if next_:
        items.append(f'<li><a href="{escape(next_)}" rel="next">{escape(_("下一页"))}</a></li>')
    status = escape(_("第 %(number)s / %(pages)s 页") % {"number": number, "pages": pages})
    body = "\n".join(items)
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<nav class="pager" aria-label="{escape(_("分页"))}">\n<ul>\n{body}\n</ul>\n'
        f'<p class="pager-status">{status}</p>\n</nav>'
    )


def _query_string(base: dict[str, str], **changes: str | None) -> str:
    merged = {**base}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode({k: v for k, v in merged.items() if v})


def _param(key: str, value: str) -> str:
    """urlencode({key: value}); a value of ASCII letters and digits (the ids and years of
    most facet links) as it is, without a quoting pass."""
    if value.isascii() and value.isalnum():
        return f"{key}={value}"
    return urlencode({key: value})


def _toggle_urls(current: dict[str, str], key: str) -> tuple[str, str, str]:
    """The query string of `current` without "page", cut around `key` (in its place, or
    at the end): (before, after, without) such that a link setting key=v is
    before & key=v & after, and `without` drops the key. Equal to _query_string(current,
    key=v, page=None) for every v, with one urlencode per group instead of per link."""
    keys = [k for k in current if k != "page"]
    at = keys.index(key) if key in keys else len(keys)
    before = urlencode([(k, current[k]) for k in keys[:at] if current[k]])
    after = urlencode([(k, current[k]) for k in keys[at + 1 :] if current[k]])
    return before, after, "?" + "&".join(p for p in (before, after) if p)


def _page_context(request: HttpRequest, response: engine.SearchResponse, parsed: params.Parsed) -> dict[str, Any]:
    current = {
        k: str(v) for k, v in request.GET.items() if k in ("q", "sort", "scope", "page_size", *FACET_PARAMS.values())
    }
    groups: list[FacetGroup] = []
    for name, values in response.facets.items():
        if not values:
            continue
        links = []
        key = FACET_PARAMS.get(name, "")
        before, after, without = _toggle_urls(current, key) if key else ("", "", "")
        for value in values:
            if not key:  # the site group: counts only
                url = ""
            elif value.selected or not value.value:
                url = without
            else:
                url = "?" + "&".join(p for p in (before, _param(key, value.value), after) if p)
            links.append(
                FacetLink(
                    label=value.label,
                    count=value.count,
                    selected=value.selected,
                    url=url,
                    approximate=value.approximate,
                )
            )
        if name != "site":
            groups.append(FacetGroup(name=name, label=FACET_LABELS[name], values=links))
        else:
            groups.insert(0, FacetGroup(name=name, label=FACET_LABELS[name], values=links))
    pages = response.pages
    number = min(response.page, pages)
    window = list(range(max(1, number - 4), min(pages, number + 4) + 1))
    filtered = parsed.request.filters.any()
    clear_url = _query_string({"q": current.get("q", ""), "scope": current.get("scope", "")})
    return {
        "facets_html": facets_html(groups, filtered=filtered, clear_url=clear_url),
        "pager_html": pager_html(
            response.page,
            pages,
            [(n, _query_string(current, page=str(n))) for n in window],
            first=_query_string(current, page="1"),
            prev=_query_string(current, page=str(number - 1)) if number > 1 else "",
            next_=_query_string(current, page=str(number + 1)) if number < pages else "",
        ),
        "suggestion_links": [
            (s, _query_string({"q": s, "scope": current.get("scope", "")})) for s in response.suggestions
        ],
        "related_links": [(s, _query_string({"q": s, "scope": current.get("scope", "")})) for s in response.related],
        "filtered": filtered,
    }


def _shown_ids(response: engine.SearchResponse) -> list[int]:
    return [h.id for h in response.hits] + ([response.direct.id] if response.direct else [])


@site_page
def search_page(request: HttpRequest, site: Site) -> HttpResponse:
    """全站搜索: this site's information (or every site's), with facets, snippets and paging.
    Anonymous visitors' pages come from the result cache when the index has not changed
    and every item shown is still public (cache.py)."""
    key = ""
    if not request.user.is_authenticated:
        key = cache.result_key("page", request, site_id=site.pk, elder=elder_mode_from(request))
        entry = cache.get(key)
        if entry is not None:
            return HttpResponse(entry.content, content_type=entry.content_type)
    page, ids = _search_page(request, site)
    if key and page.status_code == 200:
        cache.put(key, cache.Entry(ids=ids, content=page.content, content_type=page["Content-Type"]))
    return page


def _search_page(request: HttpRequest, site: Site) -> tuple[HttpResponse, list[int]]:
    """The page and the ids of the items it shows."""
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
    start_rank = (response.page - 1) * response.page_size + 1
    page = render(
        request,
        "search/search.html",
        {
            "response": response,
            "results_html": results_html(rows, start=start_rank),
            "direct_url": urls.item(response.direct) if response.direct else "",
            "asked": asked,
            "all_sites": parsed.all_sites,
            "sort": parsed.request.sort,
            **_page_context(request, response, parsed),
        },
    )
    return page, _shown_ids(response)


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
            name: [
                {
                    "value": v.value,
                    "label": v.label,
                    "count": v.count,
                    "selected": v.selected,
                    "approximate": v.approximate,
                }
                for v in values
            ]
            for name, values in response.facets.items()
        },
        "suggestions": response.suggestions,
        "related": response.related,
    }


@require_GET
def api_search(request: HttpRequest) -> HttpResponse:
    """GET /api/v1/search?q=&page=&page_size=&sort=&scope=&org=&column=&subject=&type=&year=&validity=
    Answers come from the result cache when the index has not changed and every item
    in them is still public (cache.py)."""
    site: Site | None = getattr(request, "site", None)
    key = cache.result_key("api", request, site_id=site.pk if site is not None else None)
    entry = cache.get(key)
    if entry is not None:
        response = HttpResponse(entry.content, content_type=entry.content_type)
    else:
        data = search_json(request)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        ids = [r["id"] for r in data["results"]] + ([data["direct"]["id"]] if data["direct"] else [])
        cache.put(key, cache.Entry(ids=ids, content=response.content, content_type=response["Content-Type"]))
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
