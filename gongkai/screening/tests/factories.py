"""Screening test data: identifiers with valid check digits and files that hide them or
cannot be read, built in memory."""

import io
from typing import Any

import openpyxl

from gongkai.publishing import attachments
from gongkai.publishing.models import Attachment, InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.screening.corpus import make_pdf
from gongkai.screening.detectors import id_check_digit

# 四川省达州市达川区, born 1985-06-15: a valid GB 11643 number.
ID = "51170319850615123" + id_check_digit("51170319850615123")
ID_MASKED = "5117**********" + ID[-4:]
SECOND_ID = "51170219900101456" + id_check_digit("51170219900101456")


def body_with_id(number: str = ID) -> str:
    return f"<p>各村（社区）：</p><p>经审核，张三（身份证号：{number}）符合条件。</p>"


def xlsx_with_hidden_id(number: str = ID) -> bytes:
    """A public list on the visible sheet; the identity numbers on a hidden one."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "公示"
    sheet.append(["姓名", "补助金额（元）"])
    sheet.append(["李四", "1200元"])
    hidden = book.create_sheet("备用")
    hidden.sheet_state = "hidden"
    hidden.append(["姓名", "身份证号码"])
    hidden.append(["李四", number])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def clean_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "项目"
    sheet.append(["项目", "金额（万元）"])
    sheet.append(["道路维修", "35.5"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf([[f"身份证号：{ID}"]]))).pages:
        writer.add_page(page)
    writer.encrypt("open-sesame", "owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"\x00garbage" * 50


def attach(desk: Desk, item: InfoItem, name: str, data: bytes, **kwargs: Any) -> Attachment:
    """Through the real upload service (type checked by content)."""
    return attachments.attachment_add(actor=desk.editor, item=item, upload=(name, data), **kwargs)
