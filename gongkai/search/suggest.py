"""您是不是要找 and 相关搜索, offered when a query finds few results.

- Pinyin: a word typed with the wrong character of the same sound (社宝 → 社保, 公积今 →
  公积金) or typed as pinyin without an input method (gongjijin → 公积金) is matched to a
  word of the index's titles with the same toneless pinyin.
- Spelling: a word the index does not hold is compared with title words of the same
  length that differ in one character, the most frequent first.
- Related: the synonyms of the query's words and the longer title words that start with
  them (公积金 → 公积金贷款).

The vocabulary is the title words of the live index (with their document frequency) and
the domain terms, read once per index generation in each process (in the background,
when the process first searches: `warm`).
"""

import re
import threading
from collections import defaultdict
from dataclasses import dataclass

import tantivy
from pypinyin import lazy_pinyin

from . import analysis, index

VOCABULARY_LIMIT = 50_000
SUGGESTIONS = 3
RELATED = 8
_LATIN = re.compile(r"^[a-z]+$")


@dataclass
class Vocabulary:
    generation: str
    frequency: dict[str, int]
    by_pinyin: dict[str, list[str]]
    by_length: dict[int, list[str]]


_lock = threading.Lock()
_vocabulary: Vocabulary | None = None


def _pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word, errors="ignore"))


def _fresh(current: Vocabulary, generation: str, documents: int) -> bool:
    if current.generation.split(":")[0] != generation.split(":")[0]:
        return False
    # Rebuilt when the index grew or shrank by more than a tenth.
    old = int(current.generation.split(":")[1])
    return abs(old - documents) <= max(10, old // 10)


def vocabulary(searcher: tantivy.Searcher) -> Vocabulary:
    global _vocabulary
    generation = f"{index.search_dir()}:{searcher.num_docs}"
    current = _vocabulary
    if current is not None and _fresh(current, generation, searcher.num_docs):
        return current
    with _lock:
        current = _vocabulary  # perhaps built by the warming thread meanwhile
        if current is not None and _fresh(current, generation, searcher.num_docs):
            return current
        frequency: dict[str, int] = {}
        for term, df in searcher.terms_with_prefix("title_w", "", limit=VOCABULARY_LIMIT):
            if len(term) > 1 and not term.isascii():
                frequency[term] = int(df)
        for term in analysis.domain_terms(with_database=False):
            frequency.setdefault(term, 0)
        by_pinyin: dict[str, list[str]] = defaultdict(list)
        by_length: dict[int, list[str]] = defaultdict(list)
        for term in frequency:
            by_pinyin[_pinyin(term)].append(term)
            by_length[len(term)].append(term)
        for terms in by_pinyin.values():
            terms.sort(key=lambda t: -frequency[t])
        _vocabulary = Vocabulary(generation, frequency, dict(by_pinyin), dict(by_length))
        return _vocabulary


_warming = threading.Event()


def warm(searcher: tantivy.Searcher) -> None:
    """Build the vocabulary in a background thread the first time a process searches,
    so that the first query with few results does not wait for it (476 ms at 100,000
    documents)."""
    global _warmer
    if _vocabulary is not None or _warming.is_set():
        return
    _warming.set()
    _warmer = threading.Thread(target=vocabulary, args=(searcher,), name="search-vocabulary", daemon=True)
    _warmer.start()


_warmer: threading.Thread | None = None


def wait_until_warm(timeout: float | None = None) -> None:
    """Until the background build that warm() started has finished (the benchmark times
    queries as a running server answers them, not beside that build)."""
    warmer = _warmer
    if warmer is not None:
        warmer.join(timeout)


def _doc_freq(searcher: tantivy.Searcher, word: str) -> int:
    return int(searcher.doc_freq("body_w", word)) + int(searcher.doc_freq("title_w", word))


def _replacement(word: str, searcher: tantivy.Searcher, vocab: Vocabulary) -> str | None:
    own = _doc_freq(searcher, word)
    if _LATIN.match(word):
        candidates = vocab.by_pinyin.get(word, [])
        return candidates[0] if candidates else None
    for candidate in vocab.by_pinyin.get(_pinyin(word), []):
        if candidate != word and vocab.frequency.get(candidate, 0) > own:
            return candidate
    if own == 0 and 2 <= len(word) <= 6:
        close = [
            c
            for c in vocab.by_length.get(len(word), [])
            if sum(a != b for a, b in zip(c, word, strict=True)) == 1 and vocab.frequency.get(c, 0) > 0
        ]
        if close:
            return max(close, key=lambda c: vocab.frequency[c])
    return None


def did_you_mean(aq: analysis.AnalysedQuery, searcher: tantivy.Searcher) -> list[str]:
    """Corrected queries, best first."""
    vocab = vocabulary(searcher)
    text = aq.text
    suggestions: list[str] = []
    # Latin letters only: perhaps pinyin typed without an input method.
    compact = "".join(text.split())
    if _LATIN.match(compact):
        suggestions.extend(vocab.by_pinyin.get(compact, [])[:SUGGESTIONS])
    corrected = text
    for unit in aq.units:
        replacement = _replacement(unit.text, searcher, vocab)
        if replacement:
            corrected = corrected.replace(unit.text, replacement)
    if corrected != text:
        suggestions.insert(0, corrected)
    # The whole query as one word of another spelling (分词 may split a typo oddly).
    if not _LATIN.match(compact) and 2 <= len(compact) <= 8:
        for candidate in vocab.by_pinyin.get(_pinyin(compact), []):
            if candidate != compact and vocab.frequency.get(candidate, 0) > 0:
                suggestions.append(candidate)
                break
    unique: list[str] = []
    for s in suggestions:
        if s not in unique and s != text:
            unique.append(s)
    return unique[:SUGGESTIONS]


def related(aq: analysis.AnalysedQuery, searcher: tantivy.Searcher) -> list[str]:
    table = analysis.synonyms()
    out: list[str] = []
    for unit in aq.units[:4]:
        out.extend(table.expand(unit.text))
        if len(unit.text) >= 2:
            longer = searcher.terms_with_prefix("title_w", unit.text, limit=20)
            out.extend(t for t, _ in sorted(longer, key=lambda x: -x[1]) if t != unit.text)
    unique: list[str] = []
    for s in out:
        if s not in unique and s != aq.text:
            unique.append(s)
    return unique[:RELATED]
