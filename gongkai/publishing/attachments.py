"""Writes of attachments, and the body of an item taken from a Word (.docx) file.

Every file is checked by content (filetypes.check) before anything is stored; a refused
file leaves no row and no file behind. Files are stored under MEDIA_ROOT with a random
name (never the uploader's), with their SHA-256, size and detected type.

Attachments are not versioned with the item's content, so they change only while the
item is neither live nor under review: a file added to a live item would reach the
public without the review of 条例第十七条. To change the files of a published item,
withdraw it (撤稿), edit, and send it through review again.
"""

import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any, BinaryIO, cast

import mammoth
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import Perm, require

from . import filetypes, richtext, services
from .models import Attachment, CatalogColumn, InfoItem, ItemState, ItemVersion

Upload = UploadedFile | tuple[str, bytes]

MAX_NAME_LENGTH = Attachment._meta.get_field("original_name").max_length or 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Word's built-in headings, one level down: the item title is the page's <h1>.
DOCX_STYLE_MAP = (
    "\n".join(
        f"p[style-name='{name} {level}'] => h{min(level + 1, 4)}:fresh"
        for level in (1, 2, 3, 4)
        for name in ("Heading", "heading")
    )
    + "\n"
    + "\n".join(f"p.Heading{level} => h{min(level + 1, 4)}:fresh" for level in (1, 2, 3, 4))
)


@dataclass
class _Incoming:
    name: str
    stream: BinaryIO


def _clean_name(raw: str) -> str:
    """The file name as shown to visitors: no directories, no control characters,
    at most MAX_NAME_LENGTH characters with the extension kept."""
    name = unicodedata.normalize("NFC", _CONTROL.sub("", raw)).replace("\\", "/")
    name = PurePosixPath(name).name.strip()
    if not name or name in {".", ".."}:
        raise DomainError("文件名为空，请为文件命名后重新上传。")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_NAME_LENGTH - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and keep > 0 else name[:MAX_NAME_LENGTH]
    return name


def _incoming(upload: Upload) -> _Incoming:
    if isinstance(upload, tuple):
        name, content = upload
        return _Incoming(_clean_name(name), io.BytesIO(content))
    if upload.file is None:
        raise DomainError("没有收到文件内容。")
    return _Incoming(_clean_name(upload.name or ""), cast(BinaryIO, upload.file))


def _sha256(stream: BinaryIO) -> tuple[str, int]:
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _role(actor: User | None, organisation: Organisation) -> str:
    return "" if actor is None else str(require(actor, Perm.ITEM_DRAFT, organisation))


def _require_files_editable(item: InfoItem) -> None:
    if item.state in (ItemState.IN_REVIEW, ItemState.APPROVED):
        raise DomainError(f"该信息{item.get_state_display()}，不能增删附件。")
    if item.is_live:
        raise DomainError("该信息已发布，附件不能直接改动（未经审核的文件不能上网）。请先撤稿，修改后重新送审。")


def _store(
    *, item: InfoItem, incoming: _Incoming, file_type: filetypes.FileType, actor: User | None, is_original: bool
) -> Attachment:
    """Write the file and its row; the caller has checked the type and the permission.
    If the row cannot be written, the file is removed again."""
    sha256, size = _sha256(incoming.stream)
    attachment = Attachment(
        item=item,
        original_name=incoming.name,
        file_type=file_type.key,
        size=size,
        sha256=sha256,
        is_original=is_original,
        uploaded_by=actor,
    )
    attachment.file.save(f"{secrets.token_hex(16)}.{file_type.extension}", File(incoming.stream), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def _delete_file_on_commit(attachment: Attachment) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _attach(
    *,
    actor: User | None,
    role: str,
    item: InfoItem,
    incoming: _Incoming,
    file_type: filetypes.FileType,
    is_original: bool,
    **extra: Any,
) -> Attachment:
    """Store the file with its row and audit record; the file goes again if either fails."""
    attachment = _store(item=item, incoming=incoming, file_type=file_type, actor=actor, is_original=is_original)
    try:
        _audit_add(actor, role, attachment, **extra)
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def _audit_add(actor: User | None, role: str, attachment: Attachment, **extra: Any) -> None:
    audit.record(
        actor=actor,
        role=role,
        organisation=attachment.item.organisation,
        action="attachment.add",
        obj=attachment.item,
        changes={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "type": attachment.file_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "is_original": attachment.is_original,
            **extra,
        },
    )


@transaction.atomic
def attachment_add(*, actor: User | None, item: InfoItem, upload: Upload) -> Attachment:
    """Attach a file to an item that is not live and not under review."""
    item = InfoItem.objects.select_related("organisation").select_for_update(of=("self",)).get(pk=item.pk)
    role = _role(actor, item.organisation)
    _require_files_editable(item)
    incoming = _incoming(upload)
    file_type = filetypes.check(incoming.name, incoming.stream)
    return _attach(actor=actor, role=role, item=item, incoming=incoming, file_type=file_type, is_original=False)


@transaction.atomic
def attachment_remove(*, actor: User | None, attachment: Attachment) -> None:
    """Remove an attachment; its file is deleted once the removal is committed."""
    item = InfoItem.objects.select_related("organisation").select_for_update(of=("self",)).get(pk=attachment.item_id)
    role = _role(actor, item.organisation)
    _require_files_editable(item)
    audit.record(
        actor=actor,
        role=role,
        organisation=item.organisation,
        action="attachment.remove",
        obj=item,
        changes={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
    )
    _delete_file_on_commit(attachment)
    attachment.delete()


# --- the body of an item from a .docx -----------------------------------------------


def docx_to_html(stream: BinaryIO, name: str) -> str:
    """Clean HTML of a .docx (already checked by filetypes.check). Images are dropped;
    links to other files are never followed; a style map embedded in the file is ignored."""
    stream.seek(0)
    try:
        result = mammoth.convert_to_html(
            stream,
            style_map=DOCX_STYLE_MAP,
            include_embedded_style_map=False,
            external_file_access=False,
            convert_image=mammoth.images.img_element(lambda image: {}),
        )
    except Exception as exc:  # a damaged docx raises KeyError, zipfile and XML errors, ValueError ...
        raise DomainError(f"无法读取 Word 文档“{name}”：文件已损坏或不是有效的 .docx 文件。") from exc
    finally:
        stream.seek(0)
    try:
        html = richtext.clean(result.value)
    except richtext.UnsafeHTMLError as exc:
        raise DomainError(f"Word 文档“{name}”：{exc}") from exc
    if not richtext.to_text(html).strip():
        raise DomainError(f"Word 文档“{name}”没有可用的正文内容。")
    return html


def _incoming_docx(upload: Upload) -> tuple[_Incoming, filetypes.FileType]:
    incoming = _incoming(upload)
    file_type = filetypes.check(incoming.name, incoming.stream, allowed=(filetypes.DOCX,))
    return incoming, file_type


@transaction.atomic
def item_create_from_docx(
    *,
    actor: User | None,
    organisation: Organisation,
    column: CatalogColumn,
    upload: Upload,
    formed_on: date,
    **fields: Any,
) -> InfoItem:
    """A new draft whose body is the converted .docx; the .docx stays attached as the
    original (is_original=True). The title defaults to the file name without extension."""
    role = _role(actor, organisation)
    incoming, file_type = _incoming_docx(upload)
    body_html = docx_to_html(incoming.stream, incoming.name)
    title = str(fields.pop("title", "") or "").strip() or PurePosixPath(incoming.name).stem
    fields.pop("body_html", None)
    item = services.item_create(
        actor=actor,
        organisation=organisation,
        column=column,
        title=title,
        formed_on=formed_on,
        body_html=body_html,
        **fields,
    )
    _attach(actor=actor, role=role, item=item, incoming=incoming, file_type=file_type, is_original=True)
    return item


@transaction.atomic
def item_body_from_docx(*, actor: User | None, item: InfoItem, upload: Upload) -> ItemVersion:
    """Replace the body of an item's working copy with a converted .docx (a new version,
    through services.item_update) and keep that .docx as the item's original, in place of
    the previous one."""
    item = InfoItem.objects.select_related("organisation").get(pk=item.pk)
    role = _role(actor, item.organisation)
    _require_files_editable(item)
    incoming, file_type = _incoming_docx(upload)
    body_html = docx_to_html(incoming.stream, incoming.name)
    version = services.item_update(actor=actor, item=item, body_html=body_html)
    replaced = list(item.attachments.filter(is_original=True))
    for old in replaced:
        _delete_file_on_commit(old)
        old.delete()
    _attach(
        actor=actor,
        role=role,
        item=item,
        incoming=incoming,
        file_type=file_type,
        is_original=True,
        replaced=[old.original_name for old in replaced],
        version=version.number,
    )
    return version
