"""How findings are named to staff, in Chinese: the kind (身份证号码 ...) and the place.

The detectors name places with machine-readable English strings ("body paragraph 3",
"名单!C5 (hidden sheet, hidden row)", "document table 1 row 2", "page 2" ...; see
docs/decisions/0004-screening.md). `location_label` turns them into what a reviewer
reads: 正文第3段, 工作表“名单”C5单元格（隐藏工作表、隐藏行）, 表格1第2行, 第2页. A string
it does not recognise is shown as it is, never dropped. Pure: no Django.
"""

import re

KIND_LABELS: dict[str, str] = {
    "id_card": "身份证号码",
    "mobile": "手机号码",
    "landline": "固定电话",
    "bank_card": "银行卡号",
    "email": "电子邮箱",
    "passport": "护照或通行证号码",
    "plate": "车牌号码",
    "address": "住址",
    "name": "姓名",
    "secret_mark": "密级标志",
    "wording": "表述问题",
    "unscreenable": "无法审查",
}

SEVERITY_LABELS: dict[str, str] = {"block": "阻止发布", "warn": "提示"}

# Where in an item: its own fields (the prefixes the screening service gives them).
FIELD_LABELS: dict[str, str] = {"title": "标题", "summary": "内容概述", "body": "正文"}

_NOTES = {"hidden sheet": "隐藏工作表", "hidden row": "隐藏行", "hidden column": "隐藏列", "hidden": "隐藏"}
_DOCX_PARTS = {"document": "", "header": "页眉", "footer": "页脚"}

_PARAGRAPH = re.compile(r"^(?P<prefix>.*?)paragraph (?P<n>\d+)$")
_PAGE = re.compile(r"^page (?P<n>\d+)$")
_TABLE_ROW = re.compile(r"^(?P<part>[a-z]+)(?P<k>\d*) table (?P<t>\d+) row (?P<r>\d+)$")
_NOTE_NUMBER = re.compile(r"^(?P<what>comment|footnote|endnote) (?P<n>-?\d+)(?P<hidden> \(hidden\))?$")
_SHEET_COMMENT = re.compile(r"^comment on (?P<sheet>.+)!(?P<cell>[A-Z]{1,3}\d+|\?) \(hidden\)$")
_SHEET_CELL = re.compile(r"^(?P<sheet>.+)!(?P<cell>[A-Z]{1,3}\d+)(?: \((?P<notes>[^)]*)\))?$")
_SHEET_PAGE = re.compile(r"^(?P<sheet>.+) page (?P<which>header|footer)$")
_SHEET_TEXT_BOX = re.compile(r"^(?P<sheet>.+) text box$")
_CSV_CELL = re.compile(r"^(?P<cell>[A-Z]{1,3}\d+)$")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def _sheet(ref: str) -> str:
    if len(ref) >= 2 and ref.startswith("'") and ref.endswith("'"):
        ref = ref[1:-1].replace("''", "'")
    return f"工作表“{ref}”"


def _notes(raw: str | None) -> str:
    if not raw:
        return ""
    return "（" + "、".join(_NOTES.get(n.strip(), n.strip()) for n in raw.split(",")) + "）"


def _prefix(raw: str) -> str:
    """The part before "paragraph N": an item field, a .docx part, an HTML comment."""
    raw = raw.strip()
    if not raw:
        return ""
    hidden_comment = raw.endswith("html comment (hidden)")
    if hidden_comment:
        head = raw[: -len("html comment (hidden)")].strip()
        return _prefix(head) + "HTML注释（隐藏）"
    if raw in FIELD_LABELS:
        return FIELD_LABELS[raw]
    m = re.fullmatch(r"([a-z]+)(\d*)", raw)
    if m and m.group(1) in _DOCX_PARTS:
        return _DOCX_PARTS[m.group(1)] + m.group(2)
    return raw + " "


def location_label(location: str) -> str:
    """The place of a finding in words staff read; unknown forms are kept as they are."""
    location = location.strip()
    if location in ("", "file"):
        return "整个文件"
    if m := _PARAGRAPH.match(location):
        return f"{_prefix(m.group('prefix'))}第{m.group('n')}段"
    if m := _PAGE.match(location):
        return f"第{m.group('n')}页"
    if m := _TABLE_ROW.match(location):
        part = _DOCX_PARTS.get(m.group("part"), m.group("part") + " ")
        return f"{part}{m.group('k')}表格{m.group('t')}第{m.group('r')}行"
    if m := _NOTE_NUMBER.match(location):
        what = {"comment": "批注", "footnote": "脚注", "endnote": "尾注"}[m.group("what")]
        return f"{what}{m.group('n')}" + ("（隐藏）" if m.group("hidden") else "")
    if m := _SHEET_COMMENT.match(location):
        return f"{_sheet(m.group('sheet'))}{m.group('cell')}单元格的批注（隐藏）"
    if m := _SHEET_CELL.match(location):
        return f"{_sheet(m.group('sheet'))}{m.group('cell')}单元格{_notes(m.group('notes'))}"
    if m := _SHEET_PAGE.match(location):
        return _sheet(m.group("sheet")) + ("页眉" if m.group("which") == "header" else "页脚")
    if m := _SHEET_TEXT_BOX.match(location):
        return f"{_sheet(m.group('sheet'))}文本框"
    if m := _CSV_CELL.match(location):
        return f"{m.group('cell')}单元格"
    return location


def place_label(location: str, attachment_name: str = "") -> str:
    """Location with the file it is in: 附件“名单.xlsx”工作表“备用”B2单元格（隐藏工作表）."""
    where = location_label(location)
    return f"附件“{attachment_name}”{where}" if attachment_name else where
