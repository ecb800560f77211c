"""Attachments are stored only after their content is checked; a refused file leaves no
row and no file. A .docx becomes a clean body and stays attached as the original."""

import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing import attachments, services
from gongkai.publishing.models import Attachment, InfoItem, ItemState
from gongkai.publishing.tests import samples
from gongkai.publishing.tests.factories import Desk, approve_all, draft, make_desk, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def desk(tree: Tree) -> Desk:
    return make_desk(tree.city_dept, "edu")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def actions(prefix: str) -> list[str]:
    return list(AuditRecord.objects.filter(action__startswith=prefix).order_by("seq").values_list("action", flat=True))


# --- attachment_add / attachment_remove ---------------------------------------------


def test_add_stores_the_file_under_a_random_name_with_its_checksum(desk: Desk, media: Path) -> None:
    item = draft(desk)
    data = samples.pdf_bytes("report")
    upload = SimpleUploadedFile("附件1：2026年重点任务清单.pdf", data, content_type="application/octet-stream")
    attachment = attachments.attachment_add(actor=desk.editor, item=item, upload=upload)
    attachment.refresh_from_db()
    assert attachment.original_name == "附件1：2026年重点任务清单.pdf"
    assert (attachment.file_type, attachment.size) == ("pdf", len(data))
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.uploaded_by == desk.editor and not attachment.is_original
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == data
    assert stored.is_relative_to(media / "attachments")
    assert "重点任务" not in stored.name and stored.suffix == ".pdf" and len(stored.stem) == 32
    record = AuditRecord.objects.get(action="attachment.add")
    assert record.actor == desk.editor and record.organisation == desk.org
    assert record.changes["sha256"] == attachment.sha256 and record.changes["type"] == "pdf"


def test_add_accepts_name_and_bytes_and_strips_client_paths(desk: Desk, media: Path) -> None:
    item = draft(desk)
    attachment = attachments.attachment_add(
        actor=None, item=item, upload=("C:\\fakepath\\..\\现场照片.JPG", samples.jpeg_bytes())
    )
    assert attachment.original_name == "现场照片.JPG"
    assert attachment.file_type == "jpg" and attachment.file.name.endswith(".jpg")


def test_long_names_keep_their_extension(desk: Desk, media: Path) -> None:
    attachment = attachments.attachment_add(
        actor=None, item=draft(desk), upload=("长" * 300 + ".xlsx", samples.xlsx_bytes())
    )
    assert len(attachment.original_name) == 200 and attachment.original_name.endswith("长.xlsx")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("伪装.pdf", samples.png_bytes()), "的内容是 PNG 图片，与扩展名 .pdf 不符"),
        (("程序.exe", b"MZ\x90\x00"), "不接受文件"),
        (("炸弹.docx", samples.zip_bomb_docx()), "安全上限"),
        (("", samples.pdf_bytes()), "文件名为空"),
    ],
)
def test_refused_files_leave_nothing_behind(desk: Desk, media: Path, upload: tuple[str, bytes], message: str) -> None:
    item = draft(desk)
    with pytest.raises(DomainError, match=message):
        attachments.attachment_add(actor=desk.editor, item=item, upload=upload)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert actions("attachment.") == []


def test_oversize_file_is_refused(desk: Desk, media: Path, settings: Any) -> None:
    data = samples.pdf_bytes()
    settings.GONGKAI_ATTACHMENT_MAX_BYTES = len(data) - 1
    with pytest.raises(DomainError, match="超过了"):
        attachments.attachment_add(actor=desk.editor, item=draft(desk), upload=("大文件.pdf", data))
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_only_editors_of_the_body_may_attach(desk: Desk, tree: Tree, media: Path) -> None:
    item = draft(desk)
    with pytest.raises(NotPermitted):
        attachments.attachment_add(actor=tree.tc_editor, item=item, upload=("a.pdf", samples.pdf_bytes()))
    with pytest.raises(NotPermitted):
        attachments.attachment_add(actor=desk.first, item=item, upload=("a.pdf", samples.pdf_bytes()))
    assert stored_files(media) == []


def test_files_of_live_or_reviewed_items_do_not_change(desk: Desk, media: Path) -> None:
    in_review = services.item_submit(actor=desk.editor, item=draft(desk, "审核中的信息"))
    assert in_review.state == ItemState.IN_REVIEW
    with pytest.raises(DomainError, match="不能增删附件"):
        attachments.attachment_add(actor=desk.editor, item=in_review, upload=("a.pdf", samples.pdf_bytes()))
    live = published(desk, "已发布的信息")
    with pytest.raises(DomainError, match="请先撤稿"):
        attachments.attachment_add(actor=desk.editor, item=live, upload=("a.pdf", samples.pdf_bytes()))
    services.item_withdraw(actor=desk.final, item=live, reason="补充附件")
    attachment = attachments.attachment_add(actor=desk.editor, item=live, upload=("a.pdf", samples.pdf_bytes()))
    assert attachment.item_id == live.pk


def test_remove_deletes_row_and_file_after_commit(
    desk: Desk, media: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    attachment = attachments.attachment_add(actor=desk.editor, item=draft(desk), upload=("a.png", samples.png_bytes()))
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_remove(actor=desk.editor, attachment=attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()
    assert actions("attachment.") == ["attachment.add", "attachment.remove"]


def test_remove_is_refused_while_in_review(desk: Desk, media: Path) -> None:
    item = draft(desk)
    # A PDF with a text layer: an image could not be screened and would stop the submission.
    attachment = attachments.attachment_add(actor=desk.editor, item=item, upload=("a.pdf", samples.pdf_bytes()))
    approve_all(desk, item)
    with pytest.raises(DomainError, match="已审核待发布，不能增删附件"):
        attachments.attachment_remove(actor=desk.editor, attachment=attachment)
    assert Path(attachment.file.path).exists()


# --- the body from a .docx ------------------------------------------------------------


def test_item_from_docx_has_a_clean_body_and_keeps_the_original(desk: Desk, media: Path) -> None:
    data = samples.docx_bytes()
    upload = SimpleUploadedFile("关于做好2026年冬季供暖工作的通知.docx", data)
    item = attachments.item_create_from_docx(
        actor=desk.editor, organisation=desk.org, column=desk.column, upload=upload, formed_on=date(2026, 3, 2)
    )
    assert item.title == "关于做好2026年冬季供暖工作的通知"
    assert item.state == ItemState.DRAFT
    assert item.body_html == (
        "<h2>总体要求</h2><p>各县（市、区）人民政府：</p><p><strong>现将有关事项通知如下。</strong></p>"
    )
    assert item.body_text == "总体要求\n各县（市、区）人民政府：\n现将有关事项通知如下。"
    original = item.attachments.get()
    assert original.is_original and original.file_type == "docx"
    assert original.sha256 == hashlib.sha256(data).hexdigest()
    assert Path(original.file.path).read_bytes() == data
    assert actions("item.create") + actions("attachment.") == ["item.create", "attachment.add"]


def test_item_from_docx_takes_a_given_title_and_fields(desk: Desk, media: Path) -> None:
    item = attachments.item_create_from_docx(
        actor=desk.editor,
        organisation=desk.org,
        column=desk.column,
        upload=("草稿.docx", samples.docx_bytes()),
        formed_on=date(2026, 3, 2),
        title="达州市教育局关于做好冬季供暖工作的通知",
        doc_number="达市教发[2026]5号",
    )
    assert item.title == "达州市教育局关于做好冬季供暖工作的通知"
    assert item.doc_number == "达市教发〔2026〕5号"


def _docx_with_link(target: str) -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
        '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>点击查看</w:t></w:r></w:hyperlink></w:p></w:body></w:document>'
    )
    data = samples.docx_bytes(document_xml=document)
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'hyperlink" Target="{target}" TargetMode="External"/></Relationships>'
    )
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/_rels/document.xml.rels", rels)
    return buffer.getvalue()


def test_docx_links_are_kept_when_safe(desk: Desk, media: Path) -> None:
    item = attachments.item_create_from_docx(
        actor=None,
        organisation=desk.org,
        column=desk.column,
        upload=("链接.docx", _docx_with_link("https://www.dazhou.gov.cn/")),
        formed_on=date(2026, 3, 2),
    )
    assert '<a href="https://www.dazhou.gov.cn/" rel="noopener noreferrer">点击查看</a>' in item.body_html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("损坏.docx", samples.docx_bytes(document_xml="<w:document><w:body><w:p>"), "无法读取 Word 文档“损坏.docx”"),
        ("脚本.docx", _docx_with_link("javascript:alert(1)"), "正文含有脚本"),
        ("空白.docx", samples.docx_bytes(""), "没有可用的正文内容"),
        ("正文.pdf", samples.pdf_bytes(), "可以上传：Word 文档（.docx）"),
        ("正文.docx", samples.pdf_bytes(), "的内容是 PDF 文档"),
        ("炸弹.docx", samples.deflate_bomb_docx(), "压缩炸弹"),
    ],
)
def test_a_bad_docx_creates_nothing(desk: Desk, media: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        attachments.item_create_from_docx(
            actor=desk.editor,
            organisation=desk.org,
            column=desk.column,
            upload=(name, data),
            formed_on=date(2026, 3, 2),
        )
    assert not InfoItem.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert actions("item.") + actions("attachment.") == []


def test_item_from_docx_needs_the_right_to_draft(desk: Desk, tree: Tree, media: Path) -> None:
    with pytest.raises(NotPermitted):
        attachments.item_create_from_docx(
            actor=tree.tc_editor,
            organisation=desk.org,
            column=desk.column,
            upload=("a.docx", samples.docx_bytes()),
            formed_on=date(2026, 3, 2),
        )
    assert not InfoItem.objects.exists() and stored_files(media) == []


def test_body_from_docx_makes_a_version_and_replaces_the_original(
    desk: Desk, media: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    item = attachments.item_create_from_docx(
        actor=desk.editor, organisation=desk.org, column=desk.column, upload=("v1.docx", samples.docx_bytes()),
        formed_on=date(2026, 3, 2),
    )  # fmt: skip
    first = item.attachments.get()
    first_path = Path(first.file.path)
    second_docx = samples.docx_bytes("<w:p><w:r><w:t>修订后的正文。</w:t></w:r></w:p>")
    with django_capture_on_commit_callbacks(execute=True):
        version = attachments.item_body_from_docx(actor=desk.editor, item=item, upload=("v2.docx", second_docx))
    item.refresh_from_db()
    assert version.number == 2
    assert item.body_html == "<p>修订后的正文。</p>"  # never published: the change applies at once
    original = item.attachments.get()
    assert original.original_name == "v2.docx" and original.is_original
    assert not first_path.exists()
    record = AuditRecord.objects.filter(action="attachment.add").order_by("-seq").first()
    assert record is not None and record.changes["replaced"] == ["v1.docx"]


def test_body_from_a_bad_docx_keeps_the_item_as_it_was(desk: Desk, media: Path) -> None:
    item = draft(desk)
    before = (item.body_html, item.versions.count())
    with pytest.raises(DomainError):
        attachments.item_body_from_docx(actor=desk.editor, item=item, upload=("坏.docx", b"PK\x03\x04broken"))
    item.refresh_from_db()
    assert (item.body_html, item.versions.count()) == before
    assert stored_files(media) == []
