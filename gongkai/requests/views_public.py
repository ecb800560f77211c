"""The public pages of the request desk (政府信息公开申请), per site:

- /ysqgk/                the bodies of this site that take requests;
- /ysqgk/<org>/          the application form (条例第二十九条) → the review page;
- /ysqgk/<org>/confirm/  the requester confirms: the request is submitted and its day of
                         receipt set (条例第三十一条: online, the day both sides confirm);
- /ysqgk/receipt/<pk>/   the receipt with the tracking code and the due date (and a print view);
- /ysqgk/status/         tracking code + phone or e-mail → the status page and the letters.

No account: what a browser may see is kept in its session (the requests it submitted or
looked up with the right contact), never in the URL. Submissions and lookups are counted per
client address in the cache (a Chinese 429 page past the limit). A double submit of the same
form (same hidden key) makes one request: the session remembers the key, and
services.request_submit_online finds the first request by its key.
"""

import mimetypes
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, Site
from gongkai.core.selectors import site_organisations
from gongkai.web import selectors as web_selectors
from gongkai.web.views import content_disposition, site_page

from . import selectors, services
from .forms import (
    ATTACHMENT_MAX_FILES,
    PublicRequestForm,
    PublicWithdrawForm,
    StatusLookupForm,
    new_idempotency_key,
)
from .models import DisclosureRequest, EventKind, Letter, RequestEvent

#: Online submissions per client address and hour; status lookups per address and hour.
SUBMISSIONS_PER_HOUR = 5
LOOKUPS_PER_HOUR = 30
#: Filled-in forms (each may carry attachments waiting for the confirmation) per address and hour.
DRAFTS_PER_HOUR = 30
RATE_WINDOW_SECONDS = 3600
#: How many requests one browser session remembers (receipts and lookups).
SESSION_REMEMBERS = 20
#: Uploaded attachments wait here between the form and the confirmation (at most a day).
PENDING_DIR = "requests/pending"
PENDING_MAX_AGE_SECONDS = 24 * 3600

LETTER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

_DRAFTS = "ysqgk_drafts"  # idempotency key → the entered data and the waiting attachments
_DONE = "ysqgk_done"  # idempotency key → pk of the request it made
_SEEN = "ysqgk_seen"  # pks of the requests this session may look at
#: What the public status page shows of the timeline (internal notes never).
PUBLIC_EVENTS = {
    EventKind.SUBMITTED_ONLINE,
    EventKind.CORRECTION_REQUESTED,
    EventKind.CORRECTION_RECEIVED,
    EventKind.PAUSE_STARTED,
    EventKind.PAUSE_ENDED,
    EventKind.EXTENSION_APPROVED,
    EventKind.CUSTOM_PERIOD_SET,
    EventKind.FEE_NOTICE_ISSUED,
    EventKind.FEE_PAID,
    EventKind.FEE_LAPSED,
    EventKind.REPLY,
    EventKind.ABANDONED,
    EventKind.WITHDRAWN,
    EventKind.CLOSED,
}


# --- rate limits (per client address, counted in the cache) -------------------------------


def _client() -> str:
    return audit.client_address.get() or "unknown"


def _rate_key(kind: str) -> str:
    return f"gongkai:ysqgk:{kind}:{_client()}"


def _limited(kind: str, limit: int) -> bool:
    return int(cache.get(_rate_key(kind), 0)) >= limit


def _count(kind: str) -> None:
    key = _rate_key(kind)
    if not cache.add(key, 1, timeout=RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=RATE_WINDOW_SECONDS)


def _too_many(request: HttpRequest, what: str) -> HttpResponse:
    response = render(request, "requests/public/rate_limited.html", {"what": what}, status=429)
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


# --- the session: what this browser may see -----------------------------------------------


def _remember(request: HttpRequest, pk: int) -> None:
    seen = [p for p in request.session.get(_SEEN, []) if p != pk]
    request.session[_SEEN] = [pk, *seen][:SESSION_REMEMBERS]


def _seen_request(request: HttpRequest, site: Site, pk: int) -> DisclosureRequest:
    """A request this session submitted or looked up, of a body of this site; else 404."""
    if pk not in request.session.get(_SEEN, []):
        raise Http404(_("未找到该申请，请先查询。"))
    found = (
        DisclosureRequest.objects.select_related("organisation")
        .filter(pk=pk, organisation__in=site_organisations(site))
        .first()
    )
    if found is None:
        raise Http404(_("未找到该申请，请先查询。"))
    return found


# --- attachments waiting for the confirmation --------------------------------------------


def _pending_root() -> Path:
    return Path(settings.MEDIA_ROOT) / PENDING_DIR


def _sweep_pending() -> None:
    """Remove attachments of drafts never confirmed (older than a day)."""
    root = _pending_root()
    if not root.is_dir():
        return
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for entry in root.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)


def _store_pending(key: str, uploads: list[Any]) -> list[dict[str, str]]:
    _sweep_pending()
    folder = _pending_root() / key
    shutil.rmtree(folder, ignore_errors=True)
    stored: list[dict[str, str]] = []
    if not uploads:
        return stored
    folder.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        name = f"{secrets.token_hex(8)}{Path(str(upload.name)).suffix.lower()[:10]}"
        with (folder / name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        stored.append({"file": name, "name": str(upload.name)[:200], "type": str(upload.content_type or "")})
    return stored


def _load_pending(key: str, stored: list[dict[str, str]]) -> list[SimpleUploadedFile]:
    folder = _pending_root() / key
    files = []
    for entry in stored:
        path = folder / Path(entry["file"]).name
        if path.is_file():
            content_type = entry["type"] or mimetypes.guess_type(entry["name"])[0] or "application/octet-stream"
            files.append(SimpleUploadedFile(entry["name"], path.read_bytes(), content_type=content_type))
    return files


def _drop_pending(key: str) -> None:
    shutil.rmtree(_pending_root() / key, ignore_errors=True)


# --- pages ------------------------------------------------------------------------------


def _site_body(site: Site, pk: int) -> Organisation:
    try:
        return web_selectors.site_organisation(site, pk)
    except Organisation.DoesNotExist:
        raise Http404(_("本站没有这个机构。")) from None


@site_page
@require_safe
def chooser(request: HttpRequest, site: Site) -> HttpResponse:
    """The bodies of this site that take requests, grouped by kind."""
    return render(request, "requests/public/chooser.html", {"groups": web_selectors.organisations_by_kind(site)})


@site_page
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, site: Site, org_pk: int) -> HttpResponse:
    """The form; a valid POST shows the review page (nothing is submitted yet)."""
    org = _site_body(site, org_pk)
    drafts: dict[str, Any] = request.session.get(_DRAFTS, {})
    if request.method == "POST":
        if _limited("draft", DRAFTS_PER_HOUR):
            return _too_many(request, _("填写申请"))
        form = PublicRequestForm(request.POST, request.FILES)
        if form.is_valid():
            form.check_attachments()
        if form.is_valid():
            _count("draft")
            key = form.cleaned_data["idempotency_key"]
            if key in request.session.get(_DONE, {}):
                return redirect("disclosure_requests:receipt", pk=request.session[_DONE][key])
            data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}
            previous = drafts.get(key, {})
            uploads = form.attachment_files()
            files = _store_pending(key, uploads) if uploads else previous.get("files", [])
            drafts = {k: v for k, v in drafts.items() if k != key}
            drafts[key] = {"org": org.pk, "data": data, "files": files, "at": time.time()}
            request.session[_DRAFTS] = dict(list(drafts.items())[-5:])
            return render(
                request,
                "requests/public/review.html",
                {"org": org, "rows": form.readable(), "files": files, "key": key},
            )
    else:
        key = request.GET.get("key", "")
        draft = drafts.get(key) if key else None
        if draft is not None and draft.get("org") == org.pk:
            form = PublicRequestForm(initial={**draft["data"], "idempotency_key": key})
        else:
            form = PublicRequestForm(initial={"idempotency_key": new_idempotency_key()})
    return render(
        request,
        "requests/public/form.html",
        {"org": org, "form": form, "max_files": ATTACHMENT_MAX_FILES},
    )


@site_page
@never_cache
@require_POST
def confirm(request: HttpRequest, site: Site, org_pk: int) -> HttpResponse:
    """The requester confirms what they entered: the request is submitted (once per key)."""
    org = _site_body(site, org_pk)
    key = request.POST.get("idempotency_key", "")
    done: dict[str, int] = request.session.get(_DONE, {})
    if key in done:
        return redirect("disclosure_requests:receipt", pk=done[key])
    draft = request.session.get(_DRAFTS, {}).get(key)
    if draft is None or draft.get("org") != org.pk:
        messages.error(request, _("申请表已失效，请重新填写。"))
        return redirect("disclosure_requests:apply", org_pk=org.pk)
    if _limited("submit", SUBMISSIONS_PER_HOUR):
        return _too_many(request, _("提交申请"))
    form = PublicRequestForm({**draft["data"], "idempotency_key": key})
    if not form.is_valid():  # the rules changed in between, or the session was tampered with
        messages.error(request, _("申请表已失效，请重新填写。"))
        return redirect("disclosure_requests:apply", org_pk=org.pk)
    data = form.cleaned_data
    try:
        req, created = services.request_submit_online(
            organisation=org,
            idempotency_key=key,
            requester_type=form.requester_type,
            requester_name=data["requester_name"],
            contact_person=data.get("contact_person", ""),
            id_type=data["id_type"],
            id_number=data["id_number"],
            phone=data["phone"],
            email=data.get("email", ""),
            address=data.get("address", ""),
            description=data["description"],
            delivery_form=data["delivery_form"],
            delivery_way=data["delivery_way"],
            attachments=_load_pending(key, draft.get("files", [])),
        )
    except DomainError as exc:
        form.add_error(None, str(exc))
        return render(
            request,
            "requests/public/form.html",
            {"org": org, "form": form, "max_files": ATTACHMENT_MAX_FILES},
            status=400,
        )
    if created:
        _count("submit")
    _drop_pending(key)
    request.session[_DONE] = dict(list({**done, key: req.pk}.items())[-SESSION_REMEMBERS:])
    request.session[_DRAFTS] = {k: v for k, v in request.session.get(_DRAFTS, {}).items() if k != key}
    _remember(request, req.pk)
    return redirect("disclosure_requests:receipt", pk=req.pk)


def _receipt_context(req: DisclosureRequest) -> dict[str, Any]:
    return {
        "req": req,
        "org": req.organisation,
        "attachments": list(req.attachments.order_by("pk").values_list("original_name", flat=True)),
    }


@site_page
@never_cache
@require_safe
def receipt(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    req = _seen_request(request, site, pk)
    return render(request, "requests/public/receipt.html", _receipt_context(req))


@site_page
@never_cache
@require_safe
def receipt_print(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    req = _seen_request(request, site, pk)
    return render(request, "requests/public/receipt_print.html", _receipt_context(req))


@site_page
@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest, site: Site) -> HttpResponse:
    """Tracking code + the phone or e-mail given → the status page. A wrong pair and an
    unknown code answer the same generic 未找到."""
    form = StatusLookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _limited("lookup", LOOKUPS_PER_HOUR):
            return _too_many(request, _("查询办理进度"))
        if form.is_valid():
            _count("lookup")
            found = selectors.request_find_for_requester(
                tracking_code=form.cleaned_data["tracking_code"], contact=form.cleaned_data["contact"]
            )
            if found is not None and site_organisations(site).filter(pk=found.organisation_id).exists():
                request.session.cycle_key()  # a fresh session id once the requester has proved who they are
                _remember(request, found.pk)
                return redirect("disclosure_requests:status", pk=found.pk)
            form.add_error(None, _("未找到与该查询码和联系方式相符的申请，请核对后重试。"))
            status = 404
    return render(request, "requests/public/status_lookup.html", {"form": form}, status=status)


def _public_events(req: DisclosureRequest) -> list[RequestEvent]:
    return [e for e in req.events.order_by("on", "pk") if e.kind in PUBLIC_EVENTS]


@site_page
@never_cache
@require_safe
def status(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    req = _seen_request(request, site, pk)
    return _render_status(request, req)


def _render_status(
    request: HttpRequest, req: DisclosureRequest, *, withdraw_form: PublicWithdrawForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "requests/public/status.html",
        {
            "req": req,
            "org": req.organisation,
            "events": _public_events(req),
            "letters": list(req.letters.order_by("issued_on", "pk")),
            "today": timezone.localdate(),
            "withdraw_form": (withdraw_form or PublicWithdrawForm()) if req.is_open else None,
        },
        status=status,
    )


@site_page
@never_cache
@require_POST
def status_withdraw(request: HttpRequest, site: Site, pk: int) -> HttpResponse:
    """撤回申请: the requester withdraws an open request from the status page, after entering
    the phone or e-mail of the request again (services.request_withdraw_by_requester)."""
    req = _seen_request(request, site, pk)
    form = PublicWithdrawForm(request.POST)
    if _limited("lookup", LOOKUPS_PER_HOUR):
        return _too_many(request, _("撤回申请"))
    if form.is_valid():
        _count("lookup")
        try:
            services.request_withdraw_by_requester(
                tracking_code=req.tracking_code,
                contact=form.cleaned_data["contact"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("您的申请已撤回。"))
            return redirect("disclosure_requests:status", pk=req.pk)
    req.refresh_from_db()
    if not req.is_open:
        return redirect("disclosure_requests:status", pk=req.pk)
    return _render_status(request, req, withdraw_form=form, status=400)


@never_cache
@require_safe
def status_letter(request: HttpRequest, pk: int, letter_pk: int, fmt: str) -> FileResponse:
    """A letter issued on this request, to the browser that looked the request up."""
    site = getattr(request, "site", None)
    if site is None:
        raise Http404(_("未找到该申请，请先查询。"))
    req = _seen_request(request, site, pk)
    if fmt not in LETTER_TYPES:
        raise Http404(_("没有这种格式。"))
    letter = Letter.objects.filter(pk=letter_pk, request=req).first()
    if letter is None:
        raise Http404(_("没有这份文书。"))
    field = letter.docx if fmt == "docx" else letter.pdf
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("文书文件缺失。")) from None
    response = FileResponse(handle, content_type=LETTER_TYPES[fmt])
    name = f"{letter.get_kind_display()}-{letter.number}.{fmt}"
    response["Content-Disposition"] = content_disposition(name, letter.pk, fmt)
    response["X-Content-Type-Options"] = "nosniff"
    return response
