"""Highlighted snippets cut from the original text.

Matching happens on the normalised text (analysis.normalize_with_map), so a query typed
in simplified characters or half-width digits marks the traditional or full-width words
of the document; the marked fragment is always the document's own text, HTML-escaped.
"""

import html
from collections.abc import Iterable, Sequence

from django.utils.safestring import SafeString, mark_safe

from . import analysis

SNIPPET_CHARS = 120
# Only this much of a long text is searched for the best window (normalising it with
# its offset map is the costliest part of a page of hits over long laws).
SCAN_CHARS = 4_000
MAX_SPANS = 300


def _spans(normalised: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of the terms in the normalised text, longest first."""
    taken = bytearray(len(normalised))
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = normalised.find(term)
        while start >= 0 and len(spans) < MAX_SPANS:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                taken[start:end] = b"\x01" * (end - start)
            start = normalised.find(term, start + 1)
    return sorted(spans)


def _render(original: str, origin: Sequence[int], spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    """original[lo:hi] escaped, with the spans (in normalised offsets) marked. (The
    standard library's escape: Django's, the same escaping, costs a lazy-string check
    per call, a tenth of a page of hits.)"""
    out: list[str] = []
    cursor = lo
    for start, end in spans:
        o_start, o_end = origin[start], origin[end - 1] + 1
        if o_end <= lo or o_start >= hi:
            continue
        o_start, o_end = max(o_start, lo), min(o_end, hi)
        if o_start < cursor:
            continue
        out.append(html.escape(original[cursor:o_start]))
        out.append(f"<mark>{html.escape(original[o_start:o_end])}</mark>")
        cursor = o_end
    out.append(html.escape(original[cursor:hi]))
    return "".join(out)


def mark(text: str, terms: Iterable[str]) -> SafeString:
    """The whole text with the terms marked (for titles)."""
    normalised, origin = analysis.normalize_with_map(text)
    if len(normalised) != len(origin):
        return mark_safe(html.escape(text))  # noqa: S308 (escaped above)
    return mark_safe(_render(text, origin, _spans(normalised, list(terms)), 0, len(text)))  # noqa: S308


def snippet(text: str, terms: Iterable[str], *, size: int = SNIPPET_CHARS) -> SafeString:
    """The window of about `size` characters of `text` holding the most query terms,
    marked; the start of the text when nothing matches."""
    text = " ".join(text[:SCAN_CHARS].split())  # line breaks and runs of spaces read as one space
    if not text:
        return mark_safe("")
    normalised, origin = analysis.normalize_with_map(text)
    spans = _spans(normalised, list(terms)) if len(normalised) == len(origin) else []
    if not spans:
        cut = text[:size]
        return mark_safe(html.escape(cut) + ("…" if len(text) > size else ""))  # noqa: S308
    # The window starting at some span that covers the most distinct terms, then most spans.
    best = (0, 0, 0)
    last = 0
    for i, (start, _) in enumerate(spans):
        last = max(last, i)
        while last + 1 < len(spans) and spans[last + 1][1] <= start + size:
            last += 1
        inside = spans[i : last + 1]
        score = (len({normalised[s:e] for s, e in inside}), len(inside))
        if score > best[:2]:
            best = (*score, i)
    first = spans[best[2]][0]
    lo = origin[max(0, first - size // 6)]
    hi = min(len(text), lo + size)
    body = _render(text, origin, spans, lo, hi)
    return mark_safe(("…" if lo > 0 else "") + body + ("…" if hi < len(text) else ""))  # noqa: S308
