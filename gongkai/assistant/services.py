"""Writes of the policy assistant: asking (the question recorded with personal data masked),
有用 / 没用 feedback, the staff triage of questions, and the staff-curated FAQ (create, edit,
delete, import). Each function is one complete state change: the permission check
(access.py), the rows and the audit record."""

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.publishing.models import InfoItem
from gongkai.screening import detectors, masking

from . import answering, llm
from . import passages as splitting
from .access import require_faq, require_triage
from .faq import FaqAnswer, faq_lookup, normalise
from .models import AnswerFeedback, AskedQuestion, FaqEntry, FaqPhrase, QuestionTriage

# The stored question is cut to this many characters (after masking).
STORED_CHARS = 2000
_MASKED_KINDS = detectors.PERSONAL_KINDS | {"name"}


def mask_personal(text: str) -> str:
    """The text with ID numbers, phone numbers, bank cards, e-mails, addresses and names
    found by the screening detectors replaced by their masked forms."""
    if not text:
        return ""
    findings = detectors.screen_text(text, context=detectors.ScreenContext())
    spans = sorted(
        (f for f in findings if f.kind in _MASKED_KINDS and 0 <= f.start < f.end <= len(text)),
        key=lambda f: (f.start, -f.end),
    )
    out: list[str] = []
    position = 0
    for finding in spans:
        if finding.start < position:
            continue
        out.append(text[position : finding.start])
        out.append(finding.value_masked)
        position = finding.end
    out.append(text[position:])
    return masking.ID_SHAPED.sub(lambda m: masking.mask_id_card(m.group(0)), "".join(out))


# --- asking ----------------------------------------------------------------------------------


def _record(question: str, result: answering.Answer) -> AskedQuestion:
    raw = (question or "")[: answering.MAX_QUESTION_CHARS * 2]
    masked = mask_personal(raw)
    with transaction.atomic():
        asked = AskedQuestion.objects.create(
            question_masked=masked[:STORED_CHARS],
            refused=result.refused,
            cited_external_ids=result.cited_external_ids,
            latency_ms=result.took_ms,
        )
        QuestionTriage.objects.create(question=asked, question_key=normalise(masked), had_personal_data=masked != raw)
    return asked


def ask(question: str, *, scope: list[int] | None = None, record: bool = True) -> answering.Answer:
    """The extractive answer (answering.answer), recorded unless `record` is False."""
    result = answering.answer(question, scope=scope)
    if record:
        _record(question, result)
    return result


@dataclass
class Asked:
    """What the public surfaces get back: the answer, the stored question (None when not
    recorded), and where the answer came from: "faq", "llm" or "extractive"."""

    answer: answering.Answer
    question: AskedQuestion | None
    source: str


def faq_as_answer(question: str, found: FaqAnswer, *, took_ms: float = 0.0) -> answering.Answer:
    """An FAQ entry in the shape of an extractive answer: its answer text sentence by sentence,
    each citing the entry's first public source (or the entry itself when it has none)."""
    citations = [
        answering.Citation(
            external_id=s.external_id, title=s.title, doc_number=s.doc_number, article="", heading="", url=s.url
        )
        for s in found.sources
    ]
    own = answering.Citation(
        external_id="", title=f"{found.organisation}常见问题", doc_number="", article="", heading="", url=""
    )
    cite = citations[0] if citations else own
    parts = splitting.sentences(found.answer) or [found.answer]
    return answering.Answer(
        question=" ".join(question.split())[: answering.MAX_QUESTION_CHARS],
        refused=False,
        message=f"{found.organisation}常见问题解答：",
        sentences=[answering.Sentence(text, cite) for text in parts],
        citations=citations,
        confidence=1.0,
        took_ms=took_ms,
    )


def _mask_answer(result: answering.Answer) -> None:
    """Personal data of the question does not travel further than the answer to the asker
    needs: the question echoed, the words a refusal says it could not find, and the search
    link (which lands in access and search logs) carry it masked, and the LLM is sent the
    masked question. Retrieval reads the question without its personal data
    (answering.without_personal_data)."""
    masked = mask_personal(result.question)
    if masked == result.question:
        return
    result.question = masked
    result.missing_terms = [t for t in result.missing_terms if mask_personal(t) == t]
    result.message = mask_personal(result.message)
    if result.search_url:
        result.search_url = answering.search_url(masked)


@dataclass
class AskStep:
    """One step of an answer as it is produced (question_stream):
    "message" (the answer's lead or refusal, `answer` set), "sentence" (one sentence, as soon
    as it is ready) and finally "done" (`asked` set: the whole answer, stored)."""

    kind: str
    answer: answering.Answer | None = None
    sentence: answering.Sentence | None = None
    asked: Asked | None = None


def question_stream(question: str, *, scope: list[int] | None = None, record: bool = True) -> Iterator[AskStep]:
    """Answer a citizen's question on the public surfaces (API, panel, /wd/ page, CLI), step
    by step so that the page shows each sentence as soon as it is ready.

    1. An FAQ entry whose phrasing equals the normalised question answers directly.
    2. Otherwise the extractive answer; when an LLM endpoint is configured and the answer is
       not a refusal, the model's rephrasing is streamed, each sentence checked against the
       passages before it is sent (llm.rephrase_stream); when the model gives no supported
       sentence (off, timeout, error, "cannot answer") the extractive sentences are sent.
    The question is stored masked, with its triage row (hot list, staff queue).
    """
    started = time.perf_counter()
    found = faq_lookup(question, scope=scope)
    source = "extractive"
    if found is not None:
        result = faq_as_answer(question, found)
        source = "faq"
    else:
        result = answering.answer(question, scope=scope)
    _mask_answer(result)
    yield AskStep("message", answer=result)
    if source == "extractive" and not result.refused and llm.enabled():
        streamed: list[answering.Sentence] = []
        for sentence in llm.rephrase_stream(result):
            streamed.append(sentence)
            yield AskStep("sentence", sentence=sentence)
        if streamed:
            result, source = dataclasses.replace(result, sentences=streamed), "llm"
    if source != "llm":
        for sentence in result.sentences:
            yield AskStep("sentence", sentence=sentence)
    result.took_ms = round((time.perf_counter() - started) * 1000, 2)
    # An empty question (only spaces or punctuation) is answered with a prompt, not stored:
    # it would only fill the staff queue with blank refusals.
    asked = _record(question, result) if record and normalise(question) else None
    yield AskStep("done", asked=Asked(answer=result, question=asked, source=source))


def question_ask(question: str, *, scope: list[int] | None = None, record: bool = True) -> Asked:
    """The whole answer of question_stream at once (the JSON API, the /wd/ page, the CLI)."""
    for step in question_stream(question, scope=scope, record=record):
        if step.asked is not None:
            return step.asked
    raise AssertionError("question_stream ends with its answer")  # pragma: no cover


# --- feedback and triage ---------------------------------------------------------------------


def feedback_record(*, question: AskedQuestion, helpful: bool) -> AnswerFeedback:
    """Store a 有用 / 没用 vote; a second vote on the same answer is refused."""
    try:
        with transaction.atomic():
            vote = AnswerFeedback.objects.create(question=question, helpful=helpful)
            counter = "helpful_count" if helpful else "unhelpful_count"
            QuestionTriage.objects.filter(question=question).update(**{counter: F(counter) + 1})
    except IntegrityError as exc:
        raise DomainError("您已经评价过这个回答。") from exc
    return vote


def question_mark_handled(*, actor: User, question: AskedQuestion, faq: FaqEntry | None = None) -> QuestionTriage:
    """Take a refused or down-voted question out of the staff queue (optionally noting the FAQ
    entry it became)."""
    role = require_triage(actor)
    with transaction.atomic():
        triage, _ = QuestionTriage.objects.select_for_update().get_or_create(
            question=question, defaults={"question_key": normalise(question.question_masked)}
        )
        triage.handled_at = timezone.now()
        triage.handled_by = actor
        if faq is not None:
            triage.faq = faq
        triage.save(update_fields=["handled_at", "handled_by", "faq"])
        audit.record(
            actor=actor,
            role=role,
            organisation=faq.organisation if faq is not None else None,
            action="assistant.question_handle",
            obj=question,
            changes={"faq": faq.pk if faq is not None else None},
        )
    return triage


# --- FAQ ---------------------------------------------------------------------------------------


def _clean_variants(question: str, variants: Sequence[str]) -> list[str]:
    seen = {normalise(question)}
    out: list[str] = []
    for variant in variants:
        text = " ".join(variant.split())
        key = normalise(text)
        if key and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def _set_phrases(entry: FaqEntry) -> None:
    keys = {normalise(entry.question), *(normalise(v) for v in entry.variants)}
    keys.discard("")
    FaqPhrase.objects.filter(entry=entry).exclude(key__in=keys).delete()
    existing = set(FaqPhrase.objects.filter(entry=entry).values_list("key", flat=True))
    FaqPhrase.objects.bulk_create([FaqPhrase(entry=entry, key=k) for k in sorted(keys - existing)])


def _snapshot(entry: FaqEntry, sources: Sequence[InfoItem] | None = None) -> dict[str, object]:
    return {
        "organisation": entry.organisation_id,
        "question": entry.question,
        "variants": list(entry.variants),
        "answer": entry.answer,
        "review_due": entry.review_due.isoformat() if entry.review_due else None,
        "active": entry.active,
        "sources": sorted(i.pk for i in sources) if sources is not None else None,
    }


def _check_unique(organisation: Organisation, question: str, exclude: int | None = None) -> None:
    clash = FaqEntry.objects.filter(organisation=organisation, question_key=normalise(question))
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise DomainError(f"“{organisation.name}”已有相同的常见问题：{question}")


def faq_create(
    *,
    actor: User | None,
    organisation: Organisation,
    question: str,
    answer: str,
    variants: Sequence[str] = (),
    sources: Sequence[InfoItem] = (),
    review_due: dt.date | None = None,
    active: bool = True,
    from_question: AskedQuestion | None = None,
) -> FaqEntry:
    """A new FAQ entry of the body; `from_question` (转为常见问题) marks that question handled."""
    role = require_faq(actor, organisation) if actor is not None else ""
    question = " ".join(question.split())
    with transaction.atomic():
        _check_unique(organisation, question)
        entry = FaqEntry.objects.create(
            organisation=organisation,
            question=question,
            question_key=normalise(question),
            variants=_clean_variants(question, variants),
            answer=answer.strip(),
            review_due=review_due,
            active=active,
            created_by=actor,
        )
        entry.sources.set(sources)
        _set_phrases(entry)
        audit.record(
            actor=actor,
            role=role,
            organisation=organisation,
            action="assistant.faq_create",
            obj=entry,
            changes=_snapshot(entry, sources),
        )
        if from_question is not None and actor is not None:
            question_mark_handled(actor=actor, question=from_question, faq=entry)
    return entry


def faq_update(
    *,
    actor: User | None,
    entry: FaqEntry,
    organisation: Organisation,
    question: str,
    answer: str,
    variants: Sequence[str] = (),
    sources: Sequence[InfoItem] = (),
    review_due: dt.date | None = None,
    active: bool = True,
) -> FaqEntry:
    """Change an entry; moving it to another body needs the FAQ role on both."""
    role = require_faq(actor, entry.organisation) if actor is not None else ""
    if actor is not None and organisation.pk != entry.organisation_id:
        require_faq(actor, organisation)
    question = " ".join(question.split())
    with transaction.atomic():
        before = _snapshot(entry, list(entry.sources.all()))
        _check_unique(organisation, question, exclude=entry.pk)
        entry.organisation = organisation
        entry.question = question
        entry.question_key = normalise(question)
        entry.variants = _clean_variants(question, variants)
        entry.answer = answer.strip()
        entry.review_due = review_due
        entry.active = active
        entry.save()
        entry.sources.set(sources)
        _set_phrases(entry)
        audit.record(
            actor=actor,
            role=role,
            organisation=organisation,
            action="assistant.faq_update",
            obj=entry,
            changes=audit.diff(before, _snapshot(entry, sources)),
        )
    return entry


def faq_delete(*, actor: User | None, entry: FaqEntry) -> None:
    role = require_faq(actor, entry.organisation) if actor is not None else ""
    with transaction.atomic():
        audit.record(
            actor=actor,
            role=role,
            organisation=entry.organisation,
            action="assistant.faq_delete",
            obj=entry,
            changes=_snapshot(entry, list(entry.sources.all())),
        )
        entry.delete()


@dataclass(frozen=True)
class FaqRow:
    """One validated row of an FAQ workbook (see faq_excel.parse)."""

    question: str
    answer: str
    variants: list[str] = field(default_factory=list)
    sources: list[InfoItem] = field(default_factory=list)
    review_due: dt.date | None = None


@dataclass(frozen=True)
class FaqImportResult:
    created: int
    updated: int


def faq_import(*, actor: User | None, organisation: Organisation, rows: Sequence[FaqRow]) -> FaqImportResult:
    """Write validated rows as the body's FAQ, all or nothing: a row whose question the body
    already has updates that entry, any other row creates one."""
    role = require_faq(actor, organisation) if actor is not None else ""
    created = updated = 0
    with transaction.atomic():
        existing = {e.question_key: e for e in FaqEntry.objects.filter(organisation=organisation)}
        for row in rows:
            question = " ".join(row.question.split())
            entry = existing.get(normalise(question))
            if entry is None:
                entry = FaqEntry.objects.create(
                    organisation=organisation,
                    question=question,
                    question_key=normalise(question),
                    variants=_clean_variants(question, row.variants),
                    answer=row.answer.strip(),
                    review_due=row.review_due,
                    created_by=actor,
                )
                existing[entry.question_key] = entry
                created += 1
            else:
                entry.question = question
                entry.variants = _clean_variants(question, row.variants)
                entry.answer = row.answer.strip()
                entry.review_due = row.review_due
                entry.save()
                updated += 1
            entry.sources.set(row.sources)
            _set_phrases(entry)
        audit.record(
            actor=actor,
            role=role,
            organisation=organisation,
            action="assistant.faq_import",
            changes={"rows": len(rows), "created": created, "updated": updated},
        )
    return FaqImportResult(created=created, updated=updated)
