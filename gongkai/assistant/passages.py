"""An item's body split along its structure: 编/章/节 headings make the heading path,
articles (第X条) are the passages; a document without articles is split at its
numbered paragraphs (一、 / （一） / 1.), else paragraph by paragraph. Each passage keeps
the item's title and the path of headings above it. Pure functions, no Django.
"""

import re
from dataclasses import dataclass

_NUM = "零〇一二三四五六七八九十百千0-9０-９"
_HEADING = re.compile(rf"^(?:##+\s*)?第[{_NUM}]+[编章节](?:[\s\u3000]|$)")
_SUBPART = re.compile(r"^(?:##+\s*)?第[零〇一二三四五六七八九十百千0-9]+分编")
_ARTICLE = re.compile(rf"^第[{_NUM}]+条(?:之[{_NUM}]+)?(?=[\s\u3000]|$)")
_TOP_NUMBERED = re.compile(rf"^[{_NUM}]+、")
_SUB_NUMBERED = re.compile(rf"^[（(][{_NUM}]+[）)]")
_LEVELS = {"编": 0, "分编": 1, "章": 2, "节": 3}
# A paragraph-split document gathers short paragraphs up to this length.
CHUNK_CHARS = 400


@dataclass(frozen=True)
class Passage:
    index: int  # order in the document
    label: str  # 第十二条, 一、, or "" for a plain paragraph
    path: tuple[str, ...]  # headings above it: ("第一编 总则", "第二章 自然人")
    text: str  # verbatim from the body, lines joined with \n

    @property
    def heading(self) -> str:
        return " / ".join(self.path)


def _level(line: str) -> int | None:
    if _SUBPART.match(line):
        return _LEVELS["分编"]
    match = _HEADING.match(line)
    if match is None or len(line) > 40:
        return None
    unit = match.group(0).rstrip()[-1]
    return _LEVELS.get(unit)


def split(body: str) -> list[Passage]:
    lines = [line.strip() for line in body.splitlines()]
    lines = [line.lstrip("#").strip() if line.startswith("#") else line for line in lines if line]
    if any(_ARTICLE.match(line) for line in lines):
        return _by_article(lines)
    return _by_paragraph(lines)


def _by_article(lines: list[str]) -> list[Passage]:
    path: list[tuple[int, str]] = []
    out: list[Passage] = []
    label = ""
    current: list[str] = []
    current_path: tuple[str, ...] = ()

    def flush() -> None:
        if current and label:
            out.append(Passage(len(out), label, current_path, "\n".join(current)))

    for line in lines:
        level = _level(line)
        if level is not None:
            flush()
            current, label = [], ""
            path = [(lv, text) for lv, text in path if lv < level] + [(level, line)]
            continue
        match = _ARTICLE.match(line)
        if match is not None:
            flush()
            label, current, current_path = match.group(0), [line], tuple(text for _, text in path)
        elif label:
            current.append(line)
    flush()
    return out


def _by_paragraph(lines: list[str]) -> list[Passage]:
    out: list[Passage] = []
    current: list[str] = []
    label = ""

    def flush() -> None:
        if current:
            out.append(Passage(len(out), label, (), "\n".join(current)))

    numbered = any(_TOP_NUMBERED.match(line) for line in lines)
    for line in lines:
        top = _TOP_NUMBERED.match(line) if numbered else None
        sub = _SUB_NUMBERED.match(line)
        size = sum(len(x) for x in current)
        if top is not None or (sub is not None and size >= CHUNK_CHARS // 2) or size + len(line) > CHUNK_CHARS:
            flush()
            current = []
            label = top.group(0) if top is not None else (sub.group(0) if sub is not None else "")
        current.append(line)
    flush()
    return out


_SENTENCE = re.compile(r"[^。；！？!?;\n]+[。；！？!?;]?")


def sentences(text: str) -> list[str]:
    """The sentences of a passage, verbatim (each keeps its closing mark)."""
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]
