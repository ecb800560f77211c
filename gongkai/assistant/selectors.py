"""Reads of the assistant's staff pages and public lists: FAQ entries in the user's scope,
the queue of refused and down-voted questions, and the hot questions of a week."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from gongkai.core.permissions import AnyUser

from . import answering
from .access import faq_organisations
from .models import AskedQuestion, FaqEntry

# A question enters the public hot list once asked this many times in the week.
PUBLIC_HOT_MIN = 2


def faq_entries_for(user: AnyUser) -> QuerySet[FaqEntry]:
    """The FAQ entries the user may curate (an entry outside the scope is "not found")."""
    return (
        FaqEntry.objects.filter(organisation__in=faq_organisations(user))
        .select_related("organisation")
        .annotate(source_count=Count("sources"))
        .order_by("organisation__path", "question")
    )


def faq_entry_for(user: AnyUser, pk: int) -> FaqEntry:
    return FaqEntry.objects.filter(organisation__in=faq_organisations(user)).select_related("organisation").get(pk=pk)


def question_queue() -> QuerySet[AskedQuestion]:
    """Questions staff should look at: refused or voted 没用, not handled yet, newest first."""
    return (
        AskedQuestion.objects.filter(triage__handled_at__isnull=True)
        .filter(Q(refused=True) | Q(triage__unhelpful_count__gt=0))
        .select_related("triage")
        .order_by("-asked_at")
    )


def week_start(day: dt.date | None = None) -> dt.date:
    """Monday of the week holding `day` (today by default)."""
    day = day or timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class HotQuestion:
    text: str
    count: int
    refused: int


def hot_questions(*, week_of: dt.date | None = None, public: bool = False, limit: int = 10) -> list[HotQuestion]:
    """The most asked (normalised, masked) questions of the week.

    `public=True` keeps only what may be shown to everyone: questions that were answered,
    never carried personal data, hold no instruction to the assistant, and were asked at
    least PUBLIC_HOT_MIN times."""
    start = week_start(week_of)
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = since + dt.timedelta(days=7)
    rows = AskedQuestion.objects.filter(asked_at__gte=since, asked_at__lt=until).exclude(triage__question_key="")
    if public:
        rows = rows.filter(refused=False, triage__had_personal_data=False)
    grouped = (
        rows.values("triage__question_key")
        .annotate(count=Count("pk"), refused_count=Count("pk", filter=Q(refused=True)), text=Max("question_masked"))
        .order_by("-count", "triage__question_key")
    )
    if public:
        grouped = grouped.filter(count__gte=PUBLIC_HOT_MIN)
    out: list[HotQuestion] = []
    for row in grouped[: limit * 2]:
        text = " ".join(str(row["text"]).split())
        if public and answering.without_injection(text) != text:
            continue
        out.append(HotQuestion(text=text, count=int(row["count"]), refused=int(row["refused_count"])))
        if len(out) >= limit:
            break
    return out
