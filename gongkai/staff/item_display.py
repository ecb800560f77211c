"""How an information item's content is shown to staff: readable field values, the
difference between two saved versions (reviewers see the working copy against the
published version), and stored body HTML made safe to embed.

Pure functions over version snapshots (publishing.services.CONTENT_FIELDS); the caller
passes the names of the columns and subject categories the snapshots refer to.
"""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import nh3
from django.utils.safestring import SafeString, mark_safe

from gongkai.publishing import richtext
from gongkai.publishing.models import DisclosureMode, DisclosureScope, InfoItem, Validity
from gongkai.publishing.services import CONTENT_FIELDS

#: Lines of unchanged text kept around each change in a body diff.
CONTEXT_LINES = 2

_CHOICES: dict[str, type[Validity] | type[DisclosureMode] | type[DisclosureScope]] = {
    "validity": Validity,
    "disclosure_mode": DisclosureMode,
    "scope": DisclosureScope,
}
_LABELS: dict[str, str] = {
    "column_id": str(InfoItem._meta.get_field("column").verbose_name),
    "subject_id": str(InfoItem._meta.get_field("subject").verbose_name),
}


def field_label(name: str) -> str:
    """The Chinese label of a snapshot field."""
    if name in _LABELS:
        return _LABELS[name]
    model_field = InfoItem._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name))


def field_value(name: str, value: Any, *, columns: Mapping[int, str], subjects: Mapping[int, str]) -> str:
    """A snapshot value as staff read it ("" when empty)."""
    if value in (None, ""):
        return ""
    if name == "column_id":
        return columns.get(int(value), f"#{value}")
    if name == "subject_id":
        return subjects.get(int(value), f"#{value}")
    if name in _CHOICES:
        choices = _CHOICES[name]
        return str(choices(value).label) if value in choices.values else str(value)
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldRow:
    name: str
    label: str
    value: str


def readable_fields(
    snapshot: Mapping[str, Any], *, columns: Mapping[int, str], subjects: Mapping[int, str]
) -> list[FieldRow]:
    """Every metadata field of a snapshot (the body apart), labelled, in form order."""
    return [
        FieldRow(name, field_label(name), field_value(name, snapshot.get(name), columns=columns, subjects=subjects))
        for name in CONTENT_FIELDS
        if name != "body_html"
    ]


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One row of a body diff. kind "gap" stands for unchanged lines left out."""

    kind: Literal["equal", "delete", "insert", "gap"]
    old_number: int | None
    new_number: int | None
    text: str


@dataclass(frozen=True, slots=True)
class ItemDiff:
    fields: list[FieldChange] = field(default_factory=list)
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.fields or self.lines)


def body_lines(body_html: str | None) -> list[str]:
    return richtext.to_text(body_html or "").splitlines()


def diff_lines(old: list[str], new: list[str], *, context: int = CONTEXT_LINES) -> list[DiffLine]:
    """Line diff of two texts (difflib), with `context` unchanged lines around each
    change; empty when the texts are equal."""
    if old == new:
        return []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(context))
    rows: list[DiffLine] = []
    for number, group in enumerate(groups):
        _, first_old, _, first_new, _ = group[0]
        if number > 0 or first_old > 0 or first_new > 0:
            rows.append(DiffLine("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(DiffLine("equal", i1 + k + 1, j1 + k + 1, old[i1 + k]) for k in range(i2 - i1))
                continue
            if tag in ("delete", "replace"):
                rows.extend(DiffLine("delete", i + 1, None, old[i]) for i in range(i1, i2))
            if tag in ("insert", "replace"):
                rows.extend(DiffLine("insert", None, j + 1, new[j]) for j in range(j1, j2))
    _, _, last_old, _, last_new = groups[-1][-1]
    if last_old < len(old) or last_new < len(new):
        rows.append(DiffLine("gap", None, None, ""))
    return rows


def snapshot_diff(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    columns: Mapping[int, str],
    subjects: Mapping[int, str],
) -> ItemDiff:
    """What changed from `old` to `new`: metadata fields, then the body line by line."""
    changes = [
        FieldChange(
            name,
            field_label(name),
            field_value(name, old.get(name), columns=columns, subjects=subjects),
            field_value(name, new.get(name), columns=columns, subjects=subjects),
        )
        for name in CONTENT_FIELDS
        if name != "body_html" and (old.get(name) or None) != (new.get(name) or None)
    ]
    return ItemDiff(changes, diff_lines(body_lines(old.get("body_html")), body_lines(new.get("body_html"))))


def referenced_ids(*snapshots: Mapping[str, Any]) -> tuple[set[int], set[int]]:
    """The column and subject ids the snapshots refer to."""
    columns = {int(s["column_id"]) for s in snapshots if s.get("column_id")}
    subjects = {int(s["subject_id"]) for s in snapshots if s.get("subject_id")}
    return columns, subjects


def safe_body(body_html: str | None) -> SafeString:
    """Stored body HTML, sanitised again with the tags richtext allows, for embedding."""
    cleaned = nh3.clean(
        body_html or "",
        tags=richtext.ALLOWED_TAGS,
        attributes=richtext.ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
