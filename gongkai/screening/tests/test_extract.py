import io
import os
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files import File

from gongkai.screening.corpus import make_docx, make_pdf
from gongkai.screening.detectors import Finding, ScreenContext, id_check_digit, is_blocking
from gongkai.screening.extract import Limits, screen_document, screen_html

CTX = ScreenContext.build(today=date(2026, 6, 1))
ID = "51170219900101123" + id_check_digit("51170219900101123")
ID2 = "11010519491231002X"


def screen(name: str, data: bytes, limits: Limits | None = None) -> list[Finding]:
    return screen_document(name, io.BytesIO(data), CTX, **({"limits": limits} if limits else {}))


def by_kind(findings: list[Finding]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for f in findings:
        out.setdefault(f.kind, []).append((f.value, f.location))
    return out


def unscreenable(findings: list[Finding]) -> Finding:
    [finding] = [f for f in findings if f.kind == "unscreenable"]
    assert finding.severity == "block"
    assert is_blocking(findings)
    return finding


# --- xlsx ---------------------------------------------------------------------------------


def make_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号码", "联系电话", "备注"])
    ws.append(["张三", ID, 13812345678, "已发放"])
    ws.append(["李四", "—", "", ""])
    ws.append(["王五", "", "", "住址：达州市通川区西外镇花红村3组15号"])
    ws.row_dimensions[3].hidden = True
    ws["B3"] = ID2
    ws.column_dimensions["D"].hidden = True
    ws["A5"] = "审核意见"
    ws["A5"].comment = Comment("联系人手机 13912345678", "审核人")
    hidden = wb.create_sheet("原始数据")
    hidden.append(["赵六", "6222021234567890128"])
    hidden.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_cells_hidden_sheet_row_column_and_comments() -> None:
    found = by_kind(screen("名单.xlsx", make_xlsx()))
    assert (ID, "名单!B2") in found["id_card"]
    assert ("13812345678", "名单!C2") in found["mobile"]  # a number cell
    assert (ID2, "名单!B3 (hidden row)") in found["id_card"]
    assert ("达州市通川区西外镇花红村3组15号", "名单!D4 (hidden column)") in found["address"]
    assert ("13912345678", "comment on 名单!A5 (hidden)") in found["mobile"]
    assert ("6222021234567890128", "原始数据!B1 (hidden sheet)") in found["bank_card"]
    assert ("张三", "名单!A2") in found["name"]


def test_xlsx_inline_strings_and_shared_strings_without_openpyxl_quirks() -> None:
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c>'
        f'<c r="B1" t="inlineStr"><is><r><t>{ID[:9]}</t></r><r><t>{ID[9:]}</t></r></is></c></row>'
        '<row r="2"><c r="A2"><v>1.3812345678E10</v></c></row>'
        "</sheetData></worksheet>"
    )
    data = _zip(
        {
            "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
            "xl/worksheets/sheet1.xml": sheet,
        }
    )
    found = by_kind(screen("a.xlsx", data))
    assert found["id_card"] == [(ID, "S!B1")]
    assert found["mobile"] == [("13812345678", "S!A2")]


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return buf.getvalue()


# --- docx ---------------------------------------------------------------------------------


def test_docx_body_tables_headers_footers_comments() -> None:
    data = make_docx(
        ["关于发放补贴的公示", ["序号", "姓名", "身份证号码"], ["1", "张三", ID], "联系电话：13812345678"],
        header=["秘密★1年"],
        footer=["经办人手机 13912345678"],
        comments=["请核对李四 6222021234567890128"],
    )
    found = by_kind(screen("公示.docx", data))
    assert found["id_card"] == [(ID, "document table 1 row 2")]
    assert ("张三", "document table 1 row 2") in found["name"]
    assert found["mobile"] == [("13812345678", "document paragraph 2"), ("13912345678", "footer1 paragraph 1")]
    assert found["secret_mark"] == [("秘密★1年", "header1 paragraph 1")]
    assert found["bank_card"] == [("6222021234567890128", "comment 0 (hidden)")]


def test_docx_text_boxes_and_tracked_deletions_are_read() -> None:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<w:document xmlns:w="{w}"><w:body>'
        "<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:pict><w:txbxContent>"
        "<w:p><w:r><w:t>文本框 13812345678</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></w:r></w:p>"
        f"<w:p><w:del><w:r><w:delText>已删除 {ID}</w:delText></w:r></w:del></w:p>"
        "</w:body></w:document>"
    )
    found = by_kind(screen("a.docx", _zip({"word/document.xml": document})))
    assert found["mobile"] == [("13812345678", "document paragraph 1")]
    assert found["id_card"] == [(ID, "document paragraph 3")]


def test_docx_with_a_dtd_is_refused_not_expanded() -> None:
    document = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    finding = unscreenable(screen("a.docx", _zip({"word/document.xml": document})))
    assert finding.rule == "unscreenable.corrupt"


def test_zip_bomb_in_a_docx_is_unscreenable() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document>" + b" " * (30 * 1024 * 1024) + b"</w:document>")
    assert len(buf.getvalue()) < 100_000
    finding = unscreenable(screen("bomb.docx", buf.getvalue()))
    assert finding.rule == "unscreenable.zip_bomb"


def test_zip_part_that_lies_about_its_size_is_cut_off() -> None:
    body = b'<w:document xmlns:w="x"><w:body>' + b"<w:p/>" * 500_000 + b"</w:body></w:document>"
    data = bytearray(_zip({"word/document.xml": body}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header: uncompressed size
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)  # central directory: uncompressed size
    finding = unscreenable(screen("lie.docx", bytes(data)))
    assert finding.rule == "unscreenable.corrupt"


def test_too_many_unzipped_bytes_are_refused_while_reading() -> None:
    data = make_docx(["正文" * 50_000])
    finding = unscreenable(screen("a.docx", data, Limits(max_part_bytes=10_000)))
    assert finding.rule == "unscreenable.zip_bomb"


# --- pdf ----------------------------------------------------------------------------------


def test_pdf_pages_are_located() -> None:
    data = make_pdf([["第一页", "内容"], ["申请人张三", f"身份证号：{ID}"], ["手机 13812345678"]])
    found = by_kind(screen("a.pdf", data))
    assert found["id_card"] == [(ID, "page 2")]
    assert found["mobile"] == [("13812345678", "page 3")]


def _encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf([[f"身份证号：{ID}"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password, owner_password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_encrypted_pdf_is_unscreenable() -> None:
    finding = unscreenable(screen("secret.pdf", _encrypted_pdf("open-sesame", "owner")))
    assert finding.rule == "unscreenable.encrypted"
    assert "加密" in finding.value_masked


def test_pdf_with_only_an_owner_password_is_screened() -> None:
    found = by_kind(screen("a.pdf", _encrypted_pdf("", "owner")))
    assert found["id_card"] == [(ID, "page 1")]
    assert "unscreenable" not in found


def test_scanned_pages_are_reported() -> None:
    findings = screen("scan.pdf", make_pdf([["正文"], [], []]))
    finding = unscreenable(findings)
    assert (finding.rule, finding.location) == ("unscreenable.scanned_page", "page 2")
    assert "2 页" in finding.value


def test_pdf_page_limit_screens_the_first_pages_and_reports_the_rest() -> None:
    data = make_pdf([[f"手机 1381234567{n}"] for n in range(5)])
    findings = screen("long.pdf", data, Limits(max_pdf_pages=2))
    assert [f.location for f in findings if f.kind == "mobile"] == ["page 1", "page 2"]
    assert unscreenable(findings).rule == "unscreenable.page_limit"


def test_time_budget() -> None:
    findings = screen("a.pdf", make_pdf([["x"]] * 3), Limits(time_budget_s=0))
    assert unscreenable(findings).rule == "unscreenable.time_budget"


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.xlsx"])
def test_corrupt_files_are_unscreenable(name: str) -> None:
    finding = unscreenable(screen(name, os.urandom(4096)))
    assert finding.rule == "unscreenable.corrupt"


def test_truncated_docx_is_unscreenable() -> None:
    data = make_docx([f"身份证 {ID}"] * 200)
    assert unscreenable(screen("a.docx", data[: len(data) // 2])).rule == "unscreenable.corrupt"


def test_password_protected_office_file_is_unscreenable() -> None:
    import olefile  # noqa: F401  (the container format of encrypted Office files)

    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    finding = unscreenable(screen("a.xlsx", data))
    assert finding.rule == "unscreenable.encrypted"


@pytest.mark.parametrize("name", ["a.doc", "a.xls", "photo.jpg", "archive.zip", "noextension"])
def test_unsupported_formats_are_unscreenable(name: str) -> None:
    assert unscreenable(screen(name, b"data")).rule == "unscreenable.unsupported_format"


def test_a_200_mb_spreadsheet_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: takes no disk space
    finding = unscreenable(screen_document("huge.xlsx", path, CTX))
    assert finding.rule == "unscreenable.too_large"
    with open(path, "rb") as fh:
        assert unscreenable(screen_document("huge.xlsx", fh, CTX)).rule == "unscreenable.too_large"


def test_missing_file_is_unscreenable(tmp_path: Path) -> None:
    finding = unscreenable(screen_document("gone.txt", tmp_path / "gone.txt", CTX))
    assert finding.rule == "unscreenable.unreadable"


# --- text, csv, html ---------------------------------------------------------------------


def test_text_encodings() -> None:
    text = f"申请人张三\n身份证号：{ID}\n"
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        found = by_kind(screen("a.txt", text.encode(encoding)))
        assert found["id_card"] == [(ID, "paragraph 2")], encoding


def test_long_text_is_screened_in_blocks_with_continuous_paragraph_numbers() -> None:
    lines = ["一般性内容一般性内容"] * 500 + [f"身份证号：{ID}"] + [""] * 3 + ["手机 13812345678"]
    found = by_kind(screen("a.txt", "\n".join(lines).encode(), Limits(block_chars=1000)))
    assert found["id_card"] == [(ID, "paragraph 501")]
    assert found["mobile"] == [("13812345678", "paragraph 502")]


def test_csv_cells() -> None:
    data = f"姓名,身份证号码,电话\n张三,'x,x'\n李四,{ID},\"138 1234 5678\"\n".encode("gb18030")
    found = by_kind(screen("a.csv", data))
    assert found["id_card"] == [(ID, "B3")]
    assert found["mobile"] == [("138 1234 5678", "C3")]
    assert ("李四", "A3") in found["name"]


def test_html_text_comments_and_attributes() -> None:
    html = (
        '<html><head><meta charset="gb2312"><style>.a{color:red}</style><script>var x="13700000000";</script>'
        "</head><body><p>公示</p><table><tr><td>张三</td><td>{id}</td></tr></table>"
        '<!-- 原始名单：李四 13812345678 --><img alt="王五 13912345678" src="x.png"></body></html>'
    ).replace("{id}", ID)
    found = by_kind(screen("a.html", html.encode("gb18030")))
    assert found["id_card"] == [(ID, "paragraph 2")]
    assert ("13812345678", "html comment (hidden) paragraph 1") in found["mobile"]
    assert ("13912345678", "paragraph 3") in found["mobile"]
    assert all(v != "13700000000" for v, _ in found["mobile"])  # scripts are not page text


def test_screen_html_for_rich_text_bodies() -> None:
    findings = screen_html(f"<p>正文</p><p>身份证 {ID}</p>", location_prefix="正文", context=CTX)
    assert [(f.kind, f.location) for f in findings] == [("id_card", "正文 paragraph 2")]


# --- sources ------------------------------------------------------------------------------


class _Pipe(io.BytesIO):
    """A stream that cannot seek, like an upload being received."""

    def seekable(self) -> bool:
        return False


def test_non_seekable_streams_and_django_files() -> None:
    data = make_docx([f"身份证号：{ID}"])
    assert by_kind(screen_document("a.docx", _Pipe(data), CTX))["id_card"] == [(ID, "document paragraph 1")]
    assert by_kind(screen_document("a.docx", File(io.BytesIO(data)), CTX))["id_card"] == [(ID, "document paragraph 1")]
    big = _Pipe(b"x" * 5000)
    assert unscreenable(screen_document("a.txt", big, CTX, limits=Limits(max_file_bytes=1000))).rule == (
        "unscreenable.too_large"
    )
