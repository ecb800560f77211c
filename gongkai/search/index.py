"""The tantivy index on disk: its schema, the documents made from items, one writer at a
time, and readers that follow the writer.

Layout under `search_dir()` (settings.GONGKAI_SEARCH_DIR, default VAR_DIR/"search"):

    CURRENT        the name of the live generation, e.g. "gen-20260301T090000"
    gen-*/         a tantivy index (one per full rebuild)
    gen-*/articles/  its companion index of article passages (第X条 of laws and
                   regulations, split by assistant.passages), one document per article
                   carrying the item's id: scored to rerank the top documents by their
                   best articles (engine.py)
    building/      a rebuild in progress, with progress.json (resumable)
    write.lock     held (flock) by whoever writes: the worker applying the outbox or
                   the rebuild command swapping generations

Text arrives pre-analysed (analysis.py) as whitespace-joined tokens, so the only
tokenizer tantivy needs is a whitespace one; it is registered every time an index is
opened (tantivy does not store custom tokenizers). Readers check the generation and the
index's meta.json on every search (two stat calls) and reload when either changed.
"""

import fcntl
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings
from django.utils import timezone

from gongkai.assistant import passages
from gongkai.publishing.models import InfoItem

from . import analysis, doctypes

WS = "gk_ws"
SCHEMA_VERSION = "2"  # 2: with the article index
WRITER_HEAP = 64_000_000


def search_dir() -> Path:
    configured = getattr(settings, "GONGKAI_SEARCH_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "search"


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in ("org", "column", "subject", "year"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_text_field("doctype", tokenizer_name="raw", fast=True)
    builder.add_text_field("validity", tokenizer_name="raw", fast=True)
    builder.add_date_field("published", indexed=True, fast=True)
    # The document-type weight, stored as 2**w − 2 because tantivy multiplies the
    # score by log2(2 + value) (Searcher.search(weight_by_field=...)).
    builder.add_float_field("authority", fast=True)
    for name in ("title_w", "title_b", "body_w", "body_b"):
        builder.add_text_field(name, tokenizer_name=WS)
    builder.add_text_field("keys", tokenizer_name=WS, index_option="basic")
    return builder.build()


SCHEMA = build_schema()

ARTICLES = "articles"


def build_article_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in ("art_w", "art_b"):
        builder.add_text_field(name, tokenizer_name=WS)
    return builder.build()


ARTICLE_SCHEMA = build_article_schema()


def _analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.remove_long(60)).build()


def open_index(path: Path) -> tantivy.Index:
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
    index.register_tokenizer(WS, _analyzer())
    return index


def open_articles(path: Path) -> tantivy.Index:
    """The article index beside the generation's index at `path`."""
    folder = path / ARTICLES
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(ARTICLE_SCHEMA, path=str(folder), reuse=True)
    index.register_tokenizer(WS, _analyzer())
    return index


# --- documents ----------------------------------------------------------------------


def authority_value(weight: float) -> float:
    return float(2.0**weight - 2.0)


def normalise_key(text: str) -> str:
    return "".join(analysis.normalize(text).split())


@dataclass(frozen=True)
class Prepared:
    """The analysed fields of one item: picklable, made in helper processes on rebuild."""

    pk: int
    org: int
    column: int
    subject: int
    published: datetime
    validity: str
    doctype: str
    title_words: str
    title_bigrams: str
    body_words: str
    body_bigrams: str
    keys: str
    # (words, bigrams) of each article (第X条 with the 编/章/节 headings above it).
    articles: tuple[tuple[str, str], ...] = ()


ROW_FIELDS = (
    "pk",
    "organisation_id",
    "column_id",
    "subject_id",
    "title",
    "doc_number",
    "doc_number_key",
    "index_number",
    "validity",
    "published_at",
    "body_text",
    "summary",
)


_HAS_ARTICLES = re.compile(r"(?m)^[#\s]*第[零〇一二三四五六七八九十百千0-9０-９]+条")
# Articles longer than this are cut (a stray 第X条 line followed by a whole annex).
ARTICLE_CHARS = 2000


def article_texts(body: str) -> list[str]:
    """The articles of a body (empty when it has none), each with the heading path above
    it (the document's title is left out: it matched every article of a regulation
    alike and lowered the policy questions' Recall@10 from 0.84 to 0.82)."""
    if not _HAS_ARTICLES.search(body):
        return []
    out: list[str] = []
    for passage in passages.split(body):
        if passage.label.endswith("条"):
            out.append("\n".join([*passage.path, passage.text[:ARTICLE_CHARS]]))
    return out


def prepare(row: dict[str, Any]) -> Prepared:
    """Analyse one item given as a dict of ROW_FIELDS."""
    title = analysis.index_text(row["title"])
    body_text = row["body_text"] or row["summary"] or ""
    body = analysis.index_text(body_text)
    articles = tuple((a.words, a.bigrams) for a in map(analysis.index_text, article_texts(body_text)))
    number = analysis.index_text(row["doc_number"]) if row["doc_number"] else None
    keys = [k for k in (row["doc_number_key"], normalise_key(row["index_number"] or "")) if k]
    return Prepared(
        pk=row["pk"],
        org=row["organisation_id"],
        column=row["column_id"],
        subject=row["subject_id"] or 0,
        published=row["published_at"] or timezone.now(),
        validity=row["validity"],
        doctype=doctypes.doc_type(row["title"]),
        title_words=" ".join(filter(None, [title.words, number.words if number else ""])),
        title_bigrams=" ".join(filter(None, [title.bigrams, number.bigrams if number else ""])),
        body_words=body.words,
        body_bigrams=body.bigrams,
        keys=" ".join(keys),
        articles=articles,
    )


def row_of(item: InfoItem) -> dict[str, Any]:
    return {"pk": item.pk, **{f: getattr(item, f) for f in ROW_FIELDS if f != "pk"}}


def to_document(p: Prepared) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("id", p.pk)
    doc.add_unsigned("org", p.org)
    doc.add_unsigned("column", p.column)
    doc.add_unsigned("subject", p.subject)
    doc.add_unsigned("year", timezone.localtime(p.published).year)
    doc.add_text("doctype", p.doctype)
    doc.add_text("validity", p.validity)
    doc.add_date("published", p.published.astimezone(UTC))
    doc.add_float("authority", authority_value(doctypes.authority(p.doctype)))
    doc.add_text("title_w", p.title_words)
    doc.add_text("title_b", p.title_bigrams)
    doc.add_text("body_w", p.body_words)
    doc.add_text("body_b", p.body_bigrams)
    doc.add_text("keys", p.keys)
    return doc


def article_documents(p: Prepared) -> Iterator[tantivy.Document]:
    for words, bigrams in p.articles:
        doc = tantivy.Document()
        doc.add_unsigned("id", p.pk)
        doc.add_text("art_w", words)
        doc.add_text("art_b", bigrams)
        yield doc


def document_for(item: InfoItem) -> tantivy.Document:
    """The index document of a public item."""
    return to_document(prepare(row_of(item)))


# --- generations and the write lock ---------------------------------------------------


def _current_name(base: Path) -> str | None:
    try:
        name = (base / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def new_generation_name() -> str:
    return "gen-" + datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%f")


def set_current(base: Path, name: str) -> None:
    tmp = base / "CURRENT.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, base / "CURRENT")


@contextmanager
def write_lock() -> Iterator[Path]:
    """The one writer of the index, across processes (the worker, the rebuild)."""
    base = search_dir()
    base.mkdir(parents=True, exist_ok=True)
    with (base / "write.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield base
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_current() -> Path:
    """The live generation's folder, created empty when there is none yet."""
    base = search_dir()
    name = _current_name(base)
    if name and (base / name).is_dir():
        return base / name
    with write_lock():
        name = _current_name(base)
        if name and (base / name).is_dir():
            return base / name
        name = new_generation_name()
        open_index(base / name)
        set_current(base, name)
        return base / name


def drop_old_generations(base: Path, keep: str) -> None:
    for path in base.glob("gen-*"):
        if path.is_dir() and path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


class IndexWriter:
    """Adds and deletes documents of one generation (its index and its article index)
    under the write lock; commit at the end."""

    def __init__(self, path: Path, *, heap: int = WRITER_HEAP, threads: int = 1) -> None:
        self.index = open_index(path)
        self.writer = self.index.writer(heap_size=heap, num_threads=threads)
        self.articles = open_articles(path)
        self.article_writer = self.articles.writer(heap_size=max(heap // 2, 32_000_000), num_threads=1)

    def delete(self, item_ids: Iterable[int]) -> None:
        ids = [int(pk) for pk in item_ids]
        if ids:
            # (delete_documents_by_term does not match u64 terms in tantivy-py 0.27.)
            self.writer.delete_documents_by_query(tantivy.Query.term_set_query(SCHEMA, "id", ids))
            self.article_writer.delete_documents_by_query(tantivy.Query.term_set_query(ARTICLE_SCHEMA, "id", ids))

    def add(self, items: Iterable[InfoItem]) -> int:
        return self.add_prepared(prepare(row_of(item)) for item in items)

    def add_prepared(self, prepared: Iterable[Prepared]) -> int:
        count = 0
        for entry in prepared:
            self.writer.add_document(to_document(entry))
            for doc in article_documents(entry):
                self.article_writer.add_document(doc)
            count += 1
        return count

    def commit(self) -> None:
        # Articles first: a reader that sees the document sees its articles.
        self.article_writer.commit()
        self.writer.commit()

    def close(self) -> None:
        self.article_writer.wait_merging_threads()
        self.writer.wait_merging_threads()


@contextmanager
def live_writer() -> Iterator[IndexWriter]:
    """A writer on the live generation, holding the write lock."""
    path = ensure_current()
    with write_lock():
        # The generation may have been swapped while we waited for the lock.
        path = search_dir() / (_current_name(search_dir()) or path.name)
        writer = IndexWriter(path)
        try:
            yield writer
            writer.commit()
        finally:
            writer.close()


# --- readers -------------------------------------------------------------------------


@dataclass
class _Reader:
    base: str
    name: str
    index: tantivy.Index
    meta_mtime: int
    # (inode, mtime) of the CURRENT file when `name` was read from it
    current_signature: tuple[int, int] | None = None


_reader_lock = threading.Lock()
_reader: _Reader | None = None


def _meta_mtime(path: Path) -> int:
    try:
        return (path / "meta.json").stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _signature(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns)


def _committed(current: _Reader, mtime: int) -> tantivy.Index:
    """The open index, reloaded if the writer committed since (meta.json's mtime)."""
    if current.meta_mtime != mtime:
        current.index.reload()
        current.meta_mtime = mtime
    return current.index


def reader() -> tantivy.Index:
    """The live index for searching, reloaded when the writer committed or a rebuild
    swapped generations."""
    global _reader
    base = search_dir()
    current = _reader
    # CURRENT is the file it was (set_current replaces it, a new inode): two stat calls
    # instead of reading it and checking its folder (a search page calls this four times)
    if (
        current is not None
        and current.base == str(base)
        and current.current_signature is not None
        and _signature(os.path.join(current.base, "CURRENT")) == current.current_signature
    ):
        try:
            mtime = os.stat(os.path.join(current.base, current.name, "meta.json")).st_mtime_ns
        except FileNotFoundError:
            mtime = None  # the generation's folder is gone: the slow way below
        if mtime is not None:
            return _committed(current, mtime)
    signature = _signature(str(base / "CURRENT"))  # (before reading it: a swap in between is seen next time)
    name = _current_name(base)
    if name is None or not (base / name).is_dir():
        name = ensure_current().name
        signature = None
    path = base / name
    mtime = _meta_mtime(path)
    if current is not None and current.name == name and current.base == str(base):
        current.current_signature = signature
        return _committed(current, mtime)
    with _reader_lock:
        index = open_index(path)
        index.config_reader(reload_policy="manual")
        index.reload()
        _reader = _Reader(base=str(base), name=name, index=index, meta_mtime=mtime, current_signature=signature)
        return index


def generation_token() -> str:
    """Names the state of the live index as the last `reader()` call saw it: changes
    with every commit and every swap of generations (a key for cached results)."""
    current = _reader
    return f"{current.base}:{current.name}:{current.meta_mtime}" if current is not None else ""


@dataclass
class _ArticleReader:
    path: str
    index: tantivy.Index
    meta_mtime: int
    documents: int


_articles: _ArticleReader | None = None


def article_reader() -> tantivy.Index | None:
    """The article index of the generation `reader()` last opened, reloaded after
    commits; None when that generation has none (built before articles were indexed)
    or it is empty (no item has articles: nothing to rerank)."""
    global _articles
    if _reader is None:
        reader()
    current = _reader
    if current is None:
        return None
    path = Path(current.base) / current.name / ARTICLES
    mtime = _meta_mtime(path)
    if not mtime:
        return None
    found = _articles
    if found is not None and found.path == str(path):
        if found.meta_mtime != mtime:
            found.index.reload()
            found.meta_mtime = mtime
            found.documents = found.index.searcher().num_docs
        return found.index if found.documents else None
    with _reader_lock:
        index = tantivy.Index(ARTICLE_SCHEMA, path=str(path), reuse=True)
        index.register_tokenizer(WS, _analyzer())
        index.config_reader(reload_policy="manual")
        index.reload()
        _articles = _ArticleReader(path=str(path), index=index, meta_mtime=mtime, documents=index.searcher().num_docs)
        return index if _articles.documents else None


def forget_reader() -> None:
    global _reader, _articles
    with _reader_lock:
        _reader = None
        _articles = None


def stats() -> dict[str, Any]:
    index = reader()
    searcher = index.searcher()
    base = search_dir()
    name = _current_name(base) or ""
    size = sum(p.stat().st_size for p in (base / name).glob("*") if p.is_file()) if name else 0
    return {"generation": name, "documents": searcher.num_docs, "segments": searcher.num_segments, "bytes": size}
