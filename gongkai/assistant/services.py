"""Asking the assistant: the answer, and the question recorded with personal data masked."""

import re

from gongkai.screening import detectors, masking

from . import answering
from .models import AskedQuestion

# The stored question is cut to this many characters (after masking).
STORED_CHARS = 2000
_MASKED_KINDS = detectors.PERSONAL_KINDS | {"name"}
# Anything shaped like an ID number is masked even when its check digit is wrong: a
# mistyped number is still someone's.
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


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
    return _ID_SHAPED.sub(lambda m: masking.mask_id_card(m.group(0)), "".join(out))


def ask(question: str, *, scope: list[int] | None = None, record: bool = True) -> answering.Answer:
    result = answering.answer(question, scope=scope)
    if record:
        AskedQuestion.objects.create(
            question_masked=mask_personal((question or "")[: answering.MAX_QUESTION_CHARS * 2])[:STORED_CHARS],
            refused=result.refused,
            cited_external_ids=result.cited_external_ids,
            latency_ms=result.took_ms,
        )
    return result
