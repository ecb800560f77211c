"""脱敏: how personal data is shown wherever it must be shown at all.

One module for every app (staff workspace, request desk, reports, the screening
findings themselves): 张*三 / 张*, 5117**********1234, 138****1234, ****1234, an
address cut after the street or town. Pure functions on strings, no Django.
"""

import re

# Two-character surnames (复姓): the whole surname stays visible, the given name is hidden.
_COMPOUND_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 尉迟 长孙 宇文 司徒 夏侯 公孙 端木 独孤 南宫 西门 闻人 轩辕 "
    "澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 钟离 呼延 百里 东郭 万俟"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES.split())

_NON_DIGIT = re.compile(r"[^0-9Xx]")
# Administrative levels an address is cut after: the street (路/街/巷...), else the
# township (街道/镇/乡), else the county or district.
_STREET_LEVEL = re.compile(r"街道|镇|乡|路|大道|大街|街|巷|胡同|弄")
_COUNTY_LEVEL = re.compile(r"(?<![小社园景校厂片])区|县|旗")
_CITY_LEVEL = re.compile(r"市|州|盟")


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧阳**, 欧阳明 → 欧阳*."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2] + "*" * (len(name) - 2)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# Anything shaped like an ID number (18 characters, or the old 15 digits), whether or not its
# check digit is right: a mistyped number is still someone's.
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_id_card(value: str) -> str:
    """511702199001011234 → 5117**********1234 (the first four and last four stay)."""
    digits = value.upper() if value.isalnum() else _NON_DIGIT.sub("", value).upper()
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _phone_digits(value: str) -> str:
    digits = value if value.isdigit() else re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return digits


def mask_phone(value: str) -> str:
    """13812341234 → 138****1234; a landline keeps its area code: 0818-***1234."""
    digits = _phone_digits(value)
    if len(digits) == 11 and digits[0] == "1":
        return digits[:3] + "****" + digits[-4:]
    if digits.startswith("0") and len(digits) >= 10:
        area = 3 if digits[1] in "12" else 4
        local = digits[area:]
        return digits[:area] + "-" + "*" * max(len(local) - 4, 0) + local[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_bank_card(value: str) -> str:
    """6222021234567890123 → ****0123."""
    digits = value if value.isdigit() else re.sub(r"\D", "", value)
    return "****" + digits[-4:]


def mask_email(value: str) -> str:
    """zhangsan@example.com → z***@example.com."""
    local, sep, domain = value.partition("@")
    if not sep:
        return "***"
    return (local[:1] or "") + "***@" + domain


def mask_passport(value: str) -> str:
    """E12345678 → E******78 (passports and 港澳/台湾通行证)."""
    value = value.strip()
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


def mask_plate(value: str) -> str:
    """川A12345 → 川A****5."""
    compact = re.sub(r"[\s·•・.]", "", value)
    if len(compact) <= 3:
        return compact
    return compact[:2] + "*" * (len(compact) - 3) + compact[-1]


def mask_address(value: str) -> str:
    """四川省达州市通川区西外镇花红村3组15号 → 四川省达州市通川区西外镇****;
    成都市武侯区人民南路四段12号5栋2单元301室 → 成都市武侯区人民南路****.

    The address is cut after the first street or township word; without one, after
    the county or district (not 小区/社区); without that, after the city; without
    that, everything but the first two characters is hidden."""
    value = value.strip()
    for level in (_STREET_LEVEL, _COUNTY_LEVEL, _CITY_LEVEL):
        m = level.search(value)
        if m is not None and m.end() < len(value):
            return value[: m.end()] + "****"
    return value[:2] + "****"


def mask_value(kind: str, value: str) -> str:
    """The shown form of a finding's value. Kinds that are not personal data (secret
    markings, wording) are shown as they are."""
    match kind:
        case "name":
            return mask_name(value)
        case "id_card":
            return mask_id_card(value)
        case "mobile" | "landline":
            return mask_phone(value)
        case "bank_card":
            return mask_bank_card(value)
        case "email":
            return mask_email(value)
        case "passport":
            return mask_passport(value)
        case "plate":
            return mask_plate(value)
        case "address":
            return mask_address(value)
        case "secret_mark" | "wording" | "unscreenable":
            return value
    # Anything else that might be personal: keep only the ends.
    if len(value) <= 4:
        return "*" * len(value)
    return value[:1] + "*" * (len(value) - 2) + value[-1:]
