"""Attachments are told by content: every accepted type is recognised from its bytes,
a wrong extension, an unknown format, an oversize file and a zip bomb are refused."""

import io
import re
import time
from typing import Any

import pytest

from gongkai.core.errors import DomainError
from gongkai.publishing import filetypes
from gongkai.publishing.tests import samples

SAMPLES: dict[str, bytes] = {
    "pdf": samples.pdf_bytes(),
    "png": samples.png_bytes(),
    "jpg": samples.jpeg_bytes(),
    "docx": samples.docx_bytes(),
    "xlsx": samples.xlsx_bytes(),
    "ofd": samples.ofd_bytes(),
    "doc": samples.ole_bytes("WordDocument"),
    "xls": samples.ole_bytes("Workbook"),
}


def check(name: str, data: bytes) -> filetypes.FileType:
    return filetypes.check(name, io.BytesIO(data))


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_each_type_is_recognised_from_its_bytes(key: str) -> None:
    assert filetypes.sniff(io.BytesIO(SAMPLES[key])) is filetypes.BY_KEY[key]
    assert check(f"关于印发工作方案的通知.{key}", SAMPLES[key]).key == key


def test_extension_case_and_jpeg_spelling_do_not_matter() -> None:
    assert check("照片.JPEG", SAMPLES["jpg"]) is filetypes.JPEG
    assert check("表格.XLSX", SAMPLES["xlsx"]) is filetypes.XLSX


def test_old_excel_book_stream_is_xls() -> None:
    # Excel 5.0/95 workbooks name their stream "Book".
    assert check("统计表.xls", samples.ole_bytes("Book", 9000)) is filetypes.XLS


def test_pdf_that_is_really_a_png_is_refused_with_both_named() -> None:
    with pytest.raises(filetypes.FileTypeError) as caught:
        check("x.pdf", SAMPLES["png"])
    assert str(caught.value) == "文件“x.pdf”的内容是 PNG 图片，与扩展名 .pdf 不符。"
    assert isinstance(caught.value, DomainError)


@pytest.mark.parametrize(
    ("name", "key", "found"),
    [
        ("年报.doc", "docx", "Word 文档（.docx）"),
        ("年报.docx", "doc", "Word 97-2003 文档（.doc）"),
        ("预算.xls", "xlsx", "Excel 工作簿（.xlsx）"),
        ("预算.xlsx", "docx", "Word 文档（.docx）"),
        ("公文.ofd", "pdf", "PDF 文档"),
        ("照片.png", "jpg", "JPEG 图片"),
        ("统计.doc", "xls", "Excel 97-2003 工作簿（.xls）"),
    ],
)
def test_every_mismatch_names_the_real_content(name: str, key: str, found: str) -> None:
    with pytest.raises(filetypes.FileTypeError, match=f"的内容是 {found}，与扩展名"):
        check(name, SAMPLES[key])


@pytest.mark.parametrize("name", ["病毒.exe", "演示.ppt", "网页.html", "说明"])
def test_other_extensions_are_refused_before_reading(name: str) -> None:
    with pytest.raises(filetypes.FileTypeError, match="可以上传：PDF、Word"):
        check(name, SAMPLES["pdf"])


def test_unknown_content_under_an_accepted_extension() -> None:
    with pytest.raises(filetypes.FileTypeError, match=re.escape("无法识别文件“说明.pdf”的内容")):
        check("说明.pdf", b"<html><script>alert(1)</script></html>")


def test_zip_without_office_parts_and_ole_without_known_stream_are_unknown() -> None:
    with pytest.raises(filetypes.FileTypeError, match="不是有效的 Word 文档"):
        check("打包.docx", samples._zip({"readme.txt": "hello"}))
    with pytest.raises(filetypes.FileTypeError, match="不是有效的 Word 97-2003 文档"):
        check("幻灯片.doc", samples.ole_bytes("PowerPoint Document"))


def test_truncated_containers_are_unknown_not_crashes() -> None:
    with pytest.raises(filetypes.FileTypeError, match="无法识别"):
        check("残缺.docx", SAMPLES["docx"][:200])
    with pytest.raises(filetypes.FileTypeError, match="无法识别"):
        check("残缺.doc", SAMPLES["doc"][:600])


def test_encrypted_office_file_is_refused_with_a_reason() -> None:
    with pytest.raises(filetypes.FileTypeError, match="已加密"):
        check("机密.docx", samples.ole_bytes("EncryptedPackage"))


def test_empty_file_is_refused() -> None:
    with pytest.raises(filetypes.FileTypeError, match="是空文件"):
        check("空.pdf", b"")


def test_zip_bomb_with_huge_declared_size_is_refused_without_unpacking() -> None:
    bomb = samples.zip_bomb_docx()
    started = time.perf_counter()
    with pytest.raises(filetypes.FileTypeError, match=re.escape("解压后将达 4096.0 MB，超过 200.0 MB 的安全上限")):
        check("炸弹.docx", bomb)
    assert time.perf_counter() - started < 1.0
    assert len(bomb) < 2000


def test_high_compression_ratio_is_refused() -> None:
    with pytest.raises(filetypes.FileTypeError, match=r"压缩比异常.*压缩炸弹"):
        check("填充.docx", samples.deflate_bomb_docx())


def test_unpacked_limit_follows_the_setting(settings: Any) -> None:
    settings.GONGKAI_ATTACHMENT_MAX_UNPACKED_BYTES = 100
    with pytest.raises(filetypes.FileTypeError, match="超过 100 字节 的安全上限"):
        check("正常.docx", SAMPLES["docx"])


def test_size_limit_follows_the_setting(settings: Any) -> None:
    data = SAMPLES["pdf"]
    settings.GONGKAI_ATTACHMENT_MAX_BYTES = len(data)
    assert check("刚好.pdf", data) is filetypes.PDF
    settings.GONGKAI_ATTACHMENT_MAX_BYTES = len(data) - 1
    with pytest.raises(filetypes.FileTypeError, match=r"超过了 .* 的上限"):
        check("超限.pdf", data)


def test_default_size_limit_is_50_mib(settings: Any) -> None:
    del settings.GONGKAI_ATTACHMENT_MAX_BYTES
    assert filetypes.max_bytes() == 50 * 1024 * 1024


def test_allowed_types_can_be_narrowed() -> None:
    with pytest.raises(filetypes.FileTypeError, match=re.escape("可以上传：Word 文档（.docx）")):
        filetypes.check("正文.pdf", io.BytesIO(SAMPLES["pdf"]), allowed=(filetypes.DOCX,))


def test_sniff_leaves_the_stream_at_the_start() -> None:
    stream = io.BytesIO(SAMPLES["docx"])
    stream.seek(100)
    filetypes.sniff(stream)
    assert stream.tell() == 0
