"""文号 (document numbers): parse any bracket or width variant into issuer, year and serial.

达市府办发〔2022〕37号, 达市府办发[2022]37号, 达市府办发(2022)37号, 达市府办发（２０２２）３７号 are
one number; so are 国务院令第711号 and 国务院令第７１１号 (order numbers carry no year).
"""

import re
import unicodedata
from dataclasses import dataclass

_OPEN = "〔[(【{〈<［（｛"
_CLOSE = "〕])】}〉>］）｝"
_WITH_YEAR = re.compile(
    rf"^(?P<issuer>[^\d{re.escape(_OPEN + _CLOSE)}]+?)[{re.escape(_OPEN)}](?P<year>\d{{4}})[{re.escape(_CLOSE)}]"
    r"第?(?P<serial>\d+)号$"
)
_ORDER = re.compile(r"^(?P<issuer>[^\d]+?)第(?P<serial>\d+)号$")


class DocNumberError(ValueError):
    """Not a document number; the message is for the user."""


@dataclass(frozen=True)
class DocNumber:
    issuer: str
    year: int | None
    serial: int

    @property
    def normalised(self) -> str:
        if self.year is None:
            return f"{self.issuer}第{self.serial}号"
        return f"{self.issuer}〔{self.year}〕{self.serial}号"

    @property
    def key(self) -> str:
        """What two spellings of the same number share; used for lookup."""
        return f"{self.issuer}|{self.year or ''}|{self.serial}"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def parse(text: str) -> DocNumber:
    cleaned = _clean(text)
    if not cleaned:
        raise DocNumberError("文号为空。")
    match = _WITH_YEAR.match(cleaned)
    if match:
        year = int(match["year"])
        if not 1949 <= year <= 2100:
            raise DocNumberError(f"文号“{text}”中的年份 {year} 不合理。")
        serial = int(match["serial"])
        if serial == 0:
            raise DocNumberError(f"文号“{text}”的序号不能为0。")
        return DocNumber(issuer=match["issuer"], year=year, serial=serial)
    match = _ORDER.match(cleaned)
    if match and int(match["serial"]) > 0:
        return DocNumber(issuer=match["issuer"], year=None, serial=int(match["serial"]))
    raise DocNumberError(
        f"文号“{text}”格式不正确。应为“发文机关代字〔年份〕序号号”，如 达市府办发〔2022〕37号，或“国务院令第711号”。"
    )


def key_for_query(text: str) -> str | None:
    """The lookup key of a query that is a document number, else None."""
    try:
        return parse(text).key
    except DocNumberError:
        return None
