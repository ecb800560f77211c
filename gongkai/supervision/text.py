"""Small text helpers shared by the table readers (pure)."""

import re

_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）"})
_SPACE = re.compile(r"[\s\u3000]+")


def normalise_brackets(text: str) -> str:
    """各县(市、区) → 各县（市、区）: tables mix half- and full-width brackets."""
    return text.translate(_HALF_TO_FULL)


def squash(text: str) -> str:
    """Without any whitespace (full-width spaces included): for comparing cells."""
    return _SPACE.sub("", text)


def clean_cell(value: object) -> str:
    """A cell as text: None → "", whitespace at the ends removed, CRLF → LF."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    return text.strip()
