"""Request plumbing: which site is asked for, and the client address for the audit trail."""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix, set_script_prefix

from . import audit, sitecache

_PREFIX = re.compile(r"^/site/(?P<slug>[-a-z0-9_]+)(?P<rest>/.*)?$")


class SiteMiddleware:
    """Chooses the site (集约化: one installation, many sites) by host name, or by a
    `/site/<slug>/` path prefix for local use. With a prefix, the prefix becomes part
    of the script prefix so that every reversed URL stays inside that site."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = _PREFIX.match(request.path_info)
        if match is None:
            setattr(request, "site", sitecache.site_for_host(request.get_host()))  # noqa: B010 (the stubs type request.site as contrib.sites)
            return self.get_response(request)
        site = sitecache.site_by_slug(match["slug"])
        if site is None:
            raise Http404("没有这个网站。")
        setattr(request, "site", site)  # noqa: B010
        request.path_info = match["rest"] or "/"
        previous = get_script_prefix()
        set_script_prefix(f"{previous.rstrip('/')}/site/{site.slug}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)


class ClientAddressMiddleware:
    """Puts the client's address where the audit trail finds it. Behind a reverse proxy
    set GONGKAI_TRUSTED_PROXIES to the number of proxies that append X-Forwarded-For."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted_proxies = int(getattr(settings, "GONGKAI_TRUSTED_PROXIES", 0))

    def address(self, request: HttpRequest) -> str:
        if self.trusted_proxies:
            forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            if len(forwarded) >= self.trusted_proxies:
                return forwarded[-self.trusted_proxies][:45]
        return str(request.META.get("REMOTE_ADDR", ""))[:45]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.client_address.set(self.address(request))
        try:
            return self.get_response(request)
        finally:
            audit.client_address.reset(token)
