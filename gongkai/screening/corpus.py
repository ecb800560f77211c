"""Synthetic documents with planted personal data and distractors, for the benchmark
(`python -m gongkai.screening.bench`) and the held-out evaluation tests.

Everything is generated from a seed: identity numbers with valid and invalid check
digits, mobiles, landlines, Luhn-valid and -invalid card numbers, e-mails,
passports, plates, home addresses, names next to them, secret markings, and the
distractors that must never be flagged (统一社会信用代码, 索引号, 文号, dates, amounts,
案号, postal codes, the body's own phone and address). Documents are written in every
supported format by small hand-made writers (DOCX and PDF without any library;
XLSX with openpyxl, imported only when asked for).
"""

import io
import random
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from gongkai.core.creditcode import ALPHABET as CREDIT_ALPHABET
from gongkai.core.creditcode import check_character as credit_check

from .detectors import ID_CHECK, id_check_digit

# Real county-level region codes (GB/T 2260) across provinces.
_REGION_CODES = (
    "511702 511703 511722 511723 510104 510107 110101 110105 310104 310115 440106 440305 320102 330106 420102 "
    "500103 610113 620102 650102 370102 410105 430104 350203 530102 520102 210102 230102 120101 130102 140105"
)
REGIONS = _REGION_CODES.split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅德春海燕文辉玲晓"
STREET_ROADS = ("朝阳路", "人民南路四段", "西外街", "凤凰大道", "南外滨河路", "解放街", "建设巷", "复兴路")
COMMUNITIES = ("阳光花园", "锦江小区", "滨河家园", "金色港湾小区", "翠屏苑", "幸福新村")
TOWNS = ("西外镇", "北外镇", "蒲家镇", "罗江镇", "复兴镇", "碑庙镇", "金垭镇")
VILLAGES = ("花红村", "青龙村", "石桥村", "白塔村", "双河村", "新华村")
CITIES = ("四川省达州市通川区", "四川省达州市达川区", "成都市武侯区", "达州市通川区", "四川省达州市宣汉县")
PLATE_PROVINCES = "川京沪渝粤浙苏鲁"
MOBILE_PREFIXES = ("138", "139", "150", "151", "158", "177", "180", "186", "189", "199", "135", "166")
CARD_BINS = ("622202", "622848", "621700", "622588", "623668", "621226")
AREA_CODES = ("0818", "028", "010", "0817", "021", "0816")

FILLER = (
    "为深入贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，进一步提升政务公开质量和实效，现将有关事项通知如下。",
    "各县（市、区）人民政府，市政府各部门要高度重视，明确责任分工，确保各项工作按时完成。",
    "依据《中华人民共和国政府信息公开条例》第二十条规定，行政机关应当主动公开本行政机关的机构职能、政策文件等信息。",
    "按照“谁公开、谁审查，谁审查、谁负责”的原则，严格落实信息发布保密审查机制。",
    "经审核，以下人员符合条件，现予以公示，公示期为5个工作日。如有异议，请在公示期内向有关部门反映。",
    "本年度共发放耕地地力保护补贴资金，涉及农户1250户，资金已通过“一卡通”系统直接兑付到户。",
    "全市共完成城镇老旧小区改造项目36个，惠及居民1.2万户。",
    "聚焦企业和群众关切，围绕稳就业、保民生等重点领域，持续加大政策解读和回应关切力度。",
    "各单位要加强政府网站和政务新媒体管理，严格执行内容发布审核制度，确保信息准确、权威、及时。",
    "对公开过程中发现的问题，要及时整改，举一反三，切实提升政府信息公开工作规范化水平。",
)


def valid_id(rng: random.Random, *, valid: bool = True) -> str:
    region = rng.choice(REGIONS)
    year = rng.randint(1950, 2008)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    first17 = f"{region}{year:04d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    check = id_check_digit(first17)
    if not valid:
        check = rng.choice([c for c in ID_CHECK if c != check])
    return first17 + check


def old_id(rng: random.Random) -> str:
    birth = f"{rng.randint(40, 98):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return f"{rng.choice(REGIONS)}{birth}{rng.randint(0, 999):03d}"


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def bad_mobile(rng: random.Random) -> str:
    """11 digits that are not a mobile number (no such prefix)."""
    return rng.choice(("120", "112", "104", "127", "110")) + f"{rng.randint(0, 99_999_999):08d}"


def landline(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    local = str(rng.randint(2, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(7 if len(area) == 3 else 6))
    return f"{area}-{local}"


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def bank_card(rng: random.Random, *, valid: bool = True) -> str:
    length = rng.choice((16, 19))
    body = rng.choice(CARD_BINS) + "".join(str(rng.randint(0, 9)) for _ in range(length - 7))
    check = _luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return body + check


def email(rng: random.Random) -> str:
    user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
    return f"{user}{rng.randint(1, 999)}@{rng.choice(('qq.com', '163.com', 'example.cn', 'foxmail.com'))}"


def passport(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return f"E{rng.randint(0, 99_999_999):08d}"
    if kind < 0.7:
        return f"E{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randint(0, 9_999_999):07d}"
    return f"C{rng.randint(0, 99_999_999):08d}"


def plate(rng: random.Random) -> str:
    letter = rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
    tail = "".join(rng.choice("0123456789") for _ in range(4))
    tail = rng.choice("0123456789ABCDEFGHJK") + tail
    return f"{rng.choice(PLATE_PROVINCES)}{letter}{rng.choice(('', '·'))}{tail}"


def home_address(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return (
            f"{rng.choice(CITIES)}{rng.choice(TOWNS)}{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
        )
    building = f"{rng.randint(1, 30)}{rng.choice(('栋', '幢', '号楼'))}"
    unit = f"{rng.randint(1, 6)}单元" if rng.random() < 0.7 else ""
    room = f"{rng.randint(1, 32)}{rng.randint(1, 4):02d}" + rng.choice(("室", "", "号"))
    street = f"{rng.choice(CITIES)}{rng.choice(STREET_ROADS)}{rng.randint(1, 300)}号"
    return f"{street}{rng.choice(COMMUNITIES)}{building}{unit}{room}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def credit_code(rng: random.Random, *, digits_only: bool = False) -> str:
    alphabet = "0123456789" if digits_only else CREDIT_ALPHABET
    head = rng.choice(("11", "12", "91", "52")) + rng.choice(REGIONS)
    body = head + "".join(rng.choice(alphabet) for _ in range(9))
    return body + credit_check(body)


# --- planting -------------------------------------------------------------------------


@dataclass
class Planted:
    """A generated document's text (as lines of cells) and what is in it."""

    lines: list[list[str]] = field(default_factory=list)
    truth: set[tuple[str, str]] = field(default_factory=set)  # (kind, value) that must be found
    distractors: set[str] = field(default_factory=set)  # values that must not be flagged

    def line(self, *cells: str) -> None:
        self.lines.append(list(cells))

    def text(self) -> str:
        return "\n".join("\t".join(c) for c in self.lines) + "\n"


OWN_PHONE = "0818-2371234"
OWN_ADDRESS = "四川省达州市通川区朝阳东路88号5栋2单元301室"


def distractor_line(rng: random.Random, doc: Planted) -> None:
    year = rng.randint(2015, 2025)
    choices: list[Callable[[], str]] = [
        lambda: f"统一社会信用代码：{credit_code(rng, digits_only=rng.random() < 0.5)}",
        lambda: f"索引号：{rng.randint(0, 999_999_999):09d}/{year}-{rng.randint(1, 99999):05d}",
        lambda: f"索引号：{credit_code(rng)}/{year}{rng.randint(1, 12):02d}-{rng.randint(1, 999):05d}",
        lambda: f"达市府办发〔{year}〕{rng.randint(1, 120)}号",
        lambda: (
            f"成文日期：{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日，发布日期{year}-{rng.randint(1, 12):02d}-"
            f"{rng.randint(1, 28):02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
        ),
        lambda: (
            f"共计发放资金{rng.randint(1, 999)},{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}元，"
            f"合计{rng.randint(10_000_000_000, 19_999_999_999)}元"
        ),
        lambda: (
            f"项目总投资￥{rng.randint(10_000_000_000, 19_999_999_999)}，"
            f"其中财政资金{rng.randint(1000, 99999)}.{rng.randint(0, 99):02d}万元"
        ),
        lambda: f"案号（{year}）川{rng.randint(1, 17):02d}民初{rng.randint(1, 9999)}号",
        lambda: f"(2021)川1702行初{rng.randint(1, 999)}号行政判决书",
        lambda: f"邮政编码：{rng.choice(('635000', '635002', '610041', '100010'))}",
        lambda: f"咨询电话：{OWN_PHONE}，地址：{OWN_ADDRESS}",
        lambda: f"办公电话：({OWN_PHONE[:4]}){OWN_PHONE[5:]}，办公时间：8:30-12:00，14:30-17:30",
        lambda: f"经核查，号码{valid_id(rng, valid=False)}不符合要求",
        lambda: f"编号{bad_mobile(rng)}的事项已办结",
        lambda: f"流水号{bank_card(rng, valid=False)}",
        lambda: f"卡号{bank_card(rng, valid=False)}校验未通过",
        lambda: "依法保护国家秘密、工作秘密，对不宜公开的内容进行审查。",
        lambda: "宗教团体可以编印内部资料性出版物。",
        lambda: "服务热线：12345，报警电话110，京ICP备05070218号，川公网安备 51170202000123号",
        lambda: f"第{rng.randint(1, 12)}期（总第{rng.randint(100, 999)}期），{year}-{year + 1}年度",
    ]
    value = rng.choice(choices)()
    doc.line(value)
    doc.distractors.add(value)


def formatted(rng: random.Random, kind: str, value: str) -> str:
    """The ways people type the same identifier: spaced, dashed, +86, (area code),
    grouped card numbers, a lower-case x, full-width digits."""
    roll = rng.random()
    if kind == "mobile":
        if roll < 0.15:
            return f"{value[:3]}-{value[3:7]}-{value[7:]}"
        if roll < 0.3:
            return f"{value[:3]} {value[3:7]} {value[7:]}"
        if roll < 0.4:
            return f"+86 {value}"
        if roll < 0.45:
            return f"+86-{value[:3]}-{value[3:7]}-{value[7:]}"
    elif kind == "landline":
        area, local = value.split("-")
        if roll < 0.2:
            return f"({area}){local}"
        if roll < 0.35:
            return f"（{area}）{local}"
        if roll < 0.45:
            return area + local
        if roll < 0.55:
            return f"{value}-{rng.randint(1, 999)}"
    elif kind == "bank_card" and roll < 0.3:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    elif kind == "id_card" and value.endswith("X") and roll < 0.5:
        return value[:-1] + "x"
    if kind in ("id_card", "mobile", "bank_card") and rng.random() < 0.05:
        return value.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})  # full-width digits
    return value


LABELS = {
    "id_card": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "mobile": ("联系电话", "手机", "手机号码", "电话"),
    "bank_card": ("银行卡号", "卡号", "收款账号", "开户账号"),
    "address": ("住址", "家庭住址", "现住址", "地址"),
    "email": ("邮箱", "电子邮箱", "E-mail"),
    "passport": ("护照号码", "护照号", "港澳通行证号码"),
    "plate": ("车牌号", "车牌号码", "号牌"),
    "landline": ("电话", "联系电话", "固定电话"),
    "id_card_15": ("身份证号", "身份证号码"),
}
NAME_LABELS = ("申请人", "户主", "联系人", "当事人", "姓名：", "")


def planted_record(rng: random.Random, doc: Planted, *, table: bool) -> None:
    """One person: name, then one to three identifiers, in a table row or a sentence."""
    name = person_name(rng)
    kinds = rng.sample(
        ["id_card", "id_card", "mobile", "mobile", "bank_card", "address", "email", "passport", "plate", "landline"],
        rng.randint(1, 3),
    )
    if not table and rng.random() < 0.1:
        kinds = ["id_card_15"]
    values: list[tuple[str, str]] = []
    raw: list[tuple[str, str]] = []
    for kind in kinds:
        value = {
            "id_card": lambda: valid_id(rng),
            "id_card_15": lambda: old_id(rng),
            "mobile": lambda: mobile(rng),
            "bank_card": lambda: bank_card(rng),
            "address": lambda: home_address(rng),
            "email": lambda: email(rng),
            "passport": lambda: passport(rng),
            "plate": lambda: plate(rng),
            "landline": lambda: landline(rng),
        }[kind]()
        values.append((kind, formatted(rng, kind, value)))
        raw.append((kind.removesuffix("_15"), value))
    doc.truth.add(("name", name))
    if not table and rng.random() < 0.15 and values[0][0] != "id_card_15":
        doc.line(f"{values[0][1]}（{name}）{rng.choice(FILLER)}")  # the name after the identifier
        doc.truth.add(raw[0])
        return
    doc.truth.update(raw)
    if table:
        doc.line(str(len(doc.lines) + 1), name, *(v for _k, v in values), f"{rng.randint(100, 5000)}.00")
        return
    parts = "，".join(f"{rng.choice(LABELS[k])}：{v}" for k, v in values)
    doc.line(f"{rng.choice(NAME_LABELS)}{name}，{parts}。{rng.choice(FILLER)}")


def planted_marking(rng: random.Random, doc: Planted) -> None:
    mark = rng.choice(
        (
            "绝密★",
            "机密★",
            "秘密★",
            "秘密★1年",
            "机密★10年",
            "秘密★五年",
            "内部资料",
            "注意保密",
            "内部使用",
            "工作秘密",
        )
    )
    shown = rng.choice(("{}", "【{}】", "{}  ", "  {}"))
    doc.line(shown.format(mark))
    doc.truth.add(("secret_mark", mark))


def planted_misspelling(doc: Planted, rng: random.Random) -> None:
    term = rng.choice(("中华人名共和国", "社会主意", "政府信息公开条列"))
    doc.line(f"根据《{term}》有关规定，{rng.choice(FILLER)}")
    doc.truth.add(("wording", term))


def generate_document(rng: random.Random, *, records: int = 8, table: bool = False) -> Planted:
    doc = Planted()
    if rng.random() < 0.3:
        planted_marking(rng, doc)
    doc.line(rng.choice(FILLER))
    if table:
        doc.line("序号", "姓名", "身份证号码/联系方式", "其他", "金额（元）")
    for _ in range(records):
        roll = rng.random()
        if roll < 0.55:
            planted_record(rng, doc, table=table)
        elif roll < 0.9:
            distractor_line(rng, doc)
        else:
            doc.line(rng.choice(FILLER))
    if rng.random() < 0.3:
        planted_misspelling(doc, rng)
    doc.line(rng.choice(FILLER))
    return doc


# --- writers --------------------------------------------------------------------------


def to_txt(doc: Planted) -> bytes:
    return doc.text().encode("utf-8")


def to_csv(doc: Planted, *, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    for cells in doc.lines:
        out.write(",".join('"' + c.replace('"', '""') + '"' if "," in c or '"' in c else c for c in cells) + "\r\n")
    return out.getvalue().encode(encoding)


def to_html(doc: Planted) -> bytes:
    rows = []
    for cells in doc.lines:
        if len(cells) == 1:
            rows.append(f"<p>{escape(cells[0])}</p>")
        else:
            rows.append("<table><tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr></table>")
    html = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>公示</title></head><body>'
    return (html + "\n".join(rows) + "</body></html>").encode("utf-8")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w_para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def make_docx(
    body: Sequence[str | Sequence[str]],
    *,
    header: Sequence[str] = (),
    footer: Sequence[str] = (),
    comments: Sequence[str] = (),
    extra_parts: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal valid .docx: body items are paragraphs (str) or table rows (cells)."""
    xml: list[str] = []
    i = 0
    while i < len(body):
        item = body[i]
        if isinstance(item, str):
            xml.append(_w_para(item))
            i += 1
            continue
        rows = []
        while i < len(body) and not isinstance(body[i], str):
            rows.append("<w:tr>" + "".join(f"<w:tc>{_w_para(c)}</w:tc>" for c in body[i]) + "</w:tr>")
            i += 1
        xml.append("<w:tbl>" + "".join(rows) + "</w:tbl>")
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
        + "".join(xml)
        + "<w:sectPr/></w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types '
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
        'ContentType="application/xml"/><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
        "word/document.xml": document,
    }
    if header:
        parts["word/header1.xml"] = f'<w:hdr xmlns:w="{_W}">' + "".join(_w_para(t) for t in header) + "</w:hdr>"
    if footer:
        parts["word/footer1.xml"] = f'<w:ftr xmlns:w="{_W}">' + "".join(_w_para(t) for t in footer) + "</w:ftr>"
    if comments:
        parts["word/comments.xml"] = (
            f'<w:comments xmlns:w="{_W}">'
            + "".join(
                f'<w:comment w:id="{n}" w:author="审核人">{_w_para(t)}</w:comment>' for n, t in enumerate(comments)
            )
            + "</w:comments>"
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def to_docx(doc: Planted) -> bytes:
    return make_docx([c[0] if len(c) == 1 else c for c in doc.lines])


def to_xlsx(doc: Planted) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for cells in doc.lines:
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(doc: Planted) -> bytes:
    lines = ["  ".join(c) for c in doc.lines]
    return make_pdf([lines[i : i + 40] for i in range(0, len(lines), 40)])


def _pdf_text(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def make_pdf(pages: Sequence[Sequence[str]], *, compress: bool = True) -> bytes:
    """A tiny PDF writer: one line of text per entry, in the standard CJK font
    STSong-Light with the UniGB-UTF16-H encoding (no font embedded; readers and
    text extractors know it), each page's content stream optionally deflated. An
    empty page is written as a scanned page: a full-page image and no text."""
    import zlib

    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >> ] >>"
    )
    kids: list[int] = []
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    )
    for page_lines in pages:
        if not page_lines:  # a scanned page: an image, no text layer
            stream = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(
                add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 %d 0 R >> "
                    b">> /Contents %d 0 R >>" % (pages_id, image, content)
                )
            )
            continue
        ops = ["BT /F1 10 Tf 12 TL 40 800 Td"]
        for line in page_lines:
            ops.append(f"{_pdf_text(line)} Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("ascii")
        if compress:
            data = zlib.compress(stream)
            content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        else:
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_id, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


WRITERS: dict[str, Callable[[Planted], bytes]] = {
    "txt": to_txt,
    "csv": to_csv,
    "html": to_html,
    "docx": to_docx,
    "xlsx": to_xlsx,
    "pdf": to_pdf,
}


# --- scoring ------------------------------------------------------------------------


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _norm(kind: str, value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    if kind == "landline":  # the number without its extension
        m = re.match(r"\(?(0[0-9]{2,3})\)?[ \-]?([0-9]{7,8})", value)
        return m.group(1) + m.group(2) if m else value
    if kind in ("id_card", "mobile", "landline", "bank_card"):
        digits = "".join(ch for ch in value.upper() if ch.isdigit() or ch == "X")
        if kind == "mobile" and len(digits) > 11:
            digits = digits[-11:]
        return digits
    if kind == "plate":
        return value.replace("·", "").replace(" ", "")
    return value


@dataclass
class Evaluation:
    by_kind: dict[str, Score] = field(default_factory=dict)
    distractors_flagged: list[str] = field(default_factory=list)
    false_positives: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    def add(self, doc: Planted, found: Sequence[tuple[str, str]]) -> None:
        """Compare one document's findings (kind, unmasked value) with what was planted."""
        truth = {(k, _norm(k, v)) for k, v in doc.truth}
        got: set[tuple[str, str]] = set()
        for kind, value in found:
            if kind == "unscreenable":
                continue
            norm = _norm(kind, value)
            if kind == "address":  # the extent may differ: the planted one inside, or around
                norm = next((t for k, t in truth if k == kind and (t in norm or norm in t)), norm)
            got.add((kind, norm))
            if (kind, norm) not in truth:
                self.false_positives.append((kind, value))
                if any(value in d for d in doc.distractors):
                    self.distractors_flagged.append(value)
        for kind, value in got | truth:
            score = self.by_kind.setdefault(kind, Score())
            if (kind, value) in got and (kind, value) in truth:
                score.tp += 1
            elif (kind, value) in got:
                score.fp += 1
            else:
                score.fn += 1
                self.missed.append((kind, value))

    @property
    def overall(self) -> Score:
        return Score(
            sum(s.tp for s in self.by_kind.values()),
            sum(s.fp for s in self.by_kind.values()),
            sum(s.fn for s in self.by_kind.values()),
        )
