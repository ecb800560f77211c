"""Caches of the search surfaces: finished result pages, and the labels of facet buckets.

Result pages. The anonymous search page and the search API keep what they answered in a
cache shared by the server's processes, keyed by the index's generation token (which
changes with every commit of the outbox worker and every rebuild), the site, the host,
the language, the display mode and the normalised query string. Before a cached answer
is served, the items it shows are checked against `public_items()` with one query on
their ids: an item withdrawn a moment ago (before the worker has applied the outbox and
so changed the generation) makes the entry stale, and the page is computed afresh, in
which it no longer appears. The cache is `CACHES["search"]` when the settings define
it, else the default cache when that is shared (Redis, with GONGKAI_REDIS_URL), else
`resultstore.ResultStore`, one SQLite file in `search_dir()` shared by the processes of
one machine.

Facet labels. The names of bodies, catalog columns, subject categories and the site of
each body change rarely: they are kept per process for LABEL_TTL_SECONDS and dropped at
once (in this process) when one of those rows is saved or deleted (apps.py connects the
signals); other processes follow within the TTL.
"""

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils import translation

from gongkai.core import sitecache
from gongkai.core.compiled import ByIds
from gongkai.core.models import Organisation, Site
from gongkai.core.processcopy import ProcessCopy
from gongkai.publishing.models import CatalogColumn, SubjectCategory
from gongkai.publishing.selectors import public_items

from . import index
from .resultstore import ResultStore

RESULT_TTL_SECONDS = 120
LABEL_TTL_SECONDS = 300.0
RESULT_STORE = "results.sqlite3"
_STORE_ENTRIES = 5000

# --- result pages ----------------------------------------------------------------------

_stores: dict[str, ResultStore] = {}
_store_lock = threading.Lock()


# Backends that live inside one process: no use for answers shared by the web processes.
_PER_PROCESS = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


def results_cache() -> BaseCache:
    configured = getattr(settings, "CACHES", {})
    if "search" in configured:
        return caches["search"]
    if configured.get("default", {}).get("BACKEND", _PER_PROCESS[0]) not in _PER_PROCESS:
        return caches["default"]  # e.g. Redis (GONGKAI_REDIS_URL)
    path = str(Path(index.search_dir()) / RESULT_STORE)
    found = _stores.get(path)
    if found is None:
        with _store_lock:
            found = _stores.get(path)
            if found is None:
                found = ResultStore(path, {"TIMEOUT": RESULT_TTL_SECONDS, "OPTIONS": {"MAX_ENTRIES": _STORE_ENTRIES}})
                _stores[path] = found
    return found


@dataclass
class Entry:
    """A finished answer and the ids of the items it shows."""

    ids: list[int]
    content: bytes
    content_type: str
    extra: dict[str, Any] = field(default_factory=dict)


def result_key(kind: str, request: HttpRequest, *, site_id: int | None, elder: bool = False) -> str:
    """The key of an answer: the generation of the index as of now (so reload the
    reader first), the site, host, language, display mode and sorted query string."""
    index.reader()
    query = sorted((k, v) for k, values in request.GET.lists() for v in values)
    raw = "\x1f".join(
        [
            kind,
            index.generation_token(),
            str(site_id or 0),
            request.get_host(),
            translation.get_language() or "",
            sitecache.stamp(),  # the page shows the site's name, navigation and footer
            "elder" if elder else "",
            repr(query),
        ]
    )
    return "gk-search:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


_PUBLIC_IDS = ByIds(lambda now, ids: public_items(now).filter(pk__in=ids).order_by().values_list("pk"))


def all_public(ids: Iterable[int]) -> bool:
    """Whether every item is public now (one query, compiled once per number of ids)."""
    wanted = set(ids)
    if not wanted:
        return True
    return len(_PUBLIC_IDS.rows(sorted(wanted))) == len(wanted)


def get(key: str) -> Entry | None:
    """The cached answer, if its items are all still public."""
    entry = results_cache().get(key)
    if not isinstance(entry, Entry):
        return None
    if not all_public(entry.ids):
        results_cache().delete(key)
        return None
    return entry


def put(key: str, entry: Entry) -> None:
    results_cache().set(key, entry, RESULT_TTL_SECONDS)


# --- facet labels ---------------------------------------------------------------------------


@dataclass
class Labels:
    organisations: dict[int, str]
    columns: dict[int, str]
    subjects: dict[int, str]
    # body id → (site slug, site name) of the site it publishes on
    site_of: dict[int, tuple[str, str]]
    # body id → the Site it publishes on (for item addresses)
    sites: dict[int, Site]
    # site id → the bodies publishing on it, in the order of the tree (site_organisations)
    site_bodies: dict[int, list[int]] = field(default_factory=dict)


def _load_labels() -> Labels:
    sites = {s.organisation_id: s for s in Site.objects.select_related("organisation")}
    organisations: dict[int, str] = {}
    site_of: dict[int, tuple[str, str]] = {}
    site_objects: dict[int, Site] = {}
    site_bodies: dict[int, list[int]] = {}
    for pk, name, path in Organisation.objects.order_by("path").values_list("pk", "name", "path"):
        organisations[pk] = name
        ancestors = [int(part) for part in path.strip("/").split("/") if part]
        site = next((sites[a] for a in reversed(ancestors) if a in sites), None)
        if site is not None:
            site_of[pk] = (site.slug, site.name)
            site_objects[pk] = site
            site_bodies.setdefault(site.pk, []).append(pk)
    columns = dict(CatalogColumn.objects.values_list("pk", "title"))
    subjects = dict(SubjectCategory.objects.values_list("pk", "name"))
    return Labels(organisations, columns, subjects, site_of, site_objects, site_bodies)


_labels = ProcessCopy(_load_labels, lambda: LABEL_TTL_SECONDS)


def labels() -> Labels:
    """The facet labels, read at most every LABEL_TTL_SECONDS (4 queries)."""
    return _labels.get()


def forget_labels(*_args: Any, **_kwargs: Any) -> None:
    """Drop the labels (a body, column, subject or site was saved or deleted)."""
    _labels.forget()
