"""Detectors: personal data, secret markings and wording errors in text.

Pure and fast: no Django, every regex compiled once at import, one pass per kind
over the whole text, candidate-then-validate. The text of a document arrives as
`Block`s (a page, a run of spreadsheet rows, a chunk of a text file); each block
knows how to name the place of an offset (`locate`) and, for tables, the header of
the column an offset falls in (`header`).

Precision comes from validation, not from looser patterns: an 18-digit number is an
identity number only with a GB 11643 check digit, a real birth date and a province
code; a digit run directly labelled 统一社会信用代码, 索引号, 纳税人识别号 ... or
followed by "/" (an 索引号) is not personal data; amounts (…元) are not phone or
card numbers. See docs/decisions/0004-screening.md for the table of rules.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

from .masking import COMPOUND_SURNAMES, mask_value

Severity = Literal["block", "warn"]
KINDS = (
    "id_card",
    "mobile",
    "landline",
    "bank_card",
    "email",
    "passport",
    "plate",
    "address",
    "name",
    "secret_mark",
    "wording",
    "unscreenable",
)
# The kinds that are a person's data (a name is flagged when it stands next to one).
PERSONAL_KINDS = frozenset({"id_card", "mobile", "landline", "bank_card", "email", "passport", "plate", "address"})
# Default severity per kind: what must be resolved before publication (block) and
# what a reviewer should look at (warn).
SEVERITY: dict[str, Severity] = {
    "id_card": "block",
    "mobile": "block",
    "bank_card": "block",
    "passport": "block",
    "landline": "warn",
    "email": "warn",
    "plate": "warn",
    "address": "warn",
    "secret_mark": "block",
    "unscreenable": "block",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    value: str
    value_masked: str
    location: str
    severity: Severity
    rule: str
    # Offsets of the value inside the block it was found in (for highlighting).
    start: int = -1
    end: int = -1

    def as_json(self, file: str) -> dict[str, str]:
        """The public form: never the unmasked value."""
        return {
            "file": file,
            "kind": self.kind,
            "value_masked": self.value_masked,
            "location": self.location,
            "severity": self.severity,
            "rule": self.rule,
        }


def is_blocking(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "block" for f in findings)


def make_finding(
    kind: str, value: str, location: str, rule: str, severity: Severity | None = None, start: int = -1, end: int = -1
) -> Finding:
    return Finding(
        kind=kind,
        value=value,
        value_masked=mask_value(kind, value),
        location=location,
        severity=severity or SEVERITY.get(kind, "warn"),
        rule=rule,
        start=start,
        end=end,
    )


# --- context ------------------------------------------------------------------------


@dataclass(frozen=True)
class WordingTerm:
    """One wording rule, as the detectors see it (the admin-managed WordingRule row)."""

    term: str
    category: str  # serious_error | sensitive | misspelling
    severity: Severity
    suggestion: str = ""


_Trie = dict[str, "_Trie"]


def _trie_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for many literal terms, shaped as a trie so that the engine does not
    try every alternative at every position (longest term wins)."""
    trie: _Trie = {}
    for term in terms:
        if not term:
            continue
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return None

    def build(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return re.compile(build(trie))


def _today_cn() -> date:
    return datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()


@dataclass(frozen=True)
class ScreenContext:
    """What a run needs beyond the text: the body's own published contact data (not
    flagged) and the wording rules. Build it once per run (selectors.screen_context)."""

    own_phones: frozenset[str] = frozenset()  # digits only, without 86 / area code variants added
    own_addresses: tuple[str, ...] = ()
    own_emails: frozenset[str] = frozenset()
    wording: tuple[WordingTerm, ...] = ()
    today: date = field(default_factory=_today_cn)

    @classmethod
    def build(
        cls,
        *,
        phones: Iterable[str] = (),
        addresses: Iterable[str] = (),
        emails: Iterable[str] = (),
        wording: Iterable[WordingTerm] = (),
        today: date | None = None,
    ) -> "ScreenContext":
        """Contact fields as typed in the organisation record: "0818-2371234，0818-2375678"
        gives both numbers; each is ignored with and without its area code."""
        own: set[str] = set()
        for raw in phones:
            for number in phone_numbers_in(raw):
                own.add(number)
                if number.startswith("0") and len(number) >= 10:
                    own.add(number[3:] if number[1] in "12" else number[4:])
        return cls(
            own_phones=frozenset(own),
            own_addresses=tuple(_compact(a) for a in addresses if a and a.strip()),
            own_emails=frozenset(e.strip().lower() for e in emails if e and e.strip()),
            wording=tuple(wording),
            today=today or _today_cn(),
        )

    @cached_property
    def wording_regex(self) -> re.Pattern[str] | None:
        return _trie_regex(t.term for t in self.wording)

    @cached_property
    def wording_by_term(self) -> dict[str, WordingTerm]:
        return {t.term: t for t in self.wording}


# --- blocks -------------------------------------------------------------------------


@dataclass
class Block:
    """A piece of extracted text. `locate(offset)` names where an offset lies
    ("page 3", "Sheet1!C5 (hidden row)"); `header(offset)`, for tables, gives the
    column header, consulted for context labels (身份证号码, 统一社会信用代码 ...)."""

    text: str
    locate: Callable[[int], str]
    header: Callable[[int], str] | None = None


class ParagraphLocator:
    """Offsets → "paragraph N", N counting non-empty lines from `first`. Counting is
    incremental (str.count between successive offsets), so locating the findings of
    a block in text order costs one pass over it."""

    def __init__(self, text: str, prefix: str = "", first: int = 1) -> None:
        self.text = text
        self.prefix = prefix
        self.first = first
        self._reset()

    def _reset(self) -> None:
        self._pos = 0
        self._lines = 1  # lines started before _pos (the first starts at 0)
        self._blank = 1 if _FIRST_LINE_BLANK.match(self.text) else 0

    def __call__(self, offset: int) -> str:
        if offset < self._pos:
            self._reset()
        if offset > self._pos:
            self._lines += self.text.count("\n", self._pos, offset)
            self._blank += len(_BLANK_LINE.findall(self.text, self._pos, offset))
            self._pos = offset
        return f"{self.prefix}paragraph {max(self._lines - self._blank, 1) - 1 + self.first}"


_BLANK_LINE = re.compile(r"\n[ \t\u3000\r]*(?=\n)")
_FIRST_LINE_BLANK = re.compile(r"[ \t\u3000\r]*\n")


def count_paragraphs(text: str) -> int:
    """Non-empty lines in a text."""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1) if text else 0
    blank = len(_BLANK_LINE.findall(text)) + (1 if _FIRST_LINE_BLANK.match(text) else 0)
    return max(lines - blank, 0)


# --- validation ---------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (the first two digits of every identity number).
_PROVINCE_CODES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"
)
PROVINCES = frozenset(_PROVINCE_CODES.split())
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def id_check_digit(first17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, remainder → 1 0 X 9 8 7 6 5 4 3 2."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    if not (1 <= month <= 12) or day < 1 or day > _MONTH_DAYS[month - 1]:
        return False
    return not (month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)))


def id18_shaped(s: str, today: date) -> bool:
    """Province code and a real birth date, not in the future (check digit not tested)."""
    if len(s) != 18 or s[:2] not in PROVINCES or not s[:17].isdigit():
        return False
    year, month, day = int(s[6:10]), int(s[10:12]), int(s[12:14])
    if year < 1900 or not _real_date(year, month, day):
        return False
    return (year, month, day) <= (today.year, today.month, today.day)


def is_valid_id18(s: str, today: date) -> bool:
    s = s.upper()
    return id18_shaped(s, today) and id_check_digit(s[:17]) == s[17]


def is_valid_id15(s: str) -> bool:
    """The first-generation number (before 1999): region, YYMMDD of 19YY, sequence."""
    if len(s) != 15 or not s.isdigit() or s[:2] not in PROVINCES:
        return False
    return _real_date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# 3-digit prefixes in use for mobile numbers (MIIT numbering plan, incl. IoT-free segments).
MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in "012356789"]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in "012345678"]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in "012356789"]
)


def landline_ok(digits: str) -> bool:
    """Area code (010, 02X, or 0[3-9]XX) + a 7–8 digit local number not starting 0/1."""
    if not digits.startswith("0") or len(digits) < 10 or len(digits) > 12:
        return False
    area = 3 if digits[1] in "12" else 4
    if digits[1] == "0" or (area == 3 and digits[:3] not in _THREE_DIGIT_AREAS):
        return False
    local = digits[area:]
    return 7 <= len(local) <= 8 and local[0] in "23456789"


_THREE_DIGIT_AREAS = frozenset(["010"] + [f"02{d}" for d in range(10)])


def phone_numbers_in(text: str) -> list[str]:
    """The phone numbers (digits only) typed in a contact field."""
    out: list[str] = []
    for m in re.finditer(r"[0-9][0-9 \-－()（）]{5,}[0-9]", _normalise(text)):
        digits = re.sub(r"\D", "", m.group())
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        out.append(digits)
    return out


# --- text normalisation -------------------------------------------------------------

# Full-width digits, letters, +, -, ., @ → ASCII (one character for one, offsets kept).
_FULLWIDTH = re.compile("[\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff41-\uff5a]+")
_FULLWIDTH_TABLE = {c: c - 0xFEE0 for c in [0xFF0B, 0xFF0D, 0xFF0E, *range(0xFF10, 0xFF1A), *range(0xFF20, 0xFF3B)]}
_FULLWIDTH_TABLE.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})


def _normalise(text: str) -> str:
    if _FULLWIDTH.search(text) is None:
        return text
    return _FULLWIDTH.sub(lambda m: m.group().translate(_FULLWIDTH_TABLE), text)


def _compact(text: str) -> str:
    return re.sub(r"[\s,，。:：]", "", _normalise(text))


# --- labels around a candidate --------------------------------------------------------

_LABEL_GROUPS = {
    "id": "公民身份号码|身份证号码|身份证号|身份证件|身份证|身份号码|证件号码|证件号|证件",
    "bank": "银行卡号|银行账号|银行卡|开户行|开户银行|开户|银行|卡号|账号|帐号|账户|帐户|储蓄|借记卡|信用卡|"
    "社保卡|银联|收款",
    "passport": "护照号码|护照号|护照|通行证号码|通行证|回乡证|台胞证",
    "phone": "联系电话|联系方式|电话|手机|热线|传真|Tel|TEL|tel|Mobile|mobile",
    # Numbers that are not personal: when one of these labels the number directly, skip it.
    "neg": "统一社会信用代码|社会信用代码|信用代码|组织机构代码|机构代码|纳税人识别号|税号|注册号|营业执照号|"
    "营业执照|索引号|发文字号|文号|案号|邮政编码|邮编|订单号|流水号|备案号|许可证号|批准文号|发票号码|发票代码|"
    "合同编号|项目编号|标段编号|行政区划代码|区划代码",
}
_LABEL_RE = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _LABEL_GROUPS.items()))
_NEG_DIRECT = re.compile(f"(?:{_LABEL_GROUPS['neg']})[号码为是]{{0,2}}[\\s:：(（]*$")


def _label_near(text: str, start: int, span: int = 40, *, cross_lines: bool = False) -> str | None:
    """The kind of the nearest label before `start` (within `span` chars, same line)."""
    window = text[max(0, start - span) : start]
    if not cross_lines:
        nl = window.rfind("\n")
        if nl >= 0:
            window = window[nl + 1 :]
    last = None
    for m in _LABEL_RE.finditer(window):
        last = m.lastgroup
    return last


def _header_label(block: Block, offset: int) -> str | None:
    if block.header is None:
        return None
    head = block.header(offset)
    if not head:
        return None
    last = None
    for m in _LABEL_RE.finditer(head):
        last = m.lastgroup
    return last


def _directly_negative(text: str, start: int) -> bool:
    """The number is labelled 统一社会信用代码：, 索引号：, 案号 ... right before it."""
    window = text[max(0, start - 16) : start]
    return _NEG_DIRECT.search(window) is not None


def _is_amount(text: str, start: int, end: int) -> bool:
    """Money or a decimal: ¥…, …元/万元/亿元, 1234.56."""
    prev = text[start - 1] if start > 0 else "\n"
    if prev in "¥￥$":
        return True
    if prev == "." and start > 1 and text[start - 2].isdigit():
        return True
    after = text[end : end + 3].lstrip(" ")
    if after[:1] in ("元", "万", "亿", "角") or after.startswith("美元"):
        return True
    return after[:1] == "." and after[1:2].isdigit()


# --- the detectors ------------------------------------------------------------------

_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")

# A number token: digits, single spaces or dashes between digit groups, an optional
# final X (identity numbers). One pass finds every phone, card and identity candidate.
_NUMBER = re.compile(r"[0-9](?:[0-9]|[ \-—–](?=[0-9])){6,}[Xx]?")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_PAREN_AREA = re.compile(r"[(（](0[0-9]{2,3})[)）] ?$")
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}")
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_PASSPORT = re.compile(r"[CDEGHLMPST](?:[A-HJ-NP-Z][0-9]{7}|[0-9]{7,10})")
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(f"[{_PLATE_PROVINCES}][A-HJ-NP-Z][·•・. ]?[A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警]{{1,2}}")
_ADDRESS_CORE = re.compile(
    r"[0-9]+(?:栋|幢|号楼|座)[\-－]?(?:[0-9]+单元[\-－]?)?(?:[0-9]+(?:楼|层)[\-－]?)?[0-9]+(?:室|号|户)?"
    r"|[0-9]+单元[\-－]?(?:[0-9]+(?:楼|层)[\-－]?)?[0-9]+(?:室|号|户)?"
    r"|[0-9]+号[0-9]+(?:[\-－][0-9]+){1,2}室?"
    r"|[0-9]+室"
    r"|[组社队][0-9]+号(?:[\-－][0-9]+)?"
)
_ADDRESS_ANCHOR = re.compile(
    r"[室栋幢楼座元组社队](?:(?<=[0-9][室栋幢楼座])|(?<=[0-9]号楼)|(?<=[0-9]单元)|(?<=[组社队])(?=[0-9]))"
)
_ADDRESS_CORE_CHARS = frozenset("0123456789-－栋幢号楼座单元层组社队")
_ADDRESS_HEAD_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z#\-－·]{0,40}$")
_ADDRESS_LABEL = re.compile(
    r"家庭住址|现住址|户籍地址|居住地址|通讯地址|联系地址|家庭地址|住址|地址|住所地|住所|现住|家住|住在|居住在|户籍地"
)
_ADDRESS_LABEL_BEFORE = re.compile(f"(?:{_ADDRESS_LABEL.pattern})[\\s:：为是在]*$")
_ADDRESS_PLACE = re.compile(r"路|街|巷|大道|胡同|弄|村|组|社区|小区|花园|苑|公寓|家园|新村|镇|乡|庄|屯|寨|湾|坝|里")
# Institutional addresses (an office, a hall) are not a person's home.
_ADDRESS_OFFICE = re.compile(r"政府|机关|局|委员会|办公|会议|中心|大楼|大厅|学校|医院|公司|酒店|宾馆|银行|法院|检察院")
_SECRET_STAR = re.compile(r"[★☆＊*]")
_SECRET_PHRASE = re.compile(r"内部资料|注意保密|工作秘密|内部使用|不宜公开")
_SECRET_LEVEL = re.compile(r"(?:绝密|机密|秘密)[ \t]*$")
_SECRET_PERIOD = re.compile(r"[ \t]*(?:[0-9一二三四五六七八九十]+[ \t]*(?:年|个月|月)|长期)")
# Phrases common in legal prose ("不得泄露国家秘密、工作秘密"): flagged only as a marking.
_SECRET_PROSE_SILENT = frozenset({"工作秘密", "不宜公开"})
_OPENERS = '【[（(“"《<〈'
_CLOSERS = '】]）)”"》>〉'


@dataclass(slots=True)
class _Raw:
    kind: str
    value: str
    start: int
    end: int
    rule: str
    severity: Severity


class _Run:
    """One screening of one block."""

    def __init__(self, block: Block, context: ScreenContext) -> None:
        self.block = block
        self.text = _normalise(block.text)
        self.context = context
        self.raw: list[_Raw] = []

    def add(self, kind: str, value: str, start: int, end: int, rule: str, severity: Severity | None = None) -> None:
        self.raw.append(_Raw(kind, value, start, end, rule, severity or SEVERITY.get(kind, "warn")))

    def finish(self) -> list[Finding]:
        """Locate (in text order, so that locating is one pass) and drop repeats of the
        same value at the same place."""
        out: list[Finding] = []
        seen: set[tuple[str, str, str]] = set()
        for r in sorted(self.raw, key=lambda r: (r.start, r.kind)):
            location = self.block.locate(r.start)
            key = (r.kind, r.value, location)
            if key in seen:
                continue
            seen.add(key)
            out.append(make_finding(r.kind, r.value, location, r.rule, r.severity, r.start, r.end))
        return out

    # boundaries
    def _alnum_token_ok(self, start: int, end: int) -> bool:
        """The candidate is not a slice of a longer code such as 91510100MA6138123456:
        letters may stand before it only as a word of their own (Tel13812345678)."""
        text = self.text
        if end < len(text) and text[end] in _ALNUM:
            return False
        i = start
        while i > 0 and text[i - 1] in _ALNUM:
            i -= 1
            if text[i] in _DIGITS:
                return False
        return True

    def _own_phone(self, digits: str) -> bool:
        return digits in self.context.own_phones

    # --- numbers
    def numbers(self) -> None:
        text = self.text
        for m in _NUMBER.finditer(text):
            s, e = m.span()
            if not self._alnum_token_ok(s, e):
                continue
            token = m.group()
            if token.isdigit() or (token[:-1].isdigit() and token[-1] in "Xx"):
                self._run(token, s, e)
            elif len(token) - token.count("-") - token.count(" ") - token.count("—") - token.count("–") >= 10:
                self._grouped(token, s)  # (fewer digits: a date or a range, never a phone or a card)

    def _grouped(self, token: str, base: int) -> None:
        """A token with separators: 138 1234 5678, +86 138…, 0818-2345678(-801),
        6222 0212 3456 7890 123; whatever matches none is read group by group."""
        text = self.text
        groups = [(g.start() + base, g.end() + base, g.group()) for g in _GROUP.finditer(token)]
        n = len(groups)
        i = 0
        while i < n:
            gs, ge, g = groups[i]
            used = 0
            if g in ("86", "0086") and i + 1 < n:
                used = self._mobile_groups(groups, i + 1, prefix_start=gs - (text[gs - 1 : gs] == "+"))
                used = used + 1 if used else 0
            elif len(g) == 3 and g[0] == "1" and i + 2 < n:
                used = self._mobile_groups(groups, i, prefix_start=gs)
            elif g[0] == "0" and len(g) in (3, 4) and i + 1 < n and 7 <= len(groups[i + 1][2]) <= 8:
                end = groups[i + 1][1]
                used = 2
                if i + 2 < n and 1 <= len(groups[i + 2][2]) <= 5 and text[end : end + 1] in ("-", "—"):
                    end = groups[i + 2][1]
                    used = 3
                digits = g + groups[i + 1][2]
                if landline_ok(digits) and not _directly_negative(text, gs) and not _is_amount(text, gs, end):
                    self._phone("landline", digits, gs, end)
                else:
                    used = 0
            elif len(g) == 4 and i + 3 < n and all(len(groups[k][2]) == 4 for k in (i + 1, i + 2, i + 3)):
                used = 4
                end = groups[i + 3][1]
                if i + 4 < n and len(groups[i + 4][2]) <= 3:
                    used, end = 5, groups[i + 4][1]
                digits = "".join(groups[k][2] for k in range(i, i + used))
                if not _is_amount(text, gs, end) and self._card(digits, gs):
                    self.add("bank_card", text[gs:end], gs, end, "bank_card.luhn")
                else:
                    used = 0
            if used:
                i += used
                continue
            if len(g) >= 7:
                self._run(g, gs, ge)
            i += 1

    def _mobile_groups(self, groups: list[tuple[int, int, str]], i: int, *, prefix_start: int) -> int:
        """Groups from i that spell one mobile number (3+4+4, 3+8 or 11); the count used."""
        for count in (1, 2, 3):
            if i + count > len(groups):
                break
            digits = "".join(groups[k][2] for k in range(i, i + count))
            if len(digits) > 11:
                break
            if len(digits) == 11 and digits[:3] in MOBILE_PREFIXES:
                end = groups[i + count - 1][1]
                if _is_amount(self.text, prefix_start, end):
                    return 0
                self._phone("mobile", digits, prefix_start, end)
                return count
        return 0

    def _phone(self, kind: str, digits: str, s: int, e: int) -> None:
        if self._own_phone(digits):
            return
        if kind == "landline" and self._own_phone(digits[3 if digits[1] in "12" else 4 :]):
            return
        self.add(kind, self.text[s:e], s, e, "mobile.cn" if kind == "mobile" else "landline.area_code")

    def _card(self, digits: str, start: int) -> bool:
        if not luhn_ok(digits) or is_valid_id18(digits, self.context.today):
            return False
        if _directly_negative(self.text, start):
            return False
        label = _label_near(self.text, start) or _header_label(self.block, start)
        if label == "bank":
            return True
        if label == "neg":
            return False
        # Unlabelled: a UnionPay number (62…) that does not look like an identity number.
        return digits.startswith("62") and not id18_shaped(digits, self.context.today)

    def _run(self, raw: str, s: int, e: int) -> None:
        text = self.text
        n = len(raw)
        if _directly_negative(text, s) or text[e : e + 1] == "/":
            return  # 统一社会信用代码：…, 索引号 …/2019-00007
        today = self.context.today
        if n == 18:
            if is_valid_id18(raw, today):
                if _header_label(self.block, s) == "neg" and _label_near(text, s) != "id":
                    return
                self.add("id_card", raw.upper(), s, e, "id_card.gb11643")
                return
            if raw[-1] in "Xx":
                return
        if not raw[-1].isdigit():
            return
        if _is_amount(text, s, e):
            return
        if n == 15 and is_valid_id15(raw) and self._id15_context(s, e):
            self.add("id_card", raw, s, e, "id_card.gb11643_15")
            return
        if n in (11, 13) and raw[-11:-8] in MOBILE_PREFIXES and (n == 11 or raw.startswith("86")):
            self._phone("mobile", raw[-11:], s - (n == 13 and text[s - 1 : s] == "+"), e)
            return
        if raw[0] == "0" and 10 <= n <= 12 and landline_ok(raw):
            self._phone("landline", raw, s, e)
            return
        if n in (7, 8) and raw[0] in "23456789":
            paren = _PAREN_AREA.search(text, max(0, s - 8), s)
            if paren is not None and landline_ok(paren.group(1) + raw):
                self._phone("landline", paren.group(1) + raw, paren.start(), e)
            return
        if 16 <= n <= 19 and self._card(raw, s):
            self.add("bank_card", raw, s, e, "bank_card.luhn")

    def _id15_context(self, s: int, e: int) -> bool:
        """A 15-digit number has no check digit: it counts as an identity number only
        when labelled as one (nearby, or in the column header) or next to a name."""
        if _label_near(self.text, s, 200, cross_lines=True) == "id" or _header_label(self.block, s) == "id":
            return True
        return self._name_around(s, e) is not None

    # --- other identifiers
    def emails(self) -> None:
        text = self.text
        for m in _EMAIL_DOMAIN.finditer(text):
            at = m.start()
            i = at
            while i > 0 and text[i - 1] in _EMAIL_LOCAL and at - i < 64:
                i -= 1
            while i < at and text[i] in ".-":
                i += 1
            if i == at:
                continue
            e = m.end()
            if e < len(text) and (text[e] in _ALNUM or text[e] == "@"):
                continue
            value = text[i:e]
            if value.lower() in self.context.own_emails:
                continue
            self.add("email", value, i, e, "email")

    def passports(self) -> None:
        text = self.text
        for m in _PASSPORT.finditer(text):
            s, e = m.span()
            if (s > 0 and text[s - 1] in _ALNUM) or (e < len(text) and text[e] in _ALNUM):
                continue
            value = m.group()
            head, body = value[0], value[1:]
            strong = (head in "EGC" and len(body) == 8) or (head in "EC" and body[0].isalpha())
            if not strong:
                weak = (head in "DSP" and len(body) in (7, 8)) or (head in "HMTL" and len(body) in (8, 10))
                if not weak:
                    continue
                label = _label_near(text, s, 60) or _header_label(self.block, s)
                if label != "passport" and label != "id":
                    continue
            if _directly_negative(text, s):
                continue
            self.add("passport", value, s, e, "passport.cn" if head in "EGDSP" else "passport.travel_permit")

    def plates(self) -> None:
        text = self.text
        for m in _PLATE.finditer(text):
            s, e = m.span()
            if e < len(text) and text[e] in _ALNUM:
                continue
            tail = re.sub(r"[·•・. ]", "", m.group())[2:]
            if sum(c.isdigit() for c in tail) < 2 or len(tail) > 6:
                continue
            self.add("plate", m.group(), s, e, "plate.cn")

    def addresses(self) -> None:
        text = self.text
        done = 0
        for a in _ADDRESS_ANCHOR.finditer(text):
            if a.start() < done:
                continue
            # The core (5栋2单元301室, 3组15号) starts at most a few characters back.
            start = a.start()
            while start > 0 and a.start() - start < 16 and text[start - 1] in _ADDRESS_CORE_CHARS:
                start -= 1
            m = None
            for cs in range(start, a.start() + 1):
                if text[cs] in _DIGITS or text[cs] in "组社队":
                    m = _ADDRESS_CORE.match(text, cs)
                    if m is not None and m.end() > a.start():
                        break
                    m = None
            if m is None:
                continue
            cs, ce = m.span()
            done = ce
            core = m.group()
            if not _address_granular(core):
                continue
            head_m = _ADDRESS_HEAD_CHARS.search(text, max(0, cs - 40), cs)
            head = head_m.group() if head_m else ""
            last_label = None
            for last_label in _ADDRESS_LABEL.finditer(head):  # noqa: B007  (the last one counts)
                pass
            labelled = last_label is not None
            if last_label is not None:
                head = head[last_label.end() :]
            else:
                hs = cs - len(head)
                labelled = _ADDRESS_LABEL_BEFORE.search(text, max(0, hs - 12), hs) is not None
            value = head + core
            if _ADDRESS_OFFICE.search(head) is not None:
                continue
            if not labelled and (not head or _ADDRESS_PLACE.search(value) is None):
                continue
            if self._own_address(value):
                continue
            self.add("address", value, cs - len(head), ce, "address.home")

    def _own_address(self, value: str) -> bool:
        compact = _compact(value)
        return any(
            compact in own or own.endswith(compact) or compact.endswith(own) for own in self.context.own_addresses
        )

    # --- markings and wording
    def secret_marks(self) -> None:
        text = self.text
        for m in _SECRET_STAR.finditer(text):  # 绝密★ / 机密★ / 秘密★, with or without a period
            level = _SECRET_LEVEL.search(text, max(0, m.start() - 6), m.start())
            if level is None:
                continue
            period = _SECRET_PERIOD.match(text, m.end())
            s, e = level.start(), period.end() if period else m.end()
            self.add("secret_mark", text[s:e], s, e, "secret_mark.classified")
        for m in _SECRET_PHRASE.finditer(text):
            s, e = m.span()
            value = m.group()
            if _standalone(text, s, e):
                self.add("secret_mark", value, s, e, "secret_mark.marking")
            elif value not in _SECRET_PROSE_SILENT and text[e : e + 1] not in ("性", "的"):
                self.add("secret_mark", value, s, e, "secret_mark.in_text", "warn")

    def wording(self) -> None:
        regex = self.context.wording_regex
        if regex is None:
            return
        rules = self.context.wording_by_term
        for m in regex.finditer(self.text):
            term = rules.get(m.group())
            if term is None:
                continue
            rule = f"wording.{term.category}" + (f":{term.suggestion}" if term.suggestion else "")
            self.add("wording", term.term, m.start(), m.end(), rule, term.severity)

    # --- names next to identifiers
    def names(self) -> None:
        personal = sorted((r for r in self.raw if r.kind in PERSONAL_KINDS), key=lambda r: r.severity != "block")
        named: set[int] = set()
        for f in personal:
            found = self._name_around(f.start, f.end)
            if found is None:
                continue
            name, s = found
            if s in named:
                continue
            named.add(s)
            self.add("name", name, s, s + len(name), "name.adjacent", f.severity)

    def _name_around(self, start: int, end: int) -> tuple[str, int] | None:
        text = self.text
        before = text[max(0, start - 24) : start]
        nl = before.rfind("\n")
        if nl >= 0:
            before = before[nl + 1 :]
        rest = _strip_labels_end(before)
        found = _name_at_end(rest)
        if found is None:
            generic = _strip_generic_label(before.rstrip(_SEPARATORS))
            if generic is not None:
                rest = generic
                found = _name_at_end(rest)
        if found is not None:
            return found, start - len(before) + len(rest) - len(found)
        after = text[end : end + 16]
        nl = after.find("\n")
        if nl >= 0:
            after = after[:nl]
        lead = len(after) - len(after.lstrip(_SEPARATORS))
        found = _name_at_start(after[lead:])
        if found is not None:
            return found, end + lead
        return None

    def screen(self) -> list[Finding]:
        self.numbers()
        self.emails()
        self.passports()
        self.plates()
        self.addresses()
        self.names()
        self.secret_marks()
        self.wording()
        return self.finish()


def _address_granular(core: str) -> bool:
    """Down to a room, a unit's flat or a rural house number: the last number ends in
    室/号/户 or has at least three digits (502, 1203)."""
    if core[0] in "组社队":
        return True
    if core.endswith(("室", "号", "户")):
        return not re.fullmatch(r"[0-9]+号", core)
    last = re.search(r"[0-9]+$", core)
    return last is not None and len(last.group()) >= 3 and not re.fullmatch(r"[0-9]+", core)


def _standalone(text: str, start: int, end: int) -> bool:
    """A marking, not prose: the line holds nothing but markings (内部资料 注意保密,
    【内部使用】), or the marking heads its line and is followed by punctuation."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    line = text[line_start:line_end]
    rest = _MARKING_NOISE.sub("", _SECRET_PHRASE.sub("", line))
    if len(rest) <= 2:
        return True
    nxt = text[end] if end < len(text) else "\n"
    at_head = text[line_start:start].strip(" \t\u3000★" + _OPENERS) == ""
    return at_head and (nxt in " \t\u3000\r\n★，,。:：;；" or nxt in _CLOSERS)


_MARKING_NOISE = re.compile(
    r"[\s★☆*＊()（）【】\[\]〔〕<>《》“”\"'：:，,。.、·\-—]|绝密|机密|秘密|[0-9一二三四五六七八九十]+年|长期"
)


# --- names ---------------------------------------------------------------------------

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康"
    "施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗"
    "谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SEPARATORS = " \t\u3000:：,，、;；。.！!？?|/()（）[]【】<>《》“”\"'-—"
_NAME_LABELS = re.compile(
    r"(?:姓名|户主|申请人|联系人|负责人|法定代表人|代理人|收款人|持卡人|户名|本人|经办人|当事人|被处罚人|受益人|"
    r"监护人|家属|村民|居民|学生|患者|对象|被申请人|举报人|投诉人)$"
)
_ID_LABELS_END = re.compile(
    r"(?:公民身份号码|身份证号码|身份证号|身份证件号码|身份证|身份号码|证件号码|证件号|号码|手机号码|手机号|手机|"
    r"联系电话|联系方式|电话|住址|家庭住址|现住址|户籍地址|地址|住所|银行卡号|银行账号|卡号|账号|帐号|护照号码|"
    r"护照号|护照|通行证号码|通行证号|通行证|车牌号码|车牌号|车牌|电子邮箱|邮箱|E-mail|Email|email|为|是|的)$"
)
_NOT_GIVEN_NAME_END = frozenset("市区县镇乡村路街号局厅委办处科室部会院校司所站队组省州盟旗社")
_NAME_STOPWORDS = frozenset(
    {"单位", "金额", "方式", "时间", "常住", "公司", "管理", "安全", "成员", "党员", "全部", "明细", "和平", "和谐",
     "万元", "时间段", "关于", "华侨", "党委", "党支部", "高级", "明天", "文件", "应当", "向社会", "于是", "连续",
     "车辆", "车主", "车牌", "路段", "史料", "方面", "石材", "黄金", "金融", "江河", "田地", "程序", "任务", "任期",
     "曾经", "邮箱", "电话", "商户", "商铺", "房屋", "房号", "钱款", "司机", "师生", "宁可", "尚未", "时任", "全体"}
)  # fmt: skip


def _strip_labels_end(window: str) -> str:
    rest = window
    for _ in range(4):
        before = rest
        rest = rest.rstrip(_SEPARATORS)
        rest = _ID_LABELS_END.sub("", rest)
        if rest == before:
            break
    return rest


def _strip_generic_label(rest: str) -> str | None:
    """An unlisted label (港澳通行证号码, 号牌, 收款账号 ...): a short word ending like a
    label, standing after a separator."""
    m = _GENERIC_LABEL_END.search(rest)
    if m is None or m.start() == 0 or rest[m.start() - 1] not in _SEPARATORS:
        return None
    return rest[: m.start()].rstrip(_SEPARATORS)


_GENERIC_LABEL_END = re.compile(
    r"[\u4e00-\u9fffA-Za-z\-]{0,8}(?:号码|编号|号|码|证|址|话|机|箱|牌|户|卡|账号|帐号|邮件|方式|ID|id)$"
)


_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]{2,4}$")
_CJK_HEAD = re.compile(r"[\u4e00-\u9fff]{2,4}")


def _name_at_end(rest: str) -> str | None:
    run = _CJK_TAIL.search(rest)
    if run is None:
        return None
    word = run.group()
    for length in range(len(word), 1, -1):
        cand = word[-length:]
        if not _looks_like_name(cand):
            continue
        prefix = rest[:-length]
        if not prefix or prefix[-1] in _SEPARATORS or _NAME_LABELS.search(prefix):
            return cand
    return None


def _name_at_start(rest: str) -> str | None:
    run = _CJK_HEAD.match(rest)
    if run is None:
        return None
    word = run.group()
    for length in range(len(word), 1, -1):
        cand = word[:length]
        if not _looks_like_name(cand):
            continue
        after = rest[length:]
        if not after or after[0] in _SEPARATORS or after[0] in "\r\n" or after[0].isdigit():
            return cand
    return None


def _looks_like_name(cand: str) -> bool:
    """2–3 characters after a common surname, or a two-character surname and one or
    two more; not a word that merely starts like a surname (单位, 金额)."""
    if cand in _NAME_STOPWORDS or cand[-1] in _NOT_GIVEN_NAME_END:
        return False
    if cand[:2] in COMPOUND_SURNAMES and len(cand) >= 3:
        return True
    return len(cand) <= 3 and cand[0] in SURNAMES


# --- entry points -------------------------------------------------------------------


def screen_block(block: Block, context: ScreenContext) -> list[Finding]:
    """Every finding in one block, in the order of the kinds, then of the text."""
    return _Run(block, context).screen()


def screen_text(text: str, *, location_prefix: str = "", context: ScreenContext) -> list[Finding]:
    """Screen a text (an item's title, summary or body). Locations are
    "<prefix>paragraph N", N counting non-empty lines from 1."""
    prefix = f"{location_prefix} " if location_prefix and not location_prefix.endswith(" ") else location_prefix
    return screen_block(Block(text, ParagraphLocator(text, prefix)), context)
