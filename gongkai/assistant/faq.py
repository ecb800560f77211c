"""FAQ matching: a question that is, after normalisation, exactly one of a staff-curated
entry's phrasings (the question or one of its 相似问法) is answered directly with the
entry's answer and its published source items.

Normalisation (`normalise`) folds width and case (NFKC, lower case, simplified characters
via the search analyser) and drops whitespace, punctuation and symbols, so
“社保断缴了，还能补缴吗？” and "社保断缴了还能补缴吗" are the same question. Nothing else
is folded: an FAQ answers only the question it was written for; anything looser is the
retrieval's job.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db.models import F, Prefetch
from django.urls import NoReverseMatch, reverse

from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items
from gongkai.search import analysis

from .models import FaqEntry, FaqPhrase

KEY_CHARS = 300


def normalise(text: str) -> str:
    """The matching key of a question (at most KEY_CHARS characters)."""
    folded = analysis.normalize(text or "")
    kept = (ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")
    return "".join(kept)[:KEY_CHARS]


@dataclass(frozen=True)
class FaqSource:
    """A published item an FAQ answer rests on."""

    external_id: str
    title: str
    doc_number: str
    url: str


@dataclass(frozen=True)
class FaqAnswer:
    entry_id: int
    question: str
    answer: str
    organisation: str
    sources: list[FaqSource] = field(default_factory=list)


def _item_url(pk: int) -> str:
    try:
        return reverse("web:item", args=[pk])
    except NoReverseMatch:
        return f"/gk/item/{pk}/"


def faq_lookup(question: str, *, scope: list[int] | None = None) -> FaqAnswer | None:
    """The active FAQ entry one of whose phrasings equals the normalised question, or None.

    `scope` is a list of organisation ids, as for `answering.answer` and the search: when
    given, only entries owned by those bodies answer (the site's own FAQ); None means every
    body. Among several matches the entry reviewed most recently wins (a later review date,
    then the newest entry). Only sources that are public now are returned: a withdrawn or
    expired item disappears from the answer at once. One query when nothing matches, three
    when an entry answers.
    """
    key = normalise(question)
    if not key:
        return None
    phrases = FaqPhrase.objects.filter(key=key, entry__active=True)
    if scope is not None:
        phrases = phrases.filter(entry__organisation_id__in=scope)
    entry_ids = list(phrases.values_list("entry_id", flat=True)[:20])
    if not entry_ids:
        return None
    entry = (
        FaqEntry.objects.filter(pk__in=entry_ids)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("sources", queryset=public_items().order_by("-published_at", "id"), to_attr="public_sources")
        )
        .order_by(F("review_due").desc(nulls_last=True), "-pk")
        .first()
    )
    if entry is None:
        return None
    sources: list[InfoItem] = getattr(entry, "public_sources", [])
    return FaqAnswer(
        entry_id=entry.pk,
        question=entry.question,
        answer=entry.answer,
        organisation=entry.organisation.name,
        sources=[
            FaqSource(
                external_id=item.external_id or "", title=item.title, doc_number=item.doc_number, url=_item_url(item.pk)
            )
            for item in sources
        ],
    )
