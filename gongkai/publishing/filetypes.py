"""Attachment types, told by their content and never by their name alone.

An information item carries PDF, Word (.docx, .doc), Excel (.xlsx, .xls), OFD (GB/T 33190,
the national fixed-layout format), JPEG and PNG files. `check()` reads the bytes, decides
what the file really is, and refuses it when the extension says something else, when it
is larger than the limit, or when it is a ZIP container (docx, xlsx, ofd) whose declared
unpacked size would flood the server. Nothing here decompresses anything: the ZIP guard
reads only the central directory, whose declared sizes also bound what Python's zipfile
(and so mammoth) will ever unpack from a member.

Settings:
- GONGKAI_ATTACHMENT_MAX_BYTES: largest file accepted (default 50 MiB).
- GONGKAI_ATTACHMENT_MAX_UNPACKED_BYTES: largest declared unpacked total of a ZIP-based file
  (default 200 MiB).
"""

import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

import olefile
from django.conf import settings

from gongkai.core.errors import DomainError

MAX_BYTES_SETTING = "GONGKAI_ATTACHMENT_MAX_BYTES"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_SETTING = "GONGKAI_ATTACHMENT_MAX_UNPACKED_BYTES"
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Office XML compresses about 5-30:1; deflate cannot go beyond ~1032:1 per member, so a
# higher overall ratio only comes from nested or overlapping tricks. Below the floor the
# unpacked total is harmless whatever the ratio.
MAX_COMPRESSION_RATIO = 200
RATIO_FLOOR_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000

_PDF = b"%PDF-"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    key: str  # stored in Attachment.file_type
    label: str  # "PNG 图片": what the user is told the file is
    extensions: tuple[str, ...]  # accepted extensions, the first is canonical
    content_type: str

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("pdf", "PDF 文档", ("pdf",), "application/pdf")
DOCX = FileType(
    "docx", "Word 文档（.docx）", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
DOC = FileType("doc", "Word 97-2003 文档（.doc）", ("doc",), "application/msword")
XLSX = FileType(
    "xlsx", "Excel 工作簿（.xlsx）", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
XLS = FileType("xls", "Excel 97-2003 工作簿（.xls）", ("xls",), "application/vnd.ms-excel")
OFD = FileType("ofd", "OFD 版式文档", ("ofd",), "application/ofd")
JPEG = FileType("jpg", "JPEG 图片", ("jpg", "jpeg"), "image/jpeg")
PNG = FileType("png", "PNG 图片", ("png",), "image/png")

TYPES: tuple[FileType, ...] = (PDF, DOCX, DOC, XLSX, XLS, OFD, JPEG, PNG)
BY_KEY: dict[str, FileType] = {t.key: t for t in TYPES}
BY_EXTENSION: dict[str, FileType] = {ext: t for t in TYPES for ext in t.extensions}
ACCEPTED = "PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）、OFD、JPG、PNG"


class FileTypeError(DomainError):
    """The file is refused; the message names it and says why."""


class _Refused(Exception):
    """The content is recognised but unsafe to accept (reason for the user)."""


def max_bytes() -> int:
    return int(getattr(settings, MAX_BYTES_SETTING, DEFAULT_MAX_BYTES))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, MAX_UNPACKED_SETTING, DEFAULT_MAX_UNPACKED_BYTES))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


def extension_of(name: str) -> str:
    """The lower-case extension without the dot ("" when there is none)."""
    return os.path.splitext(name)[1].lstrip(".").lower()


def _stream_size(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _zip_type(stream: BinaryIO) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _Refused(f"内含 {len(members)} 个文件，超过 {MAX_ZIP_MEMBERS} 个的安全上限，已拒绝")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    limit = max_unpacked_bytes()
    if unpacked > limit:
        raise _Refused(f"解压后将达 {human_size(unpacked)}，超过 {human_size(limit)} 的安全上限，已拒绝")
    if unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        ratio = unpacked // max(packed, 1)
        raise _Refused(f"压缩比异常（约 {ratio}:1，解压后 {human_size(unpacked)}），疑似“压缩炸弹”，已拒绝")
    # OOXML part names are case-insensitive (ECMA-376 Part 2, 9.1.1.1).
    names = {m.filename.lower() for m in members}
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ofd.xml" in names:
        return OFD
    return None


def _ole_type(stream: BinaryIO) -> FileType | None:
    try:
        ole = olefile.OleFileIO(stream)
    except Exception:  # olefile raises OSError, struct.error, IndexError ... on damaged files
        return None
    try:
        if ole.exists("EncryptedPackage"):
            # An encrypted .docx/.xlsx is an OLE2 file holding the encrypted package.
            raise _Refused("已加密（设有打开密码），请取消密码后再上传")
        if ole.exists("WordDocument"):
            return DOC
        if ole.exists("Workbook") or ole.exists("Book"):
            return XLS
        return None
    finally:
        ole.close()


def sniff(stream: BinaryIO) -> FileType | None:
    """What the bytes are, or None when they are none of the accepted types.

    Raises _Refused for containers that must not be opened (zip bombs, encrypted files)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(_PDF):
            return PDF
        if head.startswith(_PNG):
            return PNG
        if head.startswith(_JPEG):
            return JPEG
        if head.startswith(_OLE):
            return _ole_type(stream)
        if head.startswith(_ZIP):
            return _zip_type(stream)
        return None
    finally:
        stream.seek(0)


def check(name: str, stream: BinaryIO, *, allowed: Iterable[FileType] = TYPES) -> FileType:
    """The type of an upload named `name`, or FileTypeError with a Chinese message.

    Checks, in order: the extension is one we accept, the size is within the limit and
    not zero, the content is recognised and safe, and content and extension agree."""
    allowed = tuple(allowed)
    extension = extension_of(name)
    claimed = BY_EXTENSION.get(extension)
    accepted = "、".join(dict.fromkeys(t.label for t in allowed)) if allowed != TYPES else ACCEPTED
    if claimed is None or claimed not in allowed:
        shown = f"扩展名 .{extension}" if extension else "没有扩展名"
        raise FileTypeError(f"不接受文件“{name}”（{shown}）。可以上传：{accepted}。")
    size = _stream_size(stream)
    limit = max_bytes()
    if size > limit:
        raise FileTypeError(f"文件“{name}”大小为 {human_size(size)}，超过了 {human_size(limit)} 的上限。")
    if size == 0:
        raise FileTypeError(f"文件“{name}”是空文件。")
    try:
        found = sniff(stream)
    except _Refused as exc:
        raise FileTypeError(f"文件“{name}”{exc}。") from exc
    if found is None:
        raise FileTypeError(f"无法识别文件“{name}”的内容，它不是有效的 {claimed.label}，文件可能已损坏。")
    if found is not claimed:
        raise FileTypeError(f"文件“{name}”的内容是 {found.label}，与扩展名 .{extension} 不符。")
    return found
