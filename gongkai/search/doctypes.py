"""文种 (document type) of an item, read from its title, and the authority weight that
ranks a higher-level document above a lower one of equal textual relevance.

The types follow 《党政机关公文处理工作条例》第八条 (决议、决定、命令（令）、公报、公告、通告、
意见、通知、通报、报告、请示、批复、议案、函、纪要) and the forms of laws and rules
(《立法法》: 法律、行政法规、地方性法规、规章; 规范性文件 usually 规定、办法、细则). A citizen asking
a question is best served first by the law itself, then by the regulation, then by the
documents that implement them: the weight (at most ×1.4) only reorders documents of
similar relevance, it never lifts a document that does not match.
"""

import re

from .analysis import normalize

# (type, title suffixes) in the order they are tried; the first match wins.
TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("法律", ("法典", "法")),
    ("条例", ("条例",)),
    ("规定", ("规定", "若干规定")),
    ("办法", ("办法",)),
    ("细则", ("细则", "实施细则")),
    ("规则", ("规则",)),
    ("解释", ("解释", "解答")),
    ("决定", ("决定",)),
    ("决议", ("决议",)),
    ("命令", ("令",)),
    ("公报", ("公报",)),
    ("公告", ("公告",)),
    ("通告", ("通告",)),
    ("意见", ("意见", "指导意见", "实施意见")),
    ("通知", ("通知",)),
    ("通报", ("通报",)),
    ("报告", ("报告", "年报")),
    ("批复", ("批复",)),
    ("函", ("函", "复函")),
    ("纪要", ("纪要",)),
    ("方案", ("方案",)),
    ("规划", ("规划", "纲要", "计划")),
    ("安排", ("安排",)),
)
OTHER = "其他"
AUTHORITY = {"法律": 1.4, "条例": 1.2, "规定": 1.1, "办法": 1.1, "细则": 1.1, "规则": 1.1}

# Trailing brackets and version notes: 条例（试行）, 解释（一）, 办法(2020年修订).
_TRAILER = re.compile(r"(?:\([^()]{0,12}\)|\s)+$")


def doc_type(title: str) -> str:
    stem = _TRAILER.sub("", normalize(title).strip())
    for name, suffixes in TYPES:
        if stem.endswith(suffixes):
            return name
    return OTHER


def authority(kind: str) -> float:
    return AUTHORITY.get(kind, 1.0)


def all_types() -> list[str]:
    return [name for name, _ in TYPES] + [OTHER]
