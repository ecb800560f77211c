"""Rendering of the request desk's letters: the context, the .docx (docxtpl) and the PDF (reportlab).

No database writes and no clock: letter_services takes the number, stores the files and audits.

- The context (``build_context``) is plain JSON-able data: the body, the requester (full name and
  address: the letter goes to the requester), the request, the number, and the statutory citation
  for the kind and, for a reply, the result code (ARTICLES below, after 《中华人民共和国政府信息
  公开条例》 (2019) and 国办函〔2020〕109号).
- The .docx is the office's template (or the default in letter_templates/) rendered by docxtpl in a
  jinja *sandbox* with StrictUndefined: an uploaded template can neither reach Python internals nor
  silently print an empty placeholder.
- The PDF is typeset by reportlab from the rendered letter's paragraphs and tables (text,
  alignment, size, indents), so an office's edited template shows in both files with the same
  text. No LibreOffice, no network. A CJK TrueType font found on the system is embedded (subset);
  without one, reportlab's built-in CID font STSong-Light is used.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from gongkai.core.errors import DomainError

from .fees import BASIS as FEE_BASIS
from .fees import Fee, FeeMethod
from .models.choices import ResultCode, result_group
from .models.letters import LetterKind, ReplyGroup

TEMPLATE_DIR = Path(__file__).resolve().parent / "letter_templates"
LAW = "《中华人民共和国政府信息公开条例》"

#: The article(s) each non-reply letter rests on.
KIND_ARTICLES: dict[str, str] = {
    # 第三十条: one request for correction, within 7 working days, naming what and by when.
    LetterKind.CORRECTION: "第三十条",
    # 第三十三条第二款: one extension of at most 20 working days, with notice to the requester.
    LetterKind.EXTENSION: "第三十三条第二款",
    # 第三十二条: written consultation of the third party, who has 15 working days.
    LetterKind.THIRD_PARTY: "第三十二条",
    # 第四十二条 and the fee rules of 国办函〔2020〕109号.
    LetterKind.FEE: f"第四十二条和{FEE_BASIS}",
}

#: The article(s) a reply cites for each result code (DOMAIN.md "Disclosure on request").
ARTICLES: dict[str, str] = {
    ResultCode.DISCLOSED: "第三十六条第（二）项",
    ResultCode.PARTLY_DISCLOSED: "第三十六条第（二）项、第三十七条",
    # 第三十六条第（三）项: refused, with the reasons; the ground comes from 第十四至十六条.
    ResultCode.WITHHELD_1: "第十四条、第三十六条第（三）项",
    ResultCode.WITHHELD_2: "第十四条、第三十六条第（三）项",
    ResultCode.WITHHELD_3: "第十四条、第三十六条第（三）项",
    ResultCode.WITHHELD_4: "第十五条、第三十六条第（三）项",
    ResultCode.WITHHELD_5: "第十六条第一款、第三十六条第（三）项",
    ResultCode.WITHHELD_6: "第十六条第二款、第三十六条第（三）项",
    ResultCode.WITHHELD_7: "第十六条第二款、第三十六条第（三）项",
    # 行政查询事项: 工商、不动产登记资料等 have their own access rules.
    ResultCode.WITHHELD_8: "第三十六条第（七）项",
    # 第三十六条第（四）项: does not exist; 第（五）项: not held by this body.
    ResultCode.CANNOT_PROVIDE_1: "第三十六条第（四）项、第（五）项",
    ResultCode.CANNOT_PROVIDE_2: "第三十八条",
    ResultCode.CANNOT_PROVIDE_3: "第二十九条第二款、第三十条",
    ResultCode.NOT_PROCESSED_1: "第三十九条第一款",
    ResultCode.NOT_PROCESSED_2: "第三十六条第（六）项",
    ResultCode.NOT_PROCESSED_3: "第三十九条第二款",
    ResultCode.NOT_PROCESSED_4: "第三十五条",
    ResultCode.NOT_PROCESSED_5: "第二条、第三十八条",
    ResultCode.OTHER_1: "第三十条",
    ResultCode.OTHER_2: f"第四十二条和{FEE_BASIS}",
    ResultCode.OTHER_3: "第四十五条",
}

#: The default statement of the decision; the handler may replace it (extra["decision"]).
DECISIONS: dict[str, str] = {
    ResultCode.DISCLOSED: "现向您提供该政府信息（见附件）。",
    ResultCode.PARTLY_DISCLOSED: "现向您提供可以公开的部分（见附件）；其余内容不予公开，理由是：{reason}。",
    ResultCode.WITHHELD_1: "您申请获取的政府信息依法确定为国家秘密。",
    ResultCode.WITHHELD_2: "您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。",
    ResultCode.WITHHELD_3: "您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。",
    ResultCode.WITHHELD_4: "您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。",
    ResultCode.WITHHELD_5: "您申请获取的政府信息属于行政机关的内部事务信息。",
    ResultCode.WITHHELD_6: "您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息。",
    ResultCode.WITHHELD_7: "您申请获取的政府信息属于行政执法案卷信息。",
    ResultCode.WITHHELD_8: (
        "您申请获取的信息属于行政查询事项，有关法律、行政法规对信息的获取有特别规定，请依照其规定办理。"
    ),
    ResultCode.CANNOT_PROVIDE_1: "经检索，本机关未制作或获取您申请公开的政府信息，该政府信息不存在。",
    ResultCode.CANNOT_PROVIDE_2: (
        "您申请获取的信息需要本机关对现有政府信息进行加工、分析后方能形成，本机关没有现成信息。"
    ),
    ResultCode.CANNOT_PROVIDE_3: "您的申请经补正后内容仍不明确，本机关无法确定您所需要的政府信息。",
    ResultCode.NOT_PROCESSED_1: "您的申请系以政府信息公开申请的形式进行信访、投诉、举报等活动，请通过相应渠道提出。",
    ResultCode.NOT_PROCESSED_2: "本机关已就您提出的相同政府信息公开申请作出答复，对您的重复申请不予重复处理。",
    ResultCode.NOT_PROCESSED_3: "您申请获取的是政府公报、报刊、书籍等公开出版物，可通过公开发行渠道获取。",
    ResultCode.NOT_PROCESSED_4: "您申请公开政府信息的数量、频次明显超过合理范围，且所说明的理由不合理。",
    ResultCode.NOT_PROCESSED_5: "您的申请系要求本机关确认或重新出具您已获取的信息。",
    ResultCode.OTHER_1: "本机关已向您发出补正通知，您无正当理由逾期未补正，视为放弃申请。",
    ResultCode.OTHER_2: "本机关已向您发出收费通知，您逾期未按要求缴纳信息处理费，视为放弃申请。",
    ResultCode.OTHER_3: "{reason}",
}

#: Every placeholder of the context, for the template page (name, what it holds).
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("number", "文号，如 达市府办信复〔2026〕12号"),
    ("year", "文号年度"),
    ("seq", "文号序号"),
    ("issued_on", "发文日期，如 2026年1月5日"),
    ("org_name", "本机关全称（落款）"),
    ("org_short_name", "本机关简称"),
    ("office_name", "政府信息公开工作机构"),
    ("org_address", "本机关办公地址"),
    ("org_phone", "本机关联系电话"),
    ("org_postcode", "本机关邮政编码"),
    ("requester_name", "申请人姓名或名称（抬头）"),
    ("requester_address", "申请人通信地址"),
    ("request_number", "申请编号"),
    ("received_on", "收到申请日期"),
    ("description", "申请内容"),
    ("articles", "本文书依据的条款，如 第三十条"),
    ("law", "《中华人民共和国政府信息公开条例》"),
    ("title", "文书名称"),
    ("result_label", "办理结果（答复书）"),
    ("result_group", "办理结果类别（答复书）"),
    ("decision", "答复意见（答复书）"),
    ("reason", "理由（延期、部分公开、其他处理）"),
    ("reconsideration_body", "行政复议机关（答复书）"),
    ("court", "行政诉讼受理法院（答复书）"),
    ("correction_items", "需要补正的事项（补正通知书）"),
    ("respond_by", "补正期限或第三方提出意见的期限"),
    ("extension_days", "延长的工作日数（延期答复告知书）"),
    ("new_due_on", "延长后的答复期限（延期答复告知书）"),
    ("third_party_name", "第三方名称（征求第三方意见书）"),
    ("information", "征求意见所涉政府信息（征求第三方意见书）"),
    ("fee_method", "计收方式：按件计收或按量计收（收费通知书）"),
    ("fee_unit", "计费单位：件或页（收费通知书）"),
    ("fee_bands", "计费明细，每项有 first、last、quantity、unit_price、amount（收费通知书）"),
    ("fee_amount", "收费金额（元）"),
    ("fee_amount_upper", "收费金额大写"),
    ("pay_by", "缴费期限"),
    ("payment_info", "缴费方式"),
)


class LetterError(DomainError):
    """A letter cannot be rendered; the message (Chinese) says why."""


def cn_date(day: dt.date | None) -> str:
    """GB/T 9704-2012 7.3.5.1: dates in Arabic numerals, months and days not zero-padded."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")


def amount_upper(yuan: int) -> str:
    """A whole-yuan amount in Chinese financial numerals: 1200 → 壹仟贰佰元整."""
    if yuan < 0:
        raise ValueError("金额不能为负数。")
    if yuan == 0:
        return "零元整"
    groups: list[int] = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    out = ""
    zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        if zero or (out and group < 1000):
            out += "零"
        zero = False
        text = ""
        pending_zero = False
        for pos in range(3, -1, -1):
            digit = group // 10**pos % 10
            if digit == 0:
                pending_zero = bool(text)
                continue
            if pending_zero:
                text += "零"
                pending_zero = False
            text += _DIGITS[digit] + _UNITS[pos]
        out += text + _SECTIONS[index]
    return out + "元整"


def template_key(kind: str, group: str = "") -> str:
    """The name of a template slot: "correction", "reply_withheld" …"""
    return f"{kind}_{group}" if kind == LetterKind.REPLY else str(kind)


def template_slots() -> list[tuple[str, str, str, str]]:
    """(key, kind, result group, label) of every template an office can replace."""
    slots: list[tuple[str, str, str, str]] = []
    for kind in LetterKind:
        if kind == LetterKind.REPLY:
            slots += [(template_key(kind, g), kind.value, g.value, f"{kind.label}（{g.label}）") for g in ReplyGroup]
        else:
            slots.append((template_key(kind), kind.value, "", kind.label))
    return slots


def slot_for_key(key: str) -> tuple[str, str]:
    """(kind, result group) of a template key; ValueError for an unknown key."""
    for slot_key, kind, group, _label in template_slots():
        if slot_key == key:
            return kind, group
    raise ValueError(key)


def default_template(kind: str, group: str = "") -> bytes:
    return (TEMPLATE_DIR / f"{template_key(kind, group)}.docx").read_bytes()


def reply_group(result_code: str) -> str:
    """ "withheld_3" → "withheld" (the ReplyGroup of a result code)."""
    label = result_group(result_code)
    return next(g.value for g in ReplyGroup if g.label == label)


def title(kind: str) -> str:
    """The letter's name as printed under the body's name."""
    titles: dict[str, str] = {
        LetterKind.CORRECTION: "政府信息公开申请补正通知书",
        LetterKind.EXTENSION: "政府信息公开申请延期答复告知书",
        LetterKind.THIRD_PARTY: "政府信息公开征求第三方意见书",
        LetterKind.FEE: "政府信息公开信息处理费收费通知书",
        LetterKind.REPLY: "政府信息公开申请答复书",
    }
    return titles[kind]


def _fee_context(fee: Fee | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    if fee is None:
        return {}
    unit = "件" if fee.method == FeeMethod.BY_ITEM else "页"
    return {
        "fee_method": str(FeeMethod(fee.method).label),
        "fee_unit": unit,
        "fee_bands": [
            {"first": b.first, "last": b.last, "quantity": b.quantity, "unit_price": b.unit_price, "amount": b.amount}
            for b in fee.bands
        ],
        "fee_amount": fee.amount,
        "fee_amount_upper": amount_upper(fee.amount),
        "payment_info": str(extra.get("payment_info") or "请持本通知到本机关政府信息公开工作机构缴纳"),
    }


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return cn_date(value)
    return "" if value is None else str(value)


def build_context(
    *,
    organisation: Any,
    request: Any,
    kind: str,
    result_code: str = "",
    number: str,
    year: int,
    seq: int,
    issued_on: dt.date,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The letter's data, JSON-able (it is stored with the letter). ``request`` is a
    DisclosureRequest or any object with the same attributes (the sample context uses one)."""
    extra = dict(extra or {})
    fee = extra.pop("fee", None)
    parent = getattr(organisation, "parent", None)
    context: dict[str, Any] = {
        "number": number,
        "year": year,
        "seq": seq,
        "issued_on": cn_date(issued_on),
        "title": title(kind),
        "law": LAW,
        "org_name": organisation.name,
        "org_short_name": organisation.short_name or organisation.name,
        "office_name": organisation.office_name or organisation.name,
        "org_address": organisation.address,
        "org_phone": organisation.phone,
        "org_postcode": organisation.postcode,
        "requester_name": request.requester_name,
        "requester_address": request.address,
        "request_number": request.number,
        "received_on": cn_date(request.received_on),
        "description": request.description,
        "articles": KIND_ARTICLES.get(kind, ""),
        "result_label": "",
        "result_group": "",
        "decision": "",
        "reason": "",
        "reconsideration_body": parent.name if parent is not None else "有管辖权的行政复议机关",
        "court": "有管辖权的人民法院",
        "correction_items": "",
        "respond_by": "",
        "extension_days": request.extension_days or "",
        "new_due_on": cn_date(request.due_on),
        "third_party_name": "",
        "information": request.description,
        "fee_method": "",
        "fee_unit": "",
        "fee_bands": [],
        "fee_amount": 0,
        "fee_amount_upper": "",
        "pay_by": "",
        "payment_info": "",
    }
    if kind == LetterKind.REPLY:
        code = ResultCode(result_code)
        reason = _text(extra.get("reason")) or "涉及不应当公开的内容"
        context.update(
            {
                "articles": ARTICLES[code],
                "result_label": code.label,
                "result_group": result_group(code),
                "decision": DECISIONS[code].format(reason=reason),
                "reason": reason,
            }
        )
    context.update(_fee_context(fee, extra))
    for key, value in extra.items():
        if key in context and key not in ("fee_bands",):
            context[key] = _text(value) if not isinstance(value, int) else value
    return context


@dataclass(frozen=True)
class _SampleOrg:
    name: str = "达州市人民政府办公室"
    short_name: str = "市政府办公室"
    office_name: str = "达州市人民政府办公室"
    address: str = "达州市通川区朝阳中路1号"
    phone: str = "0818-2123456"
    postcode: str = "635000"
    parent: Any = None


@dataclass(frozen=True)
class _SampleRequest:
    requester_name: str = "张三"
    address: str = "达州市通川区某某路1号"
    number: str = "2026-0001"
    received_on: dt.date = dt.date(2026, 3, 2)
    description: str = "2025年本区老旧小区改造项目清单"
    extension_days: int = 20
    due_on: dt.date = dt.date(2026, 4, 28)


def sample_context(kind: str, group: str = "") -> dict[str, Any]:
    """A complete context with made-up values, to check an uploaded template renders."""
    code = ""
    if kind == LetterKind.REPLY:
        code = next(c.value for c in ResultCode if reply_group(c.value) == (group or ReplyGroup.DISCLOSED))
    from .fees import fee_by_item

    return build_context(
        organisation=_SampleOrg(),
        request=_SampleRequest(),
        kind=kind,
        result_code=code,
        number="达市府办信复〔2026〕1号",
        year=2026,
        seq=1,
        issued_on=dt.date(2026, 3, 5),
        extra={
            "reason": "所需政府信息数量较大",
            "correction_items": "请写明所需政府信息的名称、文号或者便于查询的其他特征性描述。",
            "respond_by": dt.date(2026, 3, 20),
            "third_party_name": "某某有限公司",
            "pay_by": dt.date(2026, 4, 3),
            "fee": fee_by_item(items=15),
        },
    )


# --- .docx ---------------------------------------------------------------------------------


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined)


#: A template's parts, unpacked, may not exceed this (a "zip bomb" would exhaust memory).
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_PARTS = 2000


def check_docx(data: bytes) -> None:
    """Refuses what is not a Word 2007+ document (.docx), or one that unpacks too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        raise LetterError("上传的文件不是 Word 文档（.docx）。请在 Word 或 WPS 中另存为 .docx 格式后再上传。") from None
    if len(infos) > MAX_DOCX_PARTS or sum(info.file_size for info in infos) > MAX_DOCX_UNPACKED_BYTES:
        raise LetterError(f"上传的 Word 文档解压后超过 {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB，请精简后再上传。")
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise LetterError("上传的文件不是 Word 文档（.docx），缺少正文部分。")
    try:
        Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds for a damaged package
        raise LetterError("无法读取上传的 Word 文档，文件可能已损坏。") from None


def render_docx(template: bytes, context: Mapping[str, Any]) -> bytes:
    """The template filled in with the context; LetterError (Chinese) when the template is broken."""
    check_docx(template)
    doc = DocxTemplate(io.BytesIO(template))
    try:
        doc.render(dict(context), _environment(), autoescape=True)
    except TemplateError as exc:
        raise LetterError(
            f"模板中的占位符有误：{_jinja_message(exc)}。请检查 {{{{ }}}} 和 {{% %}} 标记是否完整、名称是否正确。"
        ) from None
    except Exception as exc:  # docxtpl reports broken XML after rendering as lxml errors
        raise LetterError(f"模板无法生成文书：{exc.__class__.__name__}。请检查模板中的占位符标记。") from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _jinja_message(exc: TemplateError) -> str:
    message = str(exc.message or exc.__class__.__name__)
    if " is undefined" in message:
        return f"未知的占位符 {message.replace(' is undefined', '')}"
    if "unexpected end of template" in message or "expected token" in message or "unexpected" in message:
        return f"标记不完整或写法错误（{message}）"
    return message


# --- PDF -------------------------------------------------------------------------------------

PT_PER_EMU = 1 / 12700
#: Where a CJK font may be installed (Debian's fonts-wqy-microhei, fonts-wqy-zenhei, Noto CJK).
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)


#: Full-width punctuation that may not begin a line (GB/T 15834-2011 4.1.1: 句内点号、句末点号、
#: 引号、括号、书名号的后一半不出现在一行之首). reportlab's CJK wrapping knows only some of them.
NO_LINE_START = "，。、；：？！”’）》〉」』】〕…—"


def _forbid_line_start() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    # both modules hold their own copy: textsplit.wordSplit wraps plain paragraphs,
    # paragraph.cjkFragSplit those with markup
    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in NO_LINE_START if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


@cache
def pdf_font() -> str:
    """The name of the registered font for letters: an embedded TrueType CJK font when one is
    installed, else the built-in CID font STSong-Light (not embedded; every PDF reader has it)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    name = ""
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("GongkaiLetter", path, subfontIndex=index))
            except Exception:  # noqa: S112 (a font reportlab cannot read: try the next one)
                continue
            name = "GongkaiLetter"
            break
    if not name:
        name = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    _forbid_line_start()
    # one face for every style: <b> in a paragraph must not fail (bold runs print regular)
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


@dataclass(frozen=True)
class Block:
    """One paragraph of the rendered letter, or a table (rows of cell texts)."""

    text: str = ""
    align: str = "left"
    size: float = 16.0
    bold: bool = False
    first_indent: float = 0.0
    right_indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    rows: tuple[tuple[str, ...], ...] = ()


_ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
    WD_ALIGN_PARAGRAPH.DISTRIBUTE: "justify",
}


def _length(value: Any) -> float:
    return float(value) * PT_PER_EMU if value is not None else 0.0


def _paragraph_block(p: DocxParagraph, default_size: float) -> Block:
    fmt = p.paragraph_format
    style_fmt = p.style.paragraph_format if p.style is not None else None
    align = p.alignment if p.alignment is not None else (style_fmt.alignment if style_fmt is not None else None)
    size = next((r.font.size.pt for r in p.runs if r.font.size is not None and r.text.strip()), None)
    if size is None and p.style is not None and p.style.font.size is not None:
        size = p.style.font.size.pt
    return Block(
        text=p.text,
        align=_ALIGN.get(align, "left") if align is not None else "left",
        size=size or default_size,
        bold=any(r.bold for r in p.runs if r.text.strip()),
        first_indent=_length(fmt.first_line_indent),
        right_indent=_length(fmt.right_indent),
        space_before=_length(fmt.space_before),
        space_after=_length(fmt.space_after),
    )


def docx_blocks(data: bytes) -> list[Block]:
    """The paragraphs and tables of a .docx, in document order."""
    doc = Document(io.BytesIO(data))
    normal = doc.styles["Normal"].font.size
    default_size = normal.pt if normal is not None else 16.0
    blocks: list[Block] = []
    for item in doc.iter_inner_content():
        if isinstance(item, DocxParagraph):
            blocks.append(_paragraph_block(item, default_size))
        elif isinstance(item, DocxTable):
            blocks.append(Block(rows=tuple(tuple(cell.text for cell in row.cells) for row in item.rows)))
    return blocks


def docx_text(data: bytes) -> str:
    """The letter's text, one line per paragraph (tables: cells joined by tabs)."""
    return "\n".join(b.text if not b.rows else "\n".join("\t".join(r) for r in b.rows) for b in docx_blocks(data))


def _pdf_flowables(blocks: list[Block], font: str) -> Iterator[Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
    for index, block in enumerate(blocks):
        if block.rows:
            cell = ParagraphStyle(f"c{index}", fontName=font, fontSize=12, leading=18, wordWrap="CJK")
            table = Table([[Paragraph(escape(c), cell) for c in row] for row in block.rows], repeatRows=0)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            yield table
            continue
        # GB/T 9704: 3号 body on a 28.95 pt pitch; larger type (the 2号 title) gets 1.5 lines.
        leading = 28.95 if block.size <= 16 else block.size * 1.6
        if not block.text.strip():
            yield Spacer(1, leading)
            continue
        style = ParagraphStyle(
            f"p{index}",
            fontName=font,
            fontSize=block.size,
            leading=leading,
            alignment=aligns[block.align],
            firstLineIndent=block.first_indent,
            rightIndent=block.right_indent,
            spaceBefore=block.space_before,
            spaceAfter=block.space_after,
            wordWrap="CJK",
        )
        text = escape(block.text).replace("\n", "<br/>")
        yield Paragraph(f"<b>{text}</b>" if block.bold else text, style)


def render_pdf(blocks: list[Block], *, title: str, author: str) -> bytes:
    """An A4 PDF with the GB/T 9704 margins (37/35/28/26 mm), page numbers at the foot.
    ``title`` and ``author`` go into the metadata: use the letter's name and number and the
    body's name, never the requester's."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    font = pdf_font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=title,
        author=author,
        creator="Gongkai",
        invariant=True,
    )

    def page_number(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 14)  # 4号 page numbers (GB/T 9704 7.5)
        canvas.drawCentredString(A4[0] / 2, 20 * mm, f"— {canvas.getPageNumber()} —")
        canvas.restoreState()

    doc.build(list(_pdf_flowables(blocks, font)), onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()
