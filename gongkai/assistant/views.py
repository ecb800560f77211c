"""The policy assistant's public surfaces: the JSON API (/api/v1/assistant/...), its streaming
variant, 有用 / 没用 feedback, the weekly hot questions, and the plain page /wd/ that works
without scripts.

CSRF and state. The API is token-less (csrf_exempt) and state-free: it reads no cookie,
sets none and acts for nobody, so a forged cross-site request can do nothing a direct
request could not; the site's own panel, other government pages and API clients call it
alike. What protects it instead is a rate limit per client address (RATE_LIMIT requests per
RATE_WINDOW seconds, counted in the cache) and length limits. A vote needs the answer's
feedback token (signed with SECRET_KEY, naming the stored question): only whoever received
the answer can vote on it, once.
"""

import json
import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import Site
from gongkai.core.selectors import site_organisations
from gongkai.web.views import site_page

from . import answering, selectors, services
from .models import AskedQuestion

logger = logging.getLogger(__name__)

RATE_LIMIT = 30
RATE_WINDOW = 60
# Longer questions are refused with 400 (the answer reads the first MAX_QUESTION_CHARS anyway).
MAX_INPUT_CHARS = 1000
REQUEST_FORM_URL = "/ysqgk/"
_TOKEN_SALT = "gongkai.assistant.feedback"  # noqa: S105 (a signing salt, not a secret)
EMPTY_MESSAGE = "请输入要咨询的问题。"
LONG_MESSAGE = f"问题太长了，请控制在{answering.MAX_QUESTION_CHARS}字以内。"
RATE_MESSAGE = "提问太频繁了，请稍后再试。"


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _client(request: HttpRequest) -> str:
    return audit.client_address.get() or str(request.META.get("REMOTE_ADDR", "")) or "unknown"


def rate_limited(request: HttpRequest, bucket: str = "ask") -> bool:
    """Count this request against the client's window; True when over the limit."""
    limit = int(getattr(settings, "GONGKAI_ASSISTANT_RATE_LIMIT", RATE_LIMIT))
    key = f"gongkai:assistant:{bucket}:{_client(request)}"
    if cache.add(key, 1, timeout=RATE_WINDOW):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW)
        count = 1
    return count > limit


def feedback_token(question: AskedQuestion) -> str:
    return signing.dumps(question.pk, salt=_TOKEN_SALT)


def _question_from_token(token: str, question_id: Any) -> AskedQuestion | None:
    try:
        pk = signing.loads(token, salt=_TOKEN_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    if str(pk) != str(question_id):
        return None
    return AskedQuestion.objects.filter(pk=pk).first()


def _scope(request: HttpRequest, slug: str) -> tuple[list[int] | None, str]:
    """The organisations whose documents answer: the named site's, else the current site's."""
    site: Site | None
    if slug:
        site = Site.objects.select_related("organisation").filter(slug=slug).first()
        if site is None:
            return None, "没有这个网站。"
    else:
        site = getattr(request, "site", None)
    if site is None:
        return None, ""
    return list(site_organisations(site).values_list("pk", flat=True)), ""


def _citation_json(c: answering.Citation) -> dict[str, str]:
    return {
        "title": c.title,
        "doc_number": c.doc_number,
        "article": c.article,
        "url": c.url,
        "external_id": c.external_id,
        "basis": c.basis,
    }


def answer_json(asked: services.Asked) -> dict[str, Any]:
    result = asked.answer
    return {
        "question": result.question,
        "answer": "".join(s.text for s in result.sentences) if not result.refused else result.message,
        "message": result.message,
        "sentences": [{"text": s.text, "citation": _citation_json(s.citation)} for s in result.sentences],
        "citations": [_citation_json(c) for c in result.citations],
        "basis": result.basis,
        "refused": result.refused,
        "follow_ups": result.follow_ups,
        "interpretations": result.interpretations,
        "missing_terms": result.missing_terms,
        "search_url": result.search_url,
        "request_url": REQUEST_FORM_URL,
        "request_hint": result.request_hint,
        "source": asked.source,
        "took_ms": result.took_ms,
        "question_id": asked.question.pk if asked.question else None,
        "feedback_token": feedback_token(asked.question) if asked.question else "",
    }


def _read_question(request: HttpRequest) -> tuple[str, str, str | None]:
    """(question, site slug, error message)."""
    try:
        data = json.loads(request.body.decode("utf-8") or "{}") if request.body else {}
    except (UnicodeDecodeError, ValueError):
        return "", "", "请求格式不正确，应为 JSON。"
    if not isinstance(data, dict):
        return "", "", "请求格式不正确，应为 JSON 对象。"
    question, site = data.get("question", ""), data.get("site", "") or ""
    if not isinstance(question, str) or not isinstance(site, str):
        return "", "", "question 和 site 应为字符串。"
    question = question.strip()
    if not question:
        return "", "", EMPTY_MESSAGE
    if len(question) > MAX_INPUT_CHARS:
        return "", "", LONG_MESSAGE
    return question, site, None


def _prepare(request: HttpRequest) -> tuple[str, list[int] | None, JsonResponse | None]:
    if rate_limited(request):
        return "", None, _error(RATE_MESSAGE, status=429)
    question, slug, problem = _read_question(request)
    if problem:
        return "", None, _error(problem)
    scope, problem = _scope(request, slug)
    if problem:
        return "", None, _error(problem)
    return question, scope, None


@csrf_exempt
@require_POST
def api_ask(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/assistant/ask {"question", "site"?}: the cited answer or a refusal."""
    question, scope, failure = _prepare(request)
    if failure is not None:
        return failure
    return _json(answer_json(services.question_ask(question, scope=scope)))


def _line(event: str, **data: Any) -> bytes:
    return (json.dumps({"event": event, **data}, ensure_ascii=False) + "\n").encode("utf-8")


def _events(question: str, scope: list[int] | None) -> Iterator[bytes]:
    yield _line("start", question=question[: answering.MAX_QUESTION_CHARS])
    try:
        # Each step goes out as soon as it is ready: the lead at once, then every sentence
        # (an LLM's checked sentences one by one as the model writes them), then the rest.
        for step in services.question_stream(question, scope=scope):
            if step.answer is not None:
                yield _line("message", text=step.answer.message, refused=step.answer.refused)
            elif step.sentence is not None:
                sentence = step.sentence
                yield _line("sentence", text=sentence.text, citation=_citation_json(sentence.citation))
            elif step.asked is not None:
                payload = answer_json(step.asked)
    except Exception:
        # The status line has gone out already: say so in the stream, and log the failure.
        logger.exception("assistant: answering failed")
        yield _line("error", error="暂时无法回答，请稍后再试。")
        return
    yield _line(
        "citations",
        citations=payload["citations"],
        basis=payload["basis"],
        follow_ups=payload["follow_ups"],
        interpretations=payload["interpretations"],
    )
    yield _line(
        "done",
        refused=payload["refused"],
        answer=payload["answer"],
        question_id=payload["question_id"],
        feedback_token=payload["feedback_token"],
        search_url=payload["search_url"],
        request_url=payload["request_url"],
        missing_terms=payload["missing_terms"],
        source=payload["source"],
    )


@csrf_exempt
@require_POST
def api_ask_stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """POST /api/v1/assistant/ask/stream: the same answer as NDJSON events (start, message,
    sentence…, citations, done), each line sent as soon as it is ready."""
    question, scope, failure = _prepare(request)
    if failure is not None:
        return failure
    response = StreamingHttpResponse(_events(question, scope), content_type="application/x-ndjson; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _vote(request: HttpRequest, *, question_id: Any, token: str, helpful: Any) -> tuple[int, str]:
    if rate_limited(request, "feedback"):
        return 429, RATE_MESSAGE
    if not isinstance(helpful, bool) or not isinstance(token, str):
        return 400, "请求格式不正确。"
    question = _question_from_token(token, question_id)
    if question is None:
        return 404, "找不到这个回答，无法评价。"
    try:
        services.feedback_record(question=question, helpful=helpful)
    except DomainError as exc:
        return 409, str(exc)
    return 200, "感谢您的评价。"


@csrf_exempt
@require_POST
def api_feedback(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/assistant/feedback {"question_id", "feedback_token", "helpful": true|false}."""
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        return _error("请求格式不正确，应为 JSON 对象。")
    status, message = _vote(
        request,
        question_id=data.get("question_id"),
        token=data.get("feedback_token", ""),
        helpful=data.get("helpful"),
    )
    return _json({"ok": status == 200, "message": message}, status=status)


def hot_json() -> dict[str, Any]:
    return {
        "week": selectors.week_start().isoformat(),
        "questions": [{"text": h.text, "count": h.count} for h in selectors.hot_questions(public=True, limit=8)],
    }


@require_GET
def api_hot(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/assistant/hot: this week's most asked answered questions (masked)."""
    response = JsonResponse(hot_json(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- the plain page, for browsers without scripts ------------------------------------------


@site_page
@require_http_methods(["GET", "HEAD"])
def ask_page(request: HttpRequest, site: Site) -> HttpResponse:
    """/wd/?q=: the question answered on the server; the panel's no-script fallback."""
    question = str(request.GET.get("q", "")).strip()
    context: dict[str, Any] = {
        "question": question,
        "request_form_url": REQUEST_FORM_URL,
        "thanks": request.GET.get("fb", ""),
        "hot": [] if question else selectors.hot_questions(public=True, limit=8),
        "max_chars": answering.MAX_QUESTION_CHARS,
    }
    status = 200
    if question:
        if len(question) > MAX_INPUT_CHARS:
            context["problem"], status = LONG_MESSAGE, 400
        elif rate_limited(request):
            context["problem"], status = RATE_MESSAGE, 429
        else:
            scope = list(site_organisations(site).values_list("pk", flat=True))
            context["result"] = answer_json(services.question_ask(question, scope=scope))
    elif "q" in request.GET:
        context["problem"], status = EMPTY_MESSAGE, 400
    response = render(request, "assistant/ask_page.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def feedback_form(request: HttpRequest) -> HttpResponse:
    """The /wd/ page's 有用 / 没用 buttons (a plain form; same rules as the API)."""
    helpful = {"1": True, "0": False}.get(str(request.POST.get("helpful", "")))
    status, _message = _vote(
        request,
        question_id=request.POST.get("question_id"),
        token=str(request.POST.get("feedback_token", "")),
        helpful=helpful,
    )
    outcome = {200: "thanks", 409: "already"}.get(status, "failed")
    return HttpResponseRedirect(f"{reverse('assistant:page')}?fb={outcome}")
