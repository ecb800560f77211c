"""Bulk import of published documents (laws, regulations, State Council documents) into
a body's catalog column.

The single-item path (services.item_create → review → item_publish) takes about thirty
queries per item, even without the review (87 documents per second on SQLite, see
docs/benchmarks.md). Here a batch of documents is written with a handful of queries, in
one transaction, and every invariant of the single-item path still holds:

- the body is sanitised (richtext.clean) and its plain text derived (richtext.to_text);
- the 文号 is parsed and normalised (docnumber); one that cannot be parsed is left out and
  counted, it does not stop the import;
- the 条例第二十六条 due date is computed on the working-day calendar, loaded once per run;
- index numbers are unique: a document's own 索引号 is kept when no item holds it yet,
  otherwise a number is taken from the body's IndexSequence under a row lock, skipping
  numbers already present, exactly as services.assign_index_number does;
- each item gets its version 1, marked published;
- the search outbox gets a row per item in the batch's transaction, as services._go_live
  writes one for a single item.

A run is idempotent and resumable: documents are keyed by `external_id`, those already
present are skipped, and every batch commits on its own, so a run that was interrupted is
completed by running it again. The run is recorded in the audit trail as one record
(`import.documents`, with its counts); a run that changed nothing leaves no record.
"""

import gzip
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import JSONField, Value
from django.utils import timezone

from gongkai.core import audit, workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import Perm, require
from gongkai.search import outbox as search_outbox

from . import docnumber, richtext, services
from .models import (
    CatalogColumn,
    IndexSequence,
    InfoItem,
    ItemState,
    ItemVersion,
    SubjectCategory,
    Validity,
)
from .models.settings import DEFAULT_INDEX_PATTERN

DEFAULT_BATCH_SIZE = 500
# The corpus's categories whose documents are in force as published (its `status` only
# says "newest version held here"; repeal is not known, see ../shared/data/README.md).
IN_FORCE_CATEGORIES = frozenset({"法律", "行政法规", "地方性法规", "部门规章", "司法解释"})
POLICY_CATEGORY = "政策文件"
# A document dated D is shown as published at 09:00 China time on D.
CHINA = ZoneInfo("Asia/Shanghai")
PUBLISH_TIME = clock(9, 0)
# How many ids of problem documents the audit record and the summary list.
LISTED = 20


def _max_length(model: Any, name: str) -> int:
    length: int | None = model._meta.get_field(name).max_length
    return length or 0


LIMITS = {
    "external_id": _max_length(InfoItem, "external_id"),
    "title": _max_length(InfoItem, "title"),
    "index_number": _max_length(InfoItem, "index_number"),
    "issuing_organ": _max_length(InfoItem, "issuing_organ"),
    "source_url": _max_length(InfoItem, "source_url"),
    "subject": _max_length(SubjectCategory, "name"),
}
DOC_NUMBER_MAX = _max_length(InfoItem, "doc_number")


class ImportFileError(DomainError):
    """The import file cannot be read or one of its lines is not a valid record."""


@dataclass(frozen=True)
class ImportDocument:
    """One published document, ready to be imported. `body_html` is sanitised on import."""

    external_id: str
    title: str
    body_html: str
    category: str = ""
    doc_number: str = ""
    date_written: date | None = None
    formed_on: date | None = None  # None: the day of the import
    published_at: datetime | None = None  # None: the moment of the import
    issuing_organ: str = ""
    subject: str = ""  # a SubjectCategory name, created when missing
    index_number: str = ""
    validity: str = Validity.NOT_APPLICABLE
    source_url: str = ""


@dataclass
class ImportResult:
    read: int = 0
    imported: int = 0
    skipped: int = 0  # already present (by external_id), or repeated in the file
    invalid_doc_numbers: list[str] = field(default_factory=list)  # external ids
    index_numbers_kept: int = 0
    index_numbers_assigned: int = 0
    subjects_created: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # external id → reason (unsafe body)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "imported": self.imported,
            "skipped": self.skipped,
            "invalid_doc_numbers": len(self.invalid_doc_numbers),
            "invalid_doc_number_ids": self.invalid_doc_numbers[:LISTED],
            "index_numbers_kept": self.index_numbers_kept,
            "index_numbers_assigned": self.index_numbers_assigned,
            "subjects_created": self.subjects_created,
            "rejected": dict(list(self.rejected.items())[:LISTED]),
            "rejected_count": len(self.rejected),
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 2),
        }


# --- reading the corpus format (../shared/data/corpus.jsonl.gz) ----------------------


def _open_text(path: Path) -> Any:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt", encoding="utf-8") if gzipped else path.open(encoding="utf-8")


def _date(record: dict[str, Any], key: str, line: int) -> date | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ImportFileError(f"第 {line} 行：{key}“{value}”不是有效日期（应为 YYYY-MM-DD）。") from None


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def document_from_record(record: Any, *, line: int) -> ImportDocument:
    """One corpus record as an ImportDocument, or ImportFileError naming the line."""
    if not isinstance(record, dict):
        raise ImportFileError(f"第 {line} 行不是 JSON 对象。")
    external_id, title = _text(record, "id"), _text(record, "title")
    if not external_id or not title:
        raise ImportFileError(f"第 {line} 行缺少 id 或 title。")
    subtitle = _text(record, "subtitle")
    if subtitle and subtitle not in title:
        # Parts of one code (民法典's 编) share a title: the part names them apart.
        title = f"{title}（{subtitle}）"
    category = _text(record, "category")
    values = {
        "external_id": external_id,
        "title": title,
        "index_number": _text(record, "index_number"),
        "issuing_organ": _text(record, "organ"),
        "source_url": _text(record, "source_url"),
        "subject": _text(record, "subcategory") if category == POLICY_CATEGORY else "",
    }
    for key, value in values.items():
        if len(value) > LIMITS[key]:
            raise ImportFileError(f"第 {line} 行（{external_id}）：{key} 超过 {LIMITS[key]} 个字符。")
    written, published = _date(record, "written_date", line), _date(record, "publish_date", line)
    body = record.get("body")
    if body is not None and not isinstance(body, str):
        raise ImportFileError(f"第 {line} 行（{external_id}）：body 应为文本。")
    return ImportDocument(
        **values,
        body_html=richtext.from_plain(body or ""),
        category=category,
        doc_number=_text(record, "doc_number"),
        date_written=written or published,
        formed_on=published or written,
        published_at=datetime.combine(published, PUBLISH_TIME, tzinfo=CHINA) if published else None,
        validity=Validity.IN_FORCE if category in IN_FORCE_CATEGORIES else Validity.NOT_APPLICABLE,
    )


def _open_error(path: Path, exc: OSError) -> ImportFileError:
    if isinstance(exc, FileNotFoundError):
        reason = "文件不存在"
    elif isinstance(exc, PermissionError):
        reason = "没有读取权限"
    elif isinstance(exc, IsADirectoryError):
        reason = "这是一个目录，不是文件"
    else:
        reason = f"系统错误 {exc.errno}" if exc.errno else "系统错误"
    return ImportFileError(f"无法打开文件“{path}”：{reason}。")


def _lines(path: Path, limit: int | None) -> Iterator[tuple[int, Any]]:
    try:
        handle = _open_text(path)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    count = 0
    try:
        with handle:
            for number, raw in enumerate(handle, start=1):
                if limit is not None and count >= limit:
                    return
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ImportFileError(f"第 {number} 行不是有效的 JSON（第 {exc.colno} 个字符附近有误）。") from exc
                count += 1
                yield number, record
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"读取文件“{path}”时出错：内容不是 UTF-8 编码。") from exc
    except (OSError, EOFError) as exc:  # gzip: truncated or damaged
        raise ImportFileError(f"读取文件“{path}”时出错：文件已损坏或不完整。") from exc


def read_corpus(path: Path, *, limit: int | None = None) -> Iterator[ImportDocument]:
    """The documents of a JSON-lines file (optionally gzip-compressed) in the corpus format,
    at most `limit` of them. Raises ImportFileError at the first bad line."""
    for number, record in _lines(path, limit):
        yield document_from_record(record, line=number)


def count_categories(path: Path, *, limit: int | None = None) -> Counter[str]:
    """How many records of each `category` the file holds (JSON is checked, fields are not)."""
    return Counter(
        str(record.get("category") or "") if isinstance(record, dict) else "" for _, record in _lines(path, limit)
    )


def scan_corpus(path: Path, *, limit: int | None = None) -> int:
    """Read the whole file once and check every line: the number of records, or
    ImportFileError before anything is written."""
    count = 0
    for number, record in _lines(path, limit):
        document_from_record(record, line=number)
        count += 1
    return count


# --- writing --------------------------------------------------------------------------


def _json(value: dict[str, Any]) -> Any:
    """A JSON value as an expression. On PostgreSQL, Django 5.2 bulk-inserts plain values
    through UNNEST of arrays, and psycopg escapes every backslash of the ASCII-escaped JSON
    (one per Chinese character) one regex match at a time: about 10 s per thousand
    documents. An expression makes Django use a plain multi-row VALUES insert instead."""
    return Value(value, output_field=JSONField())


@dataclass(frozen=True)
class _Prepared:
    """The database-free part of importing one document: sanitised body, plain text and
    parsed 文号."""

    document: ImportDocument
    body_html: str = ""
    body_text: str = ""
    refused: str = ""  # why the body was refused ("" when it was not)
    doc_number: docnumber.DocNumber | None = None
    doc_number_invalid: bool = False


def _prepare_one(document: ImportDocument) -> _Prepared:
    try:
        body_html = richtext.clean(document.body_html)
    except richtext.UnsafeHTMLError as exc:
        return _Prepared(document, refused=str(exc))
    parsed: docnumber.DocNumber | None = None
    invalid = False
    if document.doc_number:
        try:
            parsed = docnumber.parse(document.doc_number)
        except docnumber.DocNumberError:
            invalid = True
        if parsed is not None and len(parsed.normalised) > DOC_NUMBER_MAX:
            parsed, invalid = None, True
    return _Prepared(document, body_html, richtext.to_text(body_html), "", parsed, invalid)


class _Batch:
    """One batch: its rows are built and written inside the batch's transaction, and its
    counts, new subjects and seen ids join the run only once the batch has committed."""

    def __init__(self, run: "DocumentImport") -> None:
        self.run = run
        self.counts = ImportResult()
        self.seen: set[str] = set()
        self.new_subjects: dict[str, SubjectCategory] = {}

    def write(self, documents: list[ImportDocument]) -> None:
        run = self.run
        self.counts.read = len(documents)
        ids = [d.external_id for d in documents]
        present = set(InfoItem.objects.filter(external_id__in=ids).values_list("external_id", flat=True))
        built: list[tuple[InfoItem, date]] = []
        for document in documents:
            if document.external_id in present or document.external_id in run.seen or document.external_id in self.seen:
                self.counts.skipped += 1
                continue
            self.seen.add(document.external_id)
            entry = _prepare_one(document)
            if entry.refused:
                self.counts.rejected[document.external_id] = entry.refused
            else:
                built.append(self.build(entry))
        if not built:
            return
        self.number(built)
        items = [item for item, _ in built]
        InfoItem.objects.bulk_create(items)
        ItemVersion.objects.bulk_create(
            ItemVersion(
                item=item, number=1, snapshot=_json(services.snapshot_of(item)), author=run.actor, published=True
            )
            for item in items
        )
        # The search index follows through its outbox, written in this transaction.
        search_outbox.enqueue([item.pk for item in items], "upsert")
        self.counts.imported = len(items)

    def build(self, entry: _Prepared) -> tuple[InfoItem, date]:
        """The item of a document and the day its index number is dated by (the day it
        went live, as in services._go_live)."""
        run, document = self.run, entry.document
        formed_on = document.formed_on or run.today
        published_at = document.published_at or run.now
        item = InfoItem(
            organisation=run.organisation,
            column=run.column,
            title=document.title,
            issuing_organ=document.issuing_organ,
            date_written=document.date_written,
            formed_on=formed_on,
            subject=self.subject(document.subject),
            validity=document.validity,
            body_html=entry.body_html,
            body_text=entry.body_text,
            external_id=document.external_id,
            source_url=document.source_url,
            index_number=document.index_number or None,
            state=ItemState.PUBLISHED,
            is_live=True,
            published_at=published_at,
            first_published_at=published_at,
            created_by=run.actor,
        )
        # The derived fields of services._derive, with the calendar loaded once per run.
        if entry.doc_number is not None:
            parsed = entry.doc_number
            item.doc_number, item.doc_number_key = parsed.normalised, parsed.key
            item.doc_issuer, item.doc_year, item.doc_serial = parsed.issuer, parsed.year, parsed.serial
        elif entry.doc_number_invalid:
            self.counts.invalid_doc_numbers.append(document.external_id)
        item.due_on, item.due_provisional = run.due(formed_on)
        return item, timezone.localdate(published_at)

    def subject(self, name: str) -> SubjectCategory | None:
        if not name:
            return None
        known = self.run.subjects.get(name) or self.new_subjects.get(name)
        if known is not None:
            return known
        subject = SubjectCategory.objects.filter(name=name).first()
        if subject is None:
            try:
                with transaction.atomic():
                    subject = SubjectCategory.objects.create(name=name)
                self.counts.subjects_created.append(name)
            except IntegrityError:  # created meanwhile by another writer
                subject = SubjectCategory.objects.get(name=name)
        self.new_subjects[name] = subject
        return subject

    def number(self, built: list[tuple[InfoItem, date]]) -> None:
        """Keep each document's own index number when no item holds it; take numbers
        from the body's sequence for the others."""
        wanted = [item.index_number for item, _ in built if item.index_number]
        taken = set(InfoItem.objects.filter(index_number__in=wanted).values_list("index_number", flat=True))
        used: set[str] = set()
        needing: dict[int, list[tuple[InfoItem, date]]] = {}
        for item, day in built:
            own = item.index_number
            if own and own not in taken and own not in used:
                used.add(own)
                self.counts.index_numbers_kept += 1
            else:
                item.index_number = None
                needing.setdefault(day.year, []).append((item, day))
        # Sequences are locked in year order by every run, so two runs cannot deadlock.
        for year in sorted(needing):
            self.assign(year, needing[year], used)
            self.counts.index_numbers_assigned += len(needing[year])

    def assign(self, year: int, pending: list[tuple[InfoItem, date]], used: set[str]) -> None:
        """services.assign_index_number for many items: the sequence row is locked once,
        serials are taken in order, and numbers already held are skipped."""
        organisation = self.run.organisation
        try:
            with transaction.atomic():
                IndexSequence.objects.get_or_create(organisation=organisation, year=year)
        except IntegrityError:
            pass  # another transaction created it first
        sequence = IndexSequence.objects.select_for_update().get(organisation=organisation, year=year)
        while pending:
            proposals: list[tuple[InfoItem, date, str]] = []
            for item, day in pending:
                sequence.last += 1
                number = services.format_index_number(
                    self.run.pattern, organisation=organisation, when=day, serial=sequence.last
                )
                proposals.append((item, day, number))
            # A number typed in by hand or imported may already hold a serial: skip it.
            numbers = [number for _, _, number in proposals]
            present = set(InfoItem.objects.filter(index_number__in=numbers).values_list("index_number", flat=True))
            pending = []
            for item, day, number in proposals:
                if number in present or number in used:
                    pending.append((item, day))
                else:
                    item.index_number = number
                    used.add(number)
        sequence.save(update_fields=["last"])

    def merge_into(self, result: ImportResult) -> None:
        result.read += self.counts.read
        result.imported += self.counts.imported
        result.skipped += self.counts.skipped
        result.invalid_doc_numbers += self.counts.invalid_doc_numbers
        result.index_numbers_kept += self.counts.index_numbers_kept
        result.index_numbers_assigned += self.counts.index_numbers_assigned
        result.subjects_created += self.counts.subjects_created
        result.rejected.update(self.counts.rejected)
        self.run.seen |= self.seen
        self.run.subjects.update(self.new_subjects)


def _chunks(documents: Iterable[ImportDocument], size: int) -> Iterator[list[ImportDocument]]:
    chunk: list[ImportDocument] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class DocumentImport:
    """One import run into one catalog column. `result` holds the counts of the batches
    committed so far, also after an interruption."""

    def __init__(
        self,
        *,
        actor: User | None,
        organisation: Organisation,
        column: CatalogColumn,
        source: str,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if column.organisation_id != organisation.pk:
            raise DomainError(f"栏目“{column.title}”不属于{organisation.name}。")
        if batch_size < 1:
            raise DomainError("每批数量至少为 1。")
        # The import publishes without the review stages: only the role that publishes
        # (the final reviewer, 终审) may run it for a body; the command line runs as the platform.
        self.role = "" if actor is None else str(require(actor, Perm.ITEM_REVIEW_FINAL, organisation))
        self.actor, self.organisation, self.column = actor, organisation, column
        self.source, self.batch_size = source, batch_size
        self.result = ImportResult()
        self.subjects: dict[str, SubjectCategory] = {}
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.pattern = services.settings_for(organisation).index_pattern or DEFAULT_INDEX_PATTERN
        self.calendar = workdays.calendar()
        self._due: dict[date, tuple[date, bool]] = {}
        self.seen: set[str] = set()  # external ids of the batches committed in this run

    def due(self, formed_on: date) -> tuple[date, bool]:
        """条例第二十六条: due 20 working days after the day formed (one calendar per run)."""
        if formed_on not in self._due:
            found = self.calendar.add_workdays(formed_on, services.DISCLOSURE_WORKDAYS)
            self._due[formed_on] = (found.date, found.provisional)
        return self._due[formed_on]

    def execute(
        self, documents: Iterable[ImportDocument], *, progress: Callable[[int], None] | None = None
    ) -> ImportResult:
        """Write the documents batch by batch, each batch in its own transaction. If
        reading fails or the run is stopped, the batches already written stay and the
        incomplete one is not written; `result` says how far the run came."""
        started = time.perf_counter()
        try:
            for batch in _chunks(documents, self.batch_size):
                self._commit(batch, progress)
        except BaseException:
            self.result.interrupted = True
            raise
        finally:
            self.result.seconds = time.perf_counter() - started
            if self.result.imported:
                self._record()
        return self.result

    def _commit(self, documents: list[ImportDocument], progress: Callable[[int], None] | None) -> None:
        batch = _Batch(self)
        with transaction.atomic():
            batch.write(documents)
        batch.merge_into(self.result)
        if progress is not None:
            progress(len(documents))

    def _record(self) -> None:
        with transaction.atomic():
            audit.record(
                actor=self.actor,
                role=self.role,
                organisation=self.organisation,
                action="import.documents",
                obj=self.column,
                changes={"source": self.source, "column": self.column.slug, **self.result.summary()},
            )


def documents_import(
    *,
    actor: User | None,
    organisation: Organisation,
    column: CatalogColumn,
    documents: Iterable[ImportDocument],
    source: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import published documents into `column` (see the module docstring)."""
    run = DocumentImport(actor=actor, organisation=organisation, column=column, source=source, batch_size=batch_size)
    return run.execute(documents, progress=progress)
