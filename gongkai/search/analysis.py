"""Chinese text analysis, the same for the index and for queries.

Text is normalised first: NFKC (full-width letters, digits and brackets become half-width,
compatibility forms are unfolded), lower case, traditional → simplified (OpenCC `t2s`).
Two token streams are made of the normalised text:

- words: rjieba segmentation with a domain dictionary (data/terms.txt, the synonym list,
  and the names of the bodies and catalog columns in the database);
- character bigrams of every run of Chinese characters (a lone character stays a
  unigram), for recall where segmentation splits differently in the text and the query.

Both go to tantivy as whitespace-joined strings on a whitespace analyzer, so the engine
never re-segments anything. Queries additionally drop function words (data/stopwords.txt)
and expand synonyms and abbreviations (data/synonyms.txt plus the `SynonymGroup` rows
editable in the admin) at query time, so the synonym list changes without a rebuild.
A colloquial word of a one-way rule (上户口) also matches the dictionary words inside it
(户口), and a small number typed in digits (14) also matches it in characters (十四).
"""

import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc
import rjieba

DATA_DIR = Path(__file__).resolve().parent / "data"
# A query is cut to this many characters (a pasted page is still answered, quickly).
MAX_QUERY_CHARS = 100
# ...and to this many content units after stop words are dropped.
MAX_QUERY_UNITS = 24
# How long the synonym rows of the database are cached in each process.
SYNONYM_TTL_SECONDS = 30.0

_T2S = opencc.OpenCC("t2s")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_RUNS = re.compile(rf"[{_CJK}]+|[0-9a-z]+(?:[.\-_/][0-9a-z]+)*")
_HAS_CONTENT = re.compile(rf"[{_CJK}0-9a-z]")


# --- normalisation ----------------------------------------------------------------


def _fold(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


def normalize(text: str) -> str:
    """NFKC, lower case, simplified characters."""
    return str(_T2S.convert(unicodedata.normalize("NFKC", text).lower()))


# Characters NFKC and lower-casing leave as they are (one in, one out): copied in runs.
_STABLE = re.compile(r"[\u4e00-\u9fff\u3001-\u3011\u2018-\u201d0-9a-z\n\t !-/:-@\[-`{-~]+")


@lru_cache(maxsize=1)
def _folding() -> tuple[dict[int, str], re.Pattern[str]]:
    """Every character of the Basic Multilingual Plane that NFKC and lower-casing turn
    into one other character (full-width letters, digits and punctuation, capitals ...),
    and a pattern finding them: a text holds a handful of distinct ones (，（）：；), each
    replaced throughout at C speed (built once, about 20 ms)."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = _fold(char)
        if folded != char and len(folded) == 1:
            table[code] = folded
    ranges: list[list[int]] = []
    for code in sorted(table):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    members = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return table, re.compile(f"[{members}]")


def normalize_with_map(text: str) -> tuple[str, Sequence[int]]:
    """The normalised text and, for each of its characters, the index of the original
    character it came from (so highlights are cut from the original text).

    Nearly every text folds one character into one: then the whole text is folded by
    one translate and the map is the identity. A text with a character that NFKC
    unfolds into several (①, ㎡, ﬁ) or that needs composing takes the slow path,
    character by character."""
    table, foldable = _folding()
    folded = text
    for char in set(foldable.findall(text)):
        folded = folded.replace(char, table[ord(char)])
    if folded.lower() == folded and unicodedata.is_normalized("NFKC", folded):
        converted = str(_T2S.convert(folded))
        if len(converted) == len(folded):
            return converted, range(len(text))
    return _normalize_with_map_slowly(text)


def _normalize_with_map_slowly(text: str) -> tuple[str, list[int]]:
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    lowered = text.lower() if len(text.lower()) == len(text) else text
    for match in _STABLE.finditer(lowered):
        for index in range(position, match.start()):  # the few characters NFKC may change
            folded = _fold(text[index])
            pieces.append(folded)
            origin.extend([index] * len(folded))
        pieces.append(match.group(0))
        origin.extend(range(match.start(), match.end()))
        position = match.end()
    for index in range(position, len(text)):
        folded = _fold(text[index])
        pieces.append(folded)
        origin.extend([index] * len(folded))
    folded_text = "".join(pieces)
    converted = str(_T2S.convert(folded_text))
    if len(converted) != len(folded_text):
        # A phrase conversion changed the length: convert character by character.
        converted = "".join(str(_T2S.convert(c)) if len(_T2S.convert(c)) == 1 else c for c in folded_text)
    return converted, origin


def has_content(text: str) -> bool:
    """Whether the text holds anything searchable (not only punctuation, emoji, spaces)."""
    return bool(_HAS_CONTENT.search(normalize(text)))


# --- dictionaries -------------------------------------------------------------------


def _data_lines(name: str) -> Iterator[str]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if line:
                yield line


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(normalize(word) for line in _data_lines("stopwords.txt") for word in line.split())


@dataclass(frozen=True)
class SynonymRule:
    """`terms` are equivalent (each finds the others); with `targets`, the terms
    find the targets only (one-way, e.g. colloquial → legal words)."""

    terms: tuple[str, ...]
    targets: tuple[str, ...] = ()


def parse_synonym_line(line: str) -> SynonymRule | None:
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    if "=>" in line:
        left, right = line.split("=>", 1)
        terms = tuple(normalize(t) for t in left.replace("，", " ").replace(",", " ").split())
        targets = tuple(normalize(t) for t in right.replace("，", " ").replace(",", " ").split())
        return SynonymRule(terms, targets) if terms and targets else None
    terms = tuple(normalize(t) for t in line.replace("，", " ").replace(",", " ").split())
    return SynonymRule(terms) if len(terms) > 1 else None


@lru_cache(maxsize=1)
def file_synonym_rules() -> tuple[SynonymRule, ...]:
    return tuple(rule for line in _data_lines("synonyms.txt") if (rule := parse_synonym_line(line)))


class SynonymTable:
    """term → the alternatives it expands to, from the file and the database rows."""

    def __init__(self, rules: Iterable[SynonymRule]) -> None:
        self.expansions: dict[str, set[str]] = {}
        colloquial: set[str] = set()
        for rule in rules:
            for term in rule.terms:
                others = rule.targets or tuple(t for t in rule.terms if t != term)
                self.expansions.setdefault(term, set()).update(others)
            if rule.targets:
                colloquial.update(rule.terms)
        # The left sides of one-way rules: colloquial words the documents seldom use.
        self.colloquial = frozenset(colloquial)
        # Longest first, so 退伍军人 is found before 退伍.
        self.terms = sorted(self.expansions, key=len, reverse=True)

    def expand(self, term: str) -> list[str]:
        return sorted(self.expansions.get(term, ()))

    def find(self, text: str) -> list[tuple[int, str]]:
        """(position, term) of the synonym terms in `text`, longest first, not overlapping."""
        taken = [False] * len(text)
        found: list[tuple[int, str]] = []
        for term in self.terms:
            start = text.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    found.append((start, term))
                    for i in range(start, end):
                        taken[i] = True
                start = text.find(term, end)
        return sorted(found)


_synonyms_lock = threading.Lock()
_synonyms_cache: tuple[float, SynonymTable] | None = None


def _database_synonym_rules() -> list[SynonymRule]:
    from django.db import DatabaseError

    try:
        from .models import SynonymGroup

        lines = list(SynonymGroup.objects.filter(is_active=True).values_list("terms", flat=True))
    except DatabaseError:  # no table yet (before migrate)
        return []
    return [rule for line in lines if (rule := parse_synonym_line(line))]


def synonyms() -> SynonymTable:
    """The synonym table, the database part re-read at most every SYNONYM_TTL_SECONDS."""
    global _synonyms_cache
    now = time.monotonic()
    cached = _synonyms_cache
    if cached is not None and now - cached[0] < SYNONYM_TTL_SECONDS:
        return cached[1]
    with _synonyms_lock:
        table = SynonymTable([*file_synonym_rules(), *_database_synonym_rules()])
        _synonyms_cache = (now, table)
        return table


def _database_terms() -> list[str]:
    """Names of bodies (full and short) and of catalog columns: words of this domain."""
    from django.db import DatabaseError

    try:
        from gongkai.core.models import Organisation
        from gongkai.publishing.models import CatalogColumn

        names = [n for pair in Organisation.objects.values_list("name", "short_name") for n in pair if n]
        names += list(CatalogColumn.objects.values_list("title", flat=True).distinct())
    except DatabaseError:
        return []
    return names


def domain_terms(*, with_database: bool = True) -> list[str]:
    terms = [normalize(t) for t in _data_lines("terms.txt")]
    for rule in file_synonym_rules():
        terms.extend(rule.terms)
        terms.extend(rule.targets)
    if with_database:
        terms.extend(normalize(t) for t in _database_terms())
    return sorted({t for t in terms if len(t) > 1 and " " not in t})


class Segmenter:
    """rjieba with the domain dictionary loaded (once per process)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.jieba = rjieba.Jieba()
        for term in terms:
            self.jieba.add_word(term, None, None)

    def cut(self, normalised: str) -> list[str]:
        return [w for w in self.jieba.cut(normalised) if _HAS_CONTENT.search(w)]

    @lru_cache(maxsize=65536)  # noqa: B019 (one segmenter per process)
    def parts(self, word: str) -> tuple[str, ...]:
        """The shorter dictionary words inside a long word (its search-mode pieces)."""
        if len(word) < 3:
            return ()
        return tuple(w for w, _, _ in self.jieba.tokenize(word, "search") if w != word and len(w) > 1)


_segmenter_lock = threading.Lock()
_segmenter: Segmenter | None = None


def segmenter() -> Segmenter:
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                _segmenter = Segmenter(domain_terms())
    return _segmenter


def reset() -> None:
    """Forget the loaded dictionaries (after bodies or columns were renamed; tests)."""
    global _segmenter, _synonyms_cache
    with _segmenter_lock:
        _segmenter = None
    with _synonyms_lock:
        _synonyms_cache = None


# --- token streams ------------------------------------------------------------------


def runs(normalised: str) -> list[str]:
    return _RUNS.findall(normalised)


def bigrams_of(run: str) -> list[str]:
    if not run:
        return []
    if run[0].isascii():  # letters and digits: the whole run
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def bigrams(normalised: str) -> list[str]:
    out: list[str] = []
    for run in runs(normalised):
        out.extend(bigrams_of(run))
    return out


def words(normalised: str) -> list[str]:
    return segmenter().cut(normalised)


@dataclass(frozen=True)
class IndexText:
    """The two token streams of a text, whitespace-joined for tantivy."""

    words: str
    bigrams: str


def index_text(text: str) -> IndexText:
    normalised = normalize(text)
    return IndexText(words=" ".join(words(normalised)), bigrams=" ".join(bigrams(normalised)))


# --- queries --------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One way to match a unit: a word (or words, matched as a phrase) and its weight."""

    words: tuple[str, ...]
    bigrams: tuple[str, ...]
    weight: float = 1.0


@dataclass
class Unit:
    """A content word of the query with the ways it may be matched."""

    text: str
    alternatives: list[Alternative] = field(default_factory=list)
    parts: tuple[str, ...] = ()


@dataclass
class AnalysedQuery:
    raw: str
    text: str  # normalised, cut to MAX_QUERY_CHARS
    truncated: bool
    units: list[Unit]
    words: list[str]  # content words in order (for proximity)

    @property
    def is_empty(self) -> bool:
        return not self.units


_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1–99 as laws write them (14 → 十四, 20 → 二十); other numbers as they are."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _alternative(text: str, weight: float) -> Alternative:
    return Alternative(words=tuple(words(text)) or (text,), bigrams=tuple(bigrams(text)), weight=weight)


# An alternative found through the synonym list counts as much as the word typed: an
# abbreviation means its full form, and a colloquial word means the legal word it maps to
# (measured: 0.7 loses 0.025 Recall@10 on civil_tune and 0.04 MRR@10 on policy).
SYNONYM_WEIGHT = 1.0
# A colloquial word of the synonym list (上户口, 写遗嘱) is a word of the segmenter's
# dictionary, so the query keeps it whole where the documents have its pieces: the
# dictionary words inside it (户口, 遗嘱) also match as words, at this weight. Their
# characters are already covered by the unit's bigrams, so a part adds its word only.
PART_WEIGHT = 0.5


def analyse_query(raw: str) -> AnalysedQuery:
    cut = raw.strip()
    truncated = len(cut) > MAX_QUERY_CHARS
    text = normalize(cut[:MAX_QUERY_CHARS])
    table = synonyms()
    stop = stopwords()
    seg = segmenter()
    tokens = seg.cut(text)
    # Synonym terms found anywhere in the query, also inside a longer word.
    found_terms = {term for _, term in table.find(text)}
    units: list[Unit] = []
    seen: set[str] = set()
    content: list[str] = []
    for token in tokens:
        if token in stop or token in seen:
            if token not in stop:
                content.append(token)
            continue
        seen.add(token)
        content.append(token)
        unit = Unit(text=token, alternatives=[_alternative(token, 1.0)], parts=seg.parts(token))
        if token in table.colloquial:
            unit.alternatives += [
                Alternative(words=(part,), bigrams=(), weight=PART_WEIGHT) for part in unit.parts if part not in stop
            ]
        if token.isdigit() and token.isascii() and 0 < int(token) < 100:
            # Laws write small numbers in characters (十四周岁, 二年, 六个月).
            unit.alternatives.append(_alternative(chinese_number(int(token)), 1.0))
        for term in sorted(found_terms):
            if term in token:
                for other in table.expand(term):
                    expanded = token.replace(term, other) if term != token else other
                    unit.alternatives.append(_alternative(expanded, SYNONYM_WEIGHT))
        units.append(unit)
    # A synonym term spanning several tokens (e.g. 住房 公积金) is a unit of its own.
    for term in sorted(found_terms):
        if term in seen or any(term in u.text for u in units):
            continue
        unit = Unit(text=term, alternatives=[_alternative(term, 1.0)])
        unit.alternatives += [_alternative(other, SYNONYM_WEIGHT) for other in table.expand(term)]
        units.append(unit)
        seen.add(term)
    return AnalysedQuery(raw=raw, text=text, truncated=truncated, units=units[:MAX_QUERY_UNITS], words=content)
