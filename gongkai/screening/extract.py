"""Text out of attachments, safely, and `screen_document` on top of it.

Formats: PDF (pypdf, page by page), DOCX (the XML parts read as streams: body,
headers, footers, comments, foot- and endnotes, text boxes, tracked deletions),
XLSX (the XML parts read as streams: every sheet including hidden ones, hidden rows
and columns, cell comments, text boxes, page headers), HTML (stdlib parser, with
comments and alt/title text), TXT and CSV (UTF-8 or GB 18030).

A file that cannot be read completely is reported, never skipped: an `unscreenable`
finding with severity `block` (encrypted, corrupt, too large, a zip bomb, a scanned
page without a text layer, an unsupported format, out of time). Nothing here reads a
whole large file into memory: zip parts and text are streamed, every zip part's
declared size and compression ratio are checked before it is opened, and reads are
counted against the same caps.
"""

import codecs
import csv
import io
import os
import posixpath
import re
import tempfile
import time
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from .detectors import Block, Finding, ParagraphLocator, ScreenContext, count_paragraphs, make_finding, screen_block

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps on what one document may cost. A file beyond any of them is reported as
    unscreenable (blocking), never partly passed."""

    max_file_bytes: int = 100 * MB  # the file as uploaded
    max_html_bytes: int = 20 * MB
    max_zip_entries: int = 10_000
    max_part_bytes: int = 200 * MB  # one XML part, uncompressed (declared, then counted)
    max_unzipped_bytes: int = 400 * MB  # all parts read, uncompressed
    max_ratio: int = 100  # uncompressed : compressed, for parts above 1 MB
    max_shared_string_chars: int = 20_000_000
    max_pdf_pages: int = 2_000
    time_budget_s: float = 120.0
    block_chars: int = 1_000_000  # text handed to the detectors at a time


DEFAULT_LIMITS = Limits()

FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xltx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".csv": "csv",
}
LEGACY_OFFICE = frozenset({".doc", ".xls", ".ppt", ".wps", ".et", ".dps"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Unscreenable(Exception):
    """The document (or part of it) cannot be screened; `reason` is shown to staff."""

    def __init__(self, rule: str, reason: str, location: str = "file") -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason
        self.location = location


def unscreenable_finding(rule: str, reason: str, location: str = "file") -> Finding:
    return make_finding("unscreenable", reason, location, f"unscreenable.{rule}", "block")


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.time_budget_s
        self.unzipped = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise Unscreenable(
                "time_budget", f"审查超时（超过{self.limits.time_budget_s:g}秒），文件过大或过于复杂，未能完整审查"
            )


# --- entry point --------------------------------------------------------------------

Source = str | os.PathLike[str] | IO[bytes]


def screen_document(
    name: str, source: Source, context: ScreenContext, *, limits: Limits = DEFAULT_LIMITS
) -> list[Finding]:
    """Screen one file. `name` gives the format (by extension); `source` is a path
    or a binary stream (a Django File opened "rb" will do; non-seekable streams are
    spooled to a temporary file, within the size cap). Never raises for a bad file:
    whatever cannot be read becomes an `unscreenable` finding (blocking)."""
    findings: list[Finding] = []
    budget = _Budget(limits)
    try:
        with _opened(source, limits) as fh:
            for block in extract_blocks(name, fh, limits=limits, budget=budget):
                if isinstance(block, Unscreenable):
                    findings.append(unscreenable_finding(block.rule, block.reason, block.location))
                    continue
                findings.extend(screen_block(block, context))
                budget.check()
    except Unscreenable as exc:
        findings.append(unscreenable_finding(exc.rule, exc.reason, exc.location))
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        findings.append(unscreenable_finding("unreadable", f"无法读取文件：{exc.strerror or exc}"))
    except Exception as exc:  # any parser failure on a hostile or broken file
        findings.append(unscreenable_finding("corrupt", f"文件已损坏或格式不正确，无法审查（{type(exc).__name__}）"))
    return findings


def screen_html(html: str, *, location_prefix: str = "", context: ScreenContext) -> list[Finding]:
    """Screen rich text (an item's body_html) the way an .html attachment is screened."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return [f for block in parser.blocks(location_prefix) for f in screen_block(block, context)]


@contextmanager
def _opened(source: Source, limits: Limits) -> Iterator[BinaryIO]:
    too_large = Unscreenable(
        "too_large", f"文件超过{limits.max_file_bytes // MB} MB 的审查上限，无法审查，请拆分后上传或人工审查"
    )
    if isinstance(source, str | os.PathLike):
        if os.stat(source).st_size > limits.max_file_bytes:
            raise too_large
        with open(source, "rb") as fh:
            yield fh
        return
    stream: Any = source
    # A Django File without a name is falsy, and zipfile takes a falsy file for a
    # closed one: hand on the file it wraps.
    while not stream and getattr(stream, "file", None) is not None:
        stream = stream.file
    if getattr(stream, "seekable", lambda: False)():
        start = stream.tell()
        size = stream.seek(0, os.SEEK_END) - start
        stream.seek(start)
        if size > limits.max_file_bytes:
            raise too_large
        if start == 0:
            yield stream
            return
    # Not seekable (or not at its start): copy, within the cap, to a spooled file.
    with tempfile.SpooledTemporaryFile(max_size=8 * MB) as spool:
        copied = 0
        while chunk := stream.read(MB):
            copied += len(chunk)
            if copied > limits.max_file_bytes:
                raise too_large
            spool.write(chunk)
        spool.seek(0)
        yield spool  # type: ignore[misc]


def file_format(name: str) -> str | None:
    return FORMATS.get(Path(name).suffix.lower())


def extract_blocks(
    name: str, fh: BinaryIO, *, limits: Limits = DEFAULT_LIMITS, budget: _Budget | None = None
) -> Iterator[Block | Unscreenable]:
    """The text of a document, block by block. A part that could not be read (a
    scanned page, pages past the limit) comes as an Unscreenable item among the
    blocks; a document that cannot be read at all raises Unscreenable."""
    budget = budget or _Budget(limits)
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        if suffix in LEGACY_OFFICE:
            raise Unscreenable(
                "unsupported_format", f"不支持审查旧版 Office 格式（{suffix}），请另存为 .docx / .xlsx 后上传"
            )
        raise Unscreenable("unsupported_format", f"不支持审查此类文件（{suffix or '无扩展名'}），须人工审查")
    if fmt == "pdf":
        yield from _pdf_blocks(fh, limits, budget)
    elif fmt == "docx":
        yield from _docx_blocks(_open_zip(fh, suffix, limits), limits, budget)
    elif fmt == "xlsx":
        yield from _xlsx_blocks(_open_zip(fh, suffix, limits), limits, budget)
    elif fmt == "html":
        yield from _html_blocks(fh, limits)
    elif fmt == "csv":
        yield from _csv_blocks(fh, limits, budget)
    else:
        yield from _text_blocks(fh, limits, budget)


# --- blocks of lines ------------------------------------------------------------------


class _Lines:
    """Collects lines of located cells (a paragraph is a line of one cell) and hands
    them out as Blocks of about `limit` characters. Cells of a row are joined by a
    tab, which no detector pattern crosses."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._reset()

    def _reset(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.locs: list[str] = []
        self.heads: list[str] = []
        self.size = 0

    def add(self, cells: Sequence[tuple[str, str, str]]) -> Block | None:
        """cells: (text, location, column header)."""
        for i, (value, loc, head) in enumerate(cells):
            if i:
                self.parts.append("\t")
                self.size += 1
            self.starts.append(self.size)
            self.locs.append(loc)
            self.heads.append(head)
            self.parts.append(value)
            self.size += len(value)
        self.parts.append("\n")
        self.size += 1
        return self.flush() if self.size >= self.limit else None

    def flush(self) -> Block | None:
        if not self.starts:
            return None
        starts, locs, heads = self.starts, self.locs, self.heads
        text = "".join(self.parts)
        self._reset()

        def index(offset: int) -> int:
            return max(bisect_right(starts, offset) - 1, 0)

        return Block(text, lambda o: locs[index(o)], lambda o: heads[index(o)])


class _Headers:
    """Column headers of a table: for each column, the last cell without digits in the
    first rows (titles and header rows; data rows carry numbers)."""

    ROWS = 20

    def __init__(self) -> None:
        self.by_col: dict[int, str] = {}
        self.rows = 0

    def see(self, cells: Sequence[tuple[int, str]]) -> None:
        self.rows += 1
        if self.rows > self.ROWS:
            return
        for col, value in cells:
            v = value.strip()
            if v and len(v) <= 40 and not any(ch.isdigit() for ch in v):
                self.by_col[col] = v

    def get(self, col: int) -> str:
        return self.by_col.get(col, "")


def col_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


# --- text and csv ---------------------------------------------------------------------


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


@contextmanager
def _text_stream(fh: BinaryIO, encoding: str | None = None) -> Iterator[io.TextIOWrapper]:
    start = fh.tell()
    head = fh.read(64 * 1024)
    fh.seek(start)
    wrapper = io.TextIOWrapper(fh, encoding=encoding or _detect_encoding(head), errors="replace", newline="")
    try:
        yield wrapper
    finally:
        with suppress(ValueError):
            wrapper.detach()  # leave the caller's stream open


def _text_blocks(fh: BinaryIO, limits: Limits, budget: _Budget) -> Iterator[Block]:
    paragraphs = 0
    carry = ""
    with _text_stream(fh) as text:
        while True:
            budget.check()
            chunk = text.read(limits.block_chars)
            if not chunk:
                break
            chunk = carry + chunk
            cut = chunk.rfind("\n") + 1
            if cut == 0 and len(chunk) < 4 * limits.block_chars:
                carry = chunk
                continue
            if cut == 0:
                cut = len(chunk)
            part, carry = chunk[:cut], chunk[cut:]
            yield Block(part, ParagraphLocator(part, first=paragraphs + 1))
            paragraphs += count_paragraphs(part)
    if carry:
        yield Block(carry, ParagraphLocator(carry, first=paragraphs + 1))


def _csv_blocks(fh: BinaryIO, limits: Limits, budget: _Budget) -> Iterator[Block]:
    lines = _Lines(limits.block_chars)
    headers = _Headers()
    with _text_stream(fh) as text:
        for r, row in enumerate(csv.reader(text), start=1):
            if r % 1000 == 0:
                budget.check()
            cells = [(c, v) for c, v in enumerate(row, start=1) if v.strip()]
            if not cells:
                continue
            headers.see(cells)
            block = lines.add([(_one_line(v), f"{col_letter(c)}{r}", headers.get(c)) for c, v in cells])
            if block is not None:
                yield block
    block = lines.flush()
    if block is not None:
        yield block


def _one_line(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


# --- html -----------------------------------------------------------------------------

_HTML_BLOCK_TAG_NAMES = (
    "p div br li ul ol dl dt dd tr table tbody thead tfoot h1 h2 h3 h4 h5 h6 section article header footer nav "
    "aside main blockquote pre hr title form fieldset figure figcaption address caption option"
)
_HTML_BLOCK_TAGS = frozenset(_HTML_BLOCK_TAG_NAMES.split())
_HTML_SKIP = frozenset({"script", "style", "noscript", "template"})


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.comments: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_SKIP:
            self.skip += 1
            return
        if tag in _HTML_BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")
        for key, value in attrs:
            if key in ("alt", "title", "value") and value and value.strip():
                self.parts.append(f" {value.strip()} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in _HTML_BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        if data.strip():
            self.comments.append(" ".join(data.split()))

    def blocks(self, prefix: str = "") -> list[Block]:
        text = "".join(self.parts)
        text = re.sub(r"[ \u00a0]*\n[\s\u00a0]*", "\n", text)
        prefix = f"{prefix} " if prefix and not prefix.endswith(" ") else prefix
        out = [Block(text, ParagraphLocator(text, prefix))]
        if self.comments:
            comments = "\n".join(self.comments)
            out.append(Block(comments, ParagraphLocator(comments, f"{prefix}html comment (hidden) ")))
        return out


_HTML_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*(gb2312|gbk|gb18030|utf-8)""", re.IGNORECASE)


def _html_blocks(fh: BinaryIO, limits: Limits) -> Iterator[Block]:
    data = fh.read(limits.max_html_bytes + 1)
    if len(data) > limits.max_html_bytes:
        raise Unscreenable("too_large", f"网页文件超过{limits.max_html_bytes // MB} MB，无法审查")
    m = _HTML_CHARSET.search(data[:4096])
    if m is not None:
        encoding = "utf-8" if m.group(1).lower() == b"utf-8" else "gb18030"
    else:
        encoding = _detect_encoding(data[:65536])
    parser = _HTMLText()
    parser.feed(data.decode(encoding, errors="replace"))
    parser.close()
    yield from parser.blocks()


# --- zip containers (docx, xlsx) ------------------------------------------------------


def _open_zip(fh: BinaryIO, suffix: str, limits: Limits) -> zipfile.ZipFile:
    start = fh.tell()
    magic = fh.read(8)
    fh.seek(start)
    if magic == OLE_MAGIC:
        raise Unscreenable("encrypted", _ole_reason(fh, suffix))
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        raise Unscreenable("corrupt", f"文件已损坏或不是有效的 {suffix} 文件，无法审查") from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        raise Unscreenable("zip_bomb", f"文件包含{len(infos)}个部件，超过上限，疑似压缩炸弹，无法审查")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Unscreenable("encrypted", "文件内容已加密，无法审查")
        total += info.file_size
        if info.file_size > limits.max_part_bytes:
            raise Unscreenable(
                "zip_bomb", f"部件 {info.filename} 解压后 {info.file_size // MB} MB，超过上限，疑似压缩炸弹，无法审查"
            )
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise Unscreenable(
                "zip_bomb",
                f"部件 {info.filename} 压缩比 {info.file_size // max(info.compress_size, 1)}:1，疑似压缩炸弹，无法审查",
            )
    if total > limits.max_unzipped_bytes:
        raise Unscreenable("zip_bomb", f"文件解压后共 {total // MB} MB，超过上限，疑似压缩炸弹，无法审查")
    return zf


def _ole_reason(fh: BinaryIO, suffix: str) -> str:
    """A password-protected .docx/.xlsx is an OLE container with an EncryptionInfo stream;
    otherwise it is an old binary file renamed."""
    try:
        import olefile

        ole = olefile.OleFileIO(fh)
        encrypted = ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
        ole.close()
    except Exception:  # a broken container is reported like an encrypted one
        encrypted = True
    if encrypted:
        return "文件已加密（设置了打开密码），无法审查"
    return f"文件实为旧版 Office 格式（扩展名为 {suffix}），无法审查，请另存为新格式"


class _CountingReader(io.RawIOBase):
    """A zip part read through the caps: bytes counted, time checked."""

    def __init__(self, raw: IO[bytes], budget: _Budget, name: str) -> None:
        self.raw = raw
        self.budget = budget
        self.name = name
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        self.budget.unzipped += n
        limits = self.budget.limits
        if self.count > limits.max_part_bytes or self.budget.unzipped > limits.max_unzipped_bytes:
            raise Unscreenable("zip_bomb", f"部件 {self.name} 解压后超过上限，疑似压缩炸弹，无法审查")
        self.budget.check()
        return n


@contextmanager
def _part(zf: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[IO[bytes]]:
    with zf.open(name) as raw:
        yield io.BufferedReader(_CountingReader(raw, budget, name), 256 * 1024)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem: Element, local: str) -> str | None:
    for key, value in elem.attrib.items():
        if _local(key) == local:
            return value
    return None


def _rels(zf: zipfile.ZipFile, part: str, budget: _Budget) -> dict[str, tuple[str, str]]:
    """rId → (type, resolved part name) for a part's relationships."""
    base, leaf = posixpath.split(part)
    rels_name = posixpath.join(base, "_rels", leaf + ".rels")
    out: dict[str, tuple[str, str]] = {}
    if rels_name not in zf.NameToInfo:
        return out
    with _part(zf, rels_name, budget) as fh:
        for _event, elem in iterparse(fh, events=("end",), forbid_dtd=True):
            if _local(elem.tag) != "Relationship" or elem.get("TargetMode") == "External":
                continue
            target = elem.get("Target", "")
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            )
            out[elem.get("Id", "")] = (elem.get("Type", ""), resolved)
    return out


# --- docx -----------------------------------------------------------------------------

_DOCX_PART = re.compile(r"word/(document|header\d*|footer\d*|comments|footnotes|endnotes)\.xml")


def _docx_blocks(zf: zipfile.ZipFile, limits: Limits, budget: _Budget) -> Iterator[Block]:
    names = [n for n in zf.namelist() if _DOCX_PART.fullmatch(n)]
    if "word/document.xml" not in names:
        raise Unscreenable("corrupt", "文件不是有效的 Word 文档（缺少 word/document.xml），无法审查")
    names.sort(key=lambda n: (n != "word/document.xml", n))
    lines = _Lines(limits.block_chars)
    for name in names:
        part = posixpath.basename(name)[:-4]
        with _part(zf, name, budget) as fh:
            yield from _docx_part(fh, part, lines)
    block = lines.flush()
    if block is not None:
        yield block


def _docx_part(fh: IO[bytes], part: str, lines: _Lines) -> Iterator[Block]:
    stack: list[str] = []  # open p / tbl / tr / tc / comment elements
    paras: list[list[str]] = []  # text of the open paragraphs, innermost last
    cells: list[list[str]] = []  # paragraphs of the open cells
    rows: list[list[str]] = []  # cells of the open rows
    tables: list[tuple[int, int, _Headers]] = []  # (table number, rows so far, headers)
    n_para = n_table = n_comment = 0
    container: Element | None = None

    def emit(cells_: list[tuple[str, str, str]]) -> Iterator[Block]:
        block = lines.add(cells_)
        if block is not None:
            yield block

    for event, elem in iterparse(fh, events=("start", "end"), forbid_dtd=True):
        tag = _local(elem.tag)
        if event == "start":
            if tag in ("body", "hdr", "ftr", "comments", "footnotes", "endnotes") and container is None:
                container = elem
            elif tag == "p":
                stack.append("p")
                paras.append([])
            elif tag == "tbl":
                n_table += 1
                stack.append("tbl")
                tables.append((n_table, 0, _Headers()))
            elif tag == "tr":
                stack.append("tr")
                rows.append([])
            elif tag == "tc":
                stack.append("tc")
                cells.append([])
            elif tag in ("comment", "footnote", "endnote"):
                ident = _attr(elem, "id") or ""
                n_comment = int(ident) if ident.lstrip("-").isdigit() else n_comment + 1
            continue
        # end events
        if tag in ("t", "delText"):
            if paras and elem.text:
                paras[-1].append(elem.text)
        elif tag in ("tab", "br", "cr"):
            if paras:
                paras[-1].append(" ")
        elif tag == "p" and stack and stack[-1] == "p":
            stack.pop()
            text = "".join(paras.pop()).strip()
            if stack and stack[-1] == "tc":
                if text:
                    cells[-1].append(text)
            elif text:
                n_para += 1
                if part == "comments":
                    where = f"comment {n_comment} (hidden)"
                elif part in ("footnotes", "endnotes"):
                    where = f"{part[:-1]} {n_comment}"
                else:
                    where = f"{part} paragraph {n_para}"
                yield from emit([(_one_line(text), where, "")])
        elif tag == "tc" and stack and stack[-1] == "tc":
            stack.pop()
            if rows:
                rows[-1].append(" ".join(cells.pop()))
        elif tag == "tr" and stack and stack[-1] == "tr":
            stack.pop()
            row = rows.pop()
            if tables:
                number, count, headers = tables[-1]
                count += 1
                tables[-1] = (number, count, headers)
                filled = [(c, v) for c, v in enumerate(row, start=1) if v]
                headers.see(filled)
                where = f"{part} table {number} row {count}"
                if filled:
                    yield from emit([(_one_line(v), where, headers.get(c)) for c, v in filled])
        elif tag == "tbl" and stack and stack[-1] == "tbl":
            stack.pop()
            tables.pop()
        if container is not None and not stack and tag in ("p", "tbl", "sectPr", "comment", "footnote", "endnote"):
            container.clear()  # done with this top-level element: free it


# --- xlsx -----------------------------------------------------------------------------

_HEADER_FOOTER = frozenset({"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"})
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_REL_WORKSHEET = "/worksheet"
_REL_COMMENTS = "/comments"
_REL_DRAWING = "/drawing"


@dataclass
class _Sheet:
    name: str
    part: str
    hidden: bool


def _sheet_ref(name: str) -> str:
    return name if re.fullmatch(r"[\w\u4e00-\u9fff]+", name) else "'" + name.replace("'", "''") + "'"


def _xlsx_blocks(zf: zipfile.ZipFile, limits: Limits, budget: _Budget) -> Iterator[Block]:
    if "xl/workbook.xml" not in zf.NameToInfo:
        raise Unscreenable("corrupt", "文件不是有效的 Excel 工作簿（缺少 xl/workbook.xml），无法审查")
    wb_rels = _rels(zf, "xl/workbook.xml", budget)
    sheets: list[_Sheet] = []
    with _part(zf, "xl/workbook.xml", budget) as fh:
        for _event, elem in iterparse(fh, events=("end",), forbid_dtd=True):
            if _local(elem.tag) == "sheet":
                rel = wb_rels.get(_attr(elem, "id") or "")
                if rel is not None and rel[0].endswith(_REL_WORKSHEET):
                    state = elem.get("state", "visible")
                    sheets.append(_Sheet(elem.get("name", "?"), rel[1], state in ("hidden", "veryHidden")))
    strings = _shared_strings(zf, limits, budget)
    lines = _Lines(limits.block_chars)
    for sheet in sheets:
        if sheet.part not in zf.NameToInfo:
            continue
        yield from _sheet_rows(zf, sheet, strings, lines, budget)
        sheet_rels = _rels(zf, sheet.part, budget)
        for rel_type, target in sheet_rels.values():
            if target not in zf.NameToInfo:
                continue
            if rel_type.endswith(_REL_COMMENTS):
                yield from _sheet_comments(zf, sheet, target, lines, budget)
            elif rel_type.endswith(_REL_DRAWING):
                yield from _drawing_text(zf, sheet, target, lines, budget)
    block = lines.flush()
    if block is not None:
        yield block


def _shared_strings(zf: zipfile.ZipFile, limits: Limits, budget: _Budget) -> list[str]:
    rels = _rels(zf, "xl/workbook.xml", budget)
    name = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")), "xl/sharedStrings.xml")
    out: list[str] = []
    if name not in zf.NameToInfo:
        return out
    chars = 0
    buf: list[str] = []
    phonetic = 0
    container: Element | None = None
    with _part(zf, name, budget) as fh:
        for event, elem in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "sst":
                    container = elem
                elif tag == "rPh":
                    phonetic += 1
                continue
            if tag == "t" and not phonetic:
                buf.append(elem.text or "")
            elif tag == "rPh":
                phonetic -= 1
            elif tag == "si":
                value = "".join(buf)
                buf = []
                chars += len(value)
                if chars > limits.max_shared_string_chars:
                    raise Unscreenable("too_large", "工作簿文字量超过审查上限，无法审查，请拆分后上传")
                out.append(value)
                if container is not None:
                    container.clear()
    return out


def _cell_value(elem: Element, kind: str, strings: list[str]) -> str:
    value = ""
    for child in elem:
        local = _local(child.tag)
        if local == "v":
            value = child.text or ""
        elif local == "is":
            value = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
    if kind == "s":
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            return ""
    if kind in ("n", "") and ("E" in value or "e" in value):
        # 1.3812345678E10 → 13812345678 (Excel writes large numbers this way).
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if number == number.to_integral_value() and abs(number) < Decimal(10) ** 25:
            return str(int(number))
    if kind == "b":
        return ""
    return value


def _sheet_rows(
    zf: zipfile.ZipFile, sheet: _Sheet, strings: list[str], lines: _Lines, budget: _Budget
) -> Iterator[Block]:
    ref = _sheet_ref(sheet.name)
    hidden_cols: set[int] = set()
    headers = _Headers()
    row_no = 0
    row_hidden = False
    row_cells: list[tuple[int, str]] = []
    next_col = 1
    container: Element | None = None
    with _part(zf, sheet.part, budget) as fh:
        for event, elem in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "row":
                    r = elem.get("r")
                    row_no = int(r) if r and r.isdigit() else row_no + 1
                    row_hidden = elem.get("hidden") in ("1", "true")
                    row_cells = []
                    next_col = 1
                elif tag == "sheetData":
                    container = elem
                continue
            if tag == "col" and elem.get("hidden") in ("1", "true"):
                lo, hi = int(elem.get("min", "1")), int(elem.get("max", "1"))
                hidden_cols.update(range(lo, min(hi, 16384) + 1))
            elif tag == "c":
                m = _CELL_REF.fullmatch(elem.get("r", ""))
                col = _col_index(m.group(1)) if m else next_col
                next_col = col + 1
                value = _cell_value(elem, elem.get("t", ""), strings).strip()
                if value:
                    row_cells.append((col, value))
            elif tag == "row":
                if row_cells:
                    headers.see(row_cells)
                    cells = []
                    for col, value in row_cells:
                        notes = [
                            note
                            for note, on in (
                                ("hidden sheet", sheet.hidden),
                                ("hidden row", row_hidden),
                                ("hidden column", col in hidden_cols),
                            )
                            if on
                        ]
                        where = f"{ref}!{col_letter(col)}{row_no}" + (f" ({', '.join(notes)})" if notes else "")
                        cells.append((_one_line(value), where, headers.get(col)))
                    block = lines.add(cells)
                    if block is not None:
                        yield block
                if container is not None:
                    container.clear()
            elif tag in _HEADER_FOOTER and elem.text and elem.text.strip():
                text = re.sub(r"&[A-Za-z\"\-,0-9]*", " ", elem.text)
                block = lines.add([(_one_line(text), f"{ref} page {tag[-6:].lower()}", "")])
                if block is not None:
                    yield block


def _sheet_comments(zf: zipfile.ZipFile, sheet: _Sheet, part: str, lines: _Lines, budget: _Budget) -> Iterator[Block]:
    ref = _sheet_ref(sheet.name)
    with _part(zf, part, budget) as fh:
        for _event, elem in iterparse(fh, events=("end",), forbid_dtd=True):
            if _local(elem.tag) != "comment":
                continue
            text = "".join(t.text or "" for t in elem.iter() if _local(t.tag) == "t").strip()
            if text:
                where = f"comment on {ref}!{elem.get('ref', '?')} (hidden)"
                block = lines.add([(_one_line(text), where, "")])
                if block is not None:
                    yield block
            elem.clear()


def _drawing_text(zf: zipfile.ZipFile, sheet: _Sheet, part: str, lines: _Lines, budget: _Budget) -> Iterator[Block]:
    ref = _sheet_ref(sheet.name)
    buf: list[str] = []
    with _part(zf, part, budget) as fh:
        for _event, elem in iterparse(fh, events=("end",), forbid_dtd=True):
            tag = _local(elem.tag)
            if tag == "t":
                buf.append(elem.text or "")
            elif tag == "p":
                text = "".join(buf).strip()
                buf = []
                if text:
                    block = lines.add([(_one_line(text), f"{ref} text box", "")])
                    if block is not None:
                        yield block


# --- pdf ------------------------------------------------------------------------------


def _pdf_blocks(fh: BinaryIO, limits: Limits, budget: _Budget) -> Iterator[Block | Unscreenable]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(fh, strict=False)
    except (PdfReadError, ValueError, OSError) as exc:
        raise Unscreenable("corrupt", "PDF 文件已损坏，无法审查") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # only an owner password (no opening password): readable
        except (DependencyError, NotImplementedError, FileNotDecryptedError, PdfReadError) as exc:
            raise Unscreenable("encrypted", "PDF 文件已加密，无法审查") from exc
        if not opened:
            raise Unscreenable("encrypted", "PDF 文件已加密（设置了打开密码），无法审查")
    try:
        total = len(reader.pages)
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError) as exc:
        raise Unscreenable("corrupt", "PDF 文件已损坏，无法读取页面") from exc
    scanned: list[int] = []
    for index in range(min(total, limits.max_pdf_pages)):
        budget.check()
        page = reader.pages[index]
        text = page.extract_text() or ""
        number = index + 1
        if text.strip():
            yield Block(text, _page_locator(number))
        elif _has_images(page):
            scanned.append(number)
    if scanned:
        shown = "、".join(str(n) for n in scanned[:10]) + ("…" if len(scanned) > 10 else "")
        yield Unscreenable(
            "scanned_page",
            f"{len(scanned)} 页为扫描图像（没有文字层），无法自动审查，须人工审查：第{shown}页",
            f"page {scanned[0]}",
        )
    if total > limits.max_pdf_pages:
        yield Unscreenable(
            "page_limit", f"PDF 共 {total} 页，只审查了前 {limits.max_pdf_pages} 页", f"page {limits.max_pdf_pages + 1}"
        )


def _page_locator(number: int) -> Callable[[int], str]:
    where = f"page {number}"
    return lambda _offset: where


def _has_images(page: Any, depth: int = 0) -> bool:
    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form" and depth < 3 and _has_images(obj, depth + 1):
                return True
    except Exception:  # a broken resource dictionary: treat as no image
        return False
    return False
