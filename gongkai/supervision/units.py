"""Reading a 责任单位 cell into the organisations responsible for a task.

Pure: the organisations arrive as a `UnitDirectory` built once by the caller
(`selectors.unit_directory`), so a whole table is resolved without a query per cell.

How a cell is read (see docs/decisions/0009-key-tasks.md):

1. Split at 、 ， , ； and line breaks that are not inside brackets, so
   各县（市、区）人民政府 stays whole; half-width brackets count as brackets too.
2. Drop what only says "and others": a trailing 。, 等部门, 等部门（单位）, 等相关部门,
   等市级有关部门, a bare 等 ...
3. Each piece is then, in this order:
   - a class the platform can expand: 各县（市、区）人民政府 → the county-level governments
     under the city government; 市政府工作部门 / 其他市政府工作部门 → every city department
     (kind "department" directly under the city government);
   - a body, by short name or full name (万源市人民政府 also by its short name 万源市);
   - two pieces joined by 及 (市委编办及具有行政许可权的市级相关部门（单位）);
   - a class the platform cannot expand (被审计市级部门（单位）, 具有行政许可权的…):
     kept as text and flagged for the openness office to resolve;
   - otherwise an error: a name that matches no organisation.
4. A body named twice in one cell is kept once, where it first appears.
"""

import re
from dataclasses import dataclass, field

from .text import normalise_brackets

# Separators between units; 及 is handled separately (only when the whole piece is not a name).
_SEPARATORS = set("、，,；;\n")
_OPEN = set("（(")
_CLOSE = set("）)")

# "… and other departments": only the named bodies are responsible rows.
_QUALIFIER = re.compile(r"等(?:市级|县级|其他)?(?:相关|有关)?(?:部门|单位|机构)?(?:（单位）)?$")

_COUNTIES = re.compile(r"^(?:各|其他)?县（市、区）(?:人民)?政府$|^各县（市、区）$")
_DEPARTMENTS = re.compile(r"^(?:各|其他)?市政府(?:工作|各|组成)?部门$|^市政府各工作部门$")
# A piece that describes a class of bodies rather than naming one.
_CLASS_MARKERS = re.compile(r"^(?:各|其他|被|具有|有关|相关|负责)|相关|有关|各级|部门（单位）$|^市级|^县级")


@dataclass(frozen=True, slots=True)
class OrgRef:
    id: int
    name: str
    short_name: str

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class UnitDirectory:
    """The organisations a table's units are resolved against."""

    by_name: dict[str, OrgRef] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()
    counties: tuple[OrgRef, ...] = ()
    departments: tuple[OrgRef, ...] = ()
    government: str = ""


@dataclass(frozen=True, slots=True)
class UnitRef:
    """One responsible unit of a task. `name` is the body's short name when it was
    resolved, else the table's wording; `source` is the piece of the cell it came from."""

    name: str
    org_id: int | None
    source: str
    flagged: bool = False


@dataclass
class UnitsResult:
    units: list[UnitRef] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_units(text: str) -> list[str]:
    """The pieces of a 责任单位 cell, qualifiers removed, brackets made full-width."""
    text = normalise_brackets(text).strip()
    pieces: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _SEPARATORS or ch == "。"):
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    out: list[str] = []
    for piece in pieces:
        piece = re.sub(r"\s+", "", piece).strip("。.")
        piece = _QUALIFIER.sub("", piece)
        if piece:
            out.append(piece)
    return out


def resolve(text: str, directory: UnitDirectory, *, keep_unknown: bool = False) -> UnitsResult:
    """Resolve one cell. Errors and warnings are Chinese sentences without a row number.
    With `keep_unknown`, a name that matches no organisation is kept as flagged text (a
    warning) instead of an error."""
    result = UnitsResult()
    seen_orgs: set[int] = set()
    seen_text: set[str] = set()

    def add_org(org: OrgRef, source: str) -> None:
        if org.id not in seen_orgs:
            seen_orgs.add(org.id)
            result.units.append(UnitRef(name=org.label, org_id=org.id, source=source))

    def add_piece(piece: str, allow_split: bool = True) -> None:
        if _COUNTIES.match(piece):
            if not directory.counties:
                result.errors.append(f"责任单位“{piece}”：{_where(directory)}下没有县（市、区）人民政府。")
            for org in directory.counties:
                add_org(org, piece)
            return
        if _DEPARTMENTS.match(piece):
            if not directory.departments:
                result.errors.append(f"责任单位“{piece}”：{_where(directory)}下没有政府工作部门。")
            for org in directory.departments:
                add_org(org, piece)
            return
        if piece in directory.ambiguous:
            result.errors.append(f"责任单位“{piece}”对应多个机构，请在表中写全称。")
            return
        named = _lookup(piece, directory)
        if named is not None:
            add_org(named, piece)
            return
        if allow_split and "及" in piece:
            parts = [p for p in piece.split("及") if p]
            if len(parts) > 1:
                for part in parts:
                    add_piece(_QUALIFIER.sub("", part) or part, allow_split=False)
                return
        is_class = bool(_CLASS_MARKERS.search(piece))
        if not is_class and not keep_unknown:
            result.errors.append(f"责任单位“{piece}”没有对应的机构。")
            return
        if piece not in seen_text:
            seen_text.add(piece)
            result.units.append(UnitRef(name=piece, org_id=None, source=piece, flagged=True))
            result.warnings.append(
                f"责任单位“{piece}”指一类单位而非具体机构，已保留原文，待公开办确认。"
                if is_class
                else f"责任单位“{piece}”没有对应的机构，已保留原文，待公开办确认。"
            )

    for piece in split_units(text):
        add_piece(piece)
    return result


def _lookup(piece: str, directory: UnitDirectory) -> OrgRef | None:
    org = directory.by_name.get(piece)
    if org is not None:
        return org
    for suffix in ("人民政府", "政府"):
        if piece.endswith(suffix) and len(piece) > len(suffix):
            base = piece[: -len(suffix)]
            if base in directory.ambiguous:
                return None
            found = directory.by_name.get(base)
            if found is not None:
                return found
    return None


def _where(directory: UnitDirectory) -> str:
    return f"“{directory.government}”" if directory.government else "本计划的发文机关"
