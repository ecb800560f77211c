"""Builds the default letter templates (*.docx in this folder) from the text below.

Run ``.venv/bin/python -m gongkai.requests.letter_templates.build`` after changing the text;
the files are committed, so every installation starts from the same templates. An office may
replace any of them in the staff workspace (文书模板); the placeholders are listed there and in
``gongkai.requests.letters.PLACEHOLDERS``.

Layout after GB/T 9704-2012 《党政机关公文格式》: A4, margins 37/35/28/26 mm (top/bottom/left/
right), title in 2号 (22 pt) 方正小标宋简体, body in 3号 (16 pt) 仿宋_GB2312 at a fixed line pitch
of 28.95 pt (22 lines of 28 characters), 文号 centred under the title, 落款 (body name and date
in Arabic numerals) right-aligned four characters from the margin with room for the seal above.
The jinja tags are docxtpl's: ``{{ name }}`` inside a paragraph, ``{%p ... %}`` on a paragraph of
its own for a paragraph-level loop or condition.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
LINE_PITCH = Pt(28.95)

# (style, text). Styles: title, number, salutation, body, plain, signature, blank, control.
Block = tuple[str, str]

OPENING = (
    "本机关于{{ received_on }}收到您提交的政府信息公开申请（申请编号：{{ request_number }}），"
    "申请内容为：“{{ description }}”。"
)
CONTACT = "联系机构：{{ office_name }}；地址：{{ org_address }}；联系电话：{{ org_phone }}。"
REMEDY = (
    "如对本答复不服，可以自收到本答复之日起60日内向{{ reconsideration_body }}申请行政复议，"
    "或者自收到本答复之日起6个月内向{{ court }}提起行政诉讼。"
)
LAW = "《中华人民共和国政府信息公开条例》"


def _head(title: str, to: str = "{{ requester_name }}：") -> list[Block]:
    return [
        ("title", "{{ org_name }}"),
        ("title", title),
        ("number", "{{ number }}"),
        ("salutation", to),
    ]


def _foot(*, remedy: bool = False, to_requester: bool = True) -> list[Block]:
    blocks: list[Block] = []
    if remedy:
        blocks.append(("body", REMEDY))
    # GB/T 9704-2012 7.3.5.1: the seal presses on the signature and the date, its top within one
    # line of the text; the date stands four characters from the right margin.
    blocks += [("body", CONTACT), ("blank", ""), ("signature", "{{ org_name }}"), ("signature", "{{ issued_on }}")]
    if to_requester:
        blocks += [("plain", "送达：{{ requester_name }}（{{ requester_address }}）")]
    return blocks


def _reply(group_text: Sequence[Block]) -> list[Block]:
    return [
        *_head("政府信息公开申请答复书"),
        ("body", OPENING + "经审查，现答复如下："),
        *group_text,
        ("body", "特此告知。"),
        *_foot(remedy=True),
    ]


TEMPLATES: dict[str, list[Block]] = {
    "correction": [
        *_head("政府信息公开申请补正通知书"),
        ("body", OPENING),
        (
            "body",
            "经审查，您的申请内容不够明确，本机关无法据此确定您所需要的政府信息。根据" + LAW + "{{ articles }}"
            "的规定，请您对以下事项作出补正：{{ correction_items }}",
        ),
        (
            "body",
            "请您{% if respond_by %}于{{ respond_by }}前{% else %}在收到本通知后的合理期限内{% endif %}"
            "向本机关提交补正后的申请。"
            "答复期限自本机关收到补正的申请之日起计算。"
            "您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        ("body", "特此通知。"),
        *_foot(),
    ],
    "extension": [
        *_head("政府信息公开申请延期答复告知书"),
        ("body", OPENING),
        (
            "body",
            "{% if reason %}因{{ reason }}，{% endif %}本机关无法在20个工作日内作出答复。"
            "经本机关政府信息公开工作机构负责人同意，根据"
            + LAW
            + "{{ articles }}的规定，答复期限延长{{ extension_days }}个工作日，"
            "本机关将于{{ new_due_on }}前向您作出答复。",
        ),
        ("body", "特此告知。"),
        *_foot(),
    ],
    "third_party": [
        *_head("政府信息公开征求第三方意见书", "{{ third_party_name }}："),
        ("body", "本机关收到一份政府信息公开申请，申请公开的政府信息为：“{{ information }}”。"),
        (
            "body",
            "经审查，该信息公开可能损害您（单位）的合法权益。根据" + LAW + "{{ articles }}的规定，现书面征求您（单位）"
            "的意见。请您（单位）自收到本意见书之日起15个工作日内{% if respond_by %}（即{{ respond_by }}前）{% endif %}"
            "向本机关书面提出是否同意公开的意见；不同意公开的，请说明理由。逾期未提出意见的，由本机关依照条例的规定决定是否公开。",
        ),
        ("body", "特此函告。"),
        *_foot(to_requester=False),
    ],
    "fee": [
        *_head("政府信息公开信息处理费收费通知书"),
        ("body", OPENING),
        (
            "body",
            "因您申请公开政府信息的数量、频次明显超过合理范围，根据" + LAW + "{{ articles }}的规定，"
            "本机关{{ fee_method }}信息处理费，计费明细如下：",
        ),
        ("control", "{%p for band in fee_bands %}"),
        (
            "body",
            "第{{ band.first }}至{{ band.last }}{{ fee_unit }}：{{ band.quantity }}{{ fee_unit }}，"
            "每{{ fee_unit }}{{ band.unit_price }}元，计{{ band.amount }}元；",
        ),
        ("control", "{%p endfor %}"),
        ("body", "合计人民币{{ fee_amount }}元（大写：{{ fee_amount_upper }}）。"),
        (
            "body",
            "请您自收到本通知次日起20个工作日内{% if pay_by %}（即{{ pay_by }}前）{% endif %}缴纳。"
            "缴费方式：{{ payment_info }}。"
            "逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        ("body", "特此通知。"),
        *_foot(),
    ],
    "reply_disclosed": _reply(
        [("body", "您申请获取的政府信息属于公开范围。根据" + LAW + "{{ articles }}的规定，{{ decision }}")]
    ),
    "reply_partly_disclosed": _reply(
        [
            (
                "body",
                "您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据" + LAW + "{{ articles }}"
                "的规定，{{ decision }}",
            )
        ]
    ),
    "reply_withheld": _reply([("body", "{{ decision }}根据" + LAW + "{{ articles }}的规定，本机关决定不予公开。")]),
    "reply_cannot_provide": _reply(
        [("body", "{{ decision }}根据" + LAW + "{{ articles }}的规定，本机关无法向您提供。")]
    ),
    "reply_not_processed": _reply(
        [("body", "{{ decision }}根据" + LAW + "{{ articles }}的规定，本机关不作为政府信息公开申请处理。")]
    ),
    "reply_other": _reply([("body", "{{ decision }}根据" + LAW + "{{ articles }}的规定，本机关不再处理该申请。")]),
}


def _font(run_or_style: object, name: str, size: Pt, *, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    font.size = size
    font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def build_docx(blocks: Sequence[Block]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    for style, text in blocks:
        p = doc.add_paragraph()
        run = p.add_run(text)
        if style == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing = Pt(36)
            _font(run, TITLE_FONT, TITLE_SIZE)
        elif style == "number":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = LINE_PITCH
            _font(run, BODY_FONT, BODY_SIZE)
        elif style == "body":
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = BODY_SIZE * 2
        elif style == "signature":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = BODY_SIZE * 4
    # fixed metadata, so rebuilding without a change in the text gives the same document
    props = doc.core_properties
    props.author = props.last_modified_by = "Gongkai"
    props.created = props.modified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed member dates, so a rebuild is byte-for-byte identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    for key, blocks in TEMPLATES.items():
        (HERE / f"{key}.docx").write_bytes(build_docx(blocks))
        sys.stdout.write(f"{HERE / key}.docx\n")


if __name__ == "__main__":
    main()
