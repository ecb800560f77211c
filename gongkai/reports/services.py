"""Writes of the reports context: the figures a body enters for Table II, the report's texts,
and sending the report into publishing's review workflow (条例第四十九条、第五十条).

Every function checks the actor's permission on the body (the openness office:
Perm.REQUEST_HANDLE; ``actor=None`` is the platform, e.g. a command run by the operator),
writes, and records the audit entry in the same transaction.
"""

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import can, require
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem, ItemState

from .annual import render
from .annual.build import check_year
from .annual.formats import format_for_year
from .annual.text import SECTION_KEYS, draft_texts
from .models import AnnualFigures, AnnualReport, ReportStatus
from .selectors import REPORT_PERM, report_view

FIGURE_FIELDS = (
    "licensing_decisions",
    "penalty_decisions",
    "enforcement_decisions",
    "fee_amount",
    "procurement_projects",
    "procurement_amount",
)
_DECIMAL_FIELDS = ("fee_amount", "procurement_amount")
FIGURE_LABELS = {
    "licensing_decisions": "行政许可本年处理决定数量",
    "penalty_decisions": "行政处罚本年处理决定数量",
    "enforcement_decisions": "行政强制本年处理决定数量",
    "fee_amount": "行政事业性收费本年收费金额（万元）",
    "procurement_projects": "政府集中采购项目数量",
    "procurement_amount": "政府集中采购总金额（万元）",
}
#: Longest text section accepted (characters).
MAX_TEXT = 20000


def _role(actor: User | None, organisation: Organisation) -> str:
    return "" if actor is None else str(require(actor, REPORT_PERM, organisation))


# --- Table II figures entered by the body ---------------------------------------------------


def _clean_figures(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field in FIGURE_FIELDS:
        if field not in values:
            continue
        label = FIGURE_LABELS[field]
        value = values[field]
        number: Decimal | int
        if field in _DECIMAL_FIELDS:
            try:
                amount = Decimal(str(value).strip())
            except (InvalidOperation, ValueError):
                raise DomainError(f"“{label}”应为金额（万元），收到“{value}”。") from None
            exponent = amount.as_tuple().exponent
            if not amount.is_finite() or (isinstance(exponent, int) and exponent < -4):
                raise DomainError(f"“{label}”应为最多四位小数的金额（万元），收到“{value}”。")
            number = amount.quantize(Decimal("0.0001"))
        else:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise DomainError(f"“{label}”应为整数，收到“{value}”。") from None
        if number < 0:
            raise DomainError(f"“{label}”不能为负数。")
        cleaned[field] = number
    return cleaned


@transaction.atomic
def annual_figures_save(
    *, actor: User | None, organisation: Organisation, year: int, today: dt.date, **values: Any
) -> AnnualFigures:
    """Create or update the body's entered figures for the year."""
    role = _role(actor, organisation)
    check_year(year, today=today)
    unknown = set(values) - set(FIGURE_FIELDS)
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(sorted(unknown))}。")
    cleaned = _clean_figures(values)
    figures, created = AnnualFigures.objects.get_or_create(organisation=organisation, year=year)
    figures = AnnualFigures.objects.select_for_update().get(pk=figures.pk)
    before = {} if created else {f: str(getattr(figures, f)) for f in FIGURE_FIELDS}
    for field, value in cleaned.items():
        setattr(figures, field, value)
    figures.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="annual_figures.save",
        obj=figures,
        changes={"year": year, **audit.diff(before, {f: str(getattr(figures, f)) for f in FIGURE_FIELDS})},
    )
    return figures


FIGURES_CSV_COLUMNS = (
    "机构编号",
    "年度",
    "行政许可处理决定数",
    "行政处罚处理决定数",
    "行政强制处理决定数",
    "行政事业性收费金额（万元）",
    "政府集中采购项目数",
    "政府集中采购金额（万元）",
)
_CSV_FIELDS = dict(zip(FIGURES_CSV_COLUMNS[2:], FIGURE_FIELDS, strict=True))


class FiguresInvalid(DomainError):
    """The figures file has errors; ``errors`` lists them ("第3行“年度”：……")."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("文件有误，未导入任何数据：\n" + "\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class FiguresImportResult:
    created: int
    updated: int


def read_figures_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise DomainError("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件。") from None
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _parse_figures(table: Sequence[Sequence[str]], *, today: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    errors: list[str] = []
    if not table:
        return [], ["文件为空：第1行应为表头。"]
    header = [c.strip() for c in table[0]]
    while header and not header[-1]:
        header.pop()
    if tuple(header) != FIGURES_CSV_COLUMNS:
        return [], [f"第1行表头应依次为：{'、'.join(FIGURES_CSV_COLUMNS)}（收到：{'、'.join(header)}）。"]
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[int, int], int] = {}
    wanted: dict[int, list[int]] = {}
    parsed_lines: list[tuple[int, dict[str, Any]]] = []
    for line, raw in enumerate(table[1:], start=2):
        cells = [c.strip() for c in raw] + [""] * (len(FIGURES_CSV_COLUMNS) - len(raw))
        if not any(cells):
            continue
        row_errors: list[str] = []
        values: dict[str, Any] = {}
        org_id = year = None
        try:
            org_id = int(cells[0])
        except ValueError:
            row_errors.append(f"第{line}行“机构编号”：“{cells[0]}”不是整数。")
        try:
            year = int(cells[1])
            check_year(year, today=today)
        except ValueError:
            row_errors.append(f"第{line}行“年度”：“{cells[1]}”不是年份。")
            year = None
        except DomainError as exc:
            row_errors.append(f"第{line}行“年度”：{exc}")
            year = None
        for index, column in enumerate(FIGURES_CSV_COLUMNS[2:], start=2):
            field = _CSV_FIELDS[column]
            value = cells[index] or "0"
            try:
                values.update(_clean_figures({field: value}))
            except DomainError:
                kind = "金额（万元，最多四位小数）" if field in _DECIMAL_FIELDS else "非负整数"
                row_errors.append(f"第{line}行“{column}”：“{cells[index]}”应为{kind}。")
        if org_id is not None and year is not None:
            if (org_id, year) in seen:
                row_errors.append(f"第{line}行：机构编号{org_id}的{year}年度与第{seen[org_id, year]}行重复。")
            else:
                seen[org_id, year] = line
        if row_errors:
            errors.extend(row_errors)
            continue
        assert org_id is not None  # noqa: S101  (checked above)
        assert year is not None  # noqa: S101
        values.update({"organisation_id": org_id, "year": year})
        wanted.setdefault(org_id, []).append(line)
        parsed_lines.append((line, values))
    known = {o.pk: o for o in Organisation.objects.filter(pk__in=list(wanted))}
    for line, values in parsed_lines:
        if values["organisation_id"] not in known:
            errors.append(f"第{line}行“机构编号”：机构{values['organisation_id']}不存在。")
        else:
            rows.append({**values, "organisation": known[values["organisation_id"]], "line": line})
    return rows, errors


@transaction.atomic
def annual_figures_import(*, actor: User | None, table: Sequence[Sequence[str]], today: dt.date) -> FiguresImportResult:
    """Import entered figures from a CSV table (header FIGURES_CSV_COLUMNS): every row or
    none (FiguresInvalid lists each row's errors in Chinese). An existing body/year is updated."""
    rows, errors = _parse_figures(table, today=today)
    if actor is not None:
        for row in rows:
            if not can(actor, REPORT_PERM, row["organisation"]):
                errors.append(f"第{row['line']}行“机构编号”：您没有填报{row['organisation'].name}年报数据的权限。")
    if errors:
        raise FiguresInvalid(sorted(errors, key=lambda e: int(e[1 : e.index("行")])))
    existing = {
        (f.organisation_id, f.year): f
        for f in AnnualFigures.objects.select_for_update().filter(
            organisation_id__in={r["organisation_id"] for r in rows}
        )
    }
    created = updated = 0
    for row in rows:
        figures = existing.get((row["organisation_id"], row["year"]))
        if figures is None:
            figures = AnnualFigures(organisation=row["organisation"], year=row["year"])
            created += 1
        else:
            updated += 1
        for field in FIGURE_FIELDS:
            setattr(figures, field, row[field])
        figures.save()
    audit.record(
        actor=actor,
        role="",
        action="annual_figures.import",
        changes={"created": created, "updated": updated, "rows": [[r["organisation_id"], r["year"]] for r in rows]},
    )
    return FiguresImportResult(created=created, updated=updated)


# --- the report ------------------------------------------------------------------------------


def _locked_report(organisation: Organisation, year: int, with_departments: bool) -> AnnualReport:
    """The report row, created if missing, locked for the rest of the transaction (two officers
    saving at once wait for each other; get_or_create survives the race to create it). A refused
    write rolls the creation back with everything else."""
    report, _ = AnnualReport.objects.get_or_create(
        organisation=organisation,
        year=year,
        with_departments=with_departments,
        defaults={"format": format_for_year(year)},
    )
    return AnnualReport.objects.select_for_update(of=("self",)).select_related("item").get(pk=report.pk)


def _clean_texts(texts: Mapping[str, str]) -> dict[str, str]:
    unknown = set(texts) - set(SECTION_KEYS)
    if unknown:
        raise DomainError(f"未知的文字部分：{'、'.join(sorted(unknown))}。")
    cleaned = {}
    for key, value in texts.items():
        value = str(value).replace("\r\n", "\n").strip()
        if len(value) > MAX_TEXT:
            raise DomainError(f"每个文字部分不能超过{MAX_TEXT}个字。")
        cleaned[key] = value
    return cleaned


@transaction.atomic
def annual_report_save(
    *,
    actor: User | None,
    organisation: Organisation,
    year: int,
    with_departments: bool = False,
    texts: Mapping[str, str],
    today: dt.date,
    version: int | None = None,
) -> AnnualReport:
    """Save the text sections together with the figures as they are now. A section left empty,
    or equal to the draft written from the figures, follows the figures (the draft); sections
    not given keep their saved text. Refused while the report is in review or published."""
    role = _role(actor, organisation)
    check_year(year, today=today)
    cleaned = _clean_texts(texts)
    report = _locked_report(organisation, year, with_departments)
    if report.is_locked:
        raise DomainError(f"{year}年度报告已送审或已发布（{report.state_label}），不能修改。")
    if version is not None and report.version != version:
        raise DomainError("该报告已被他人修改，请刷新页面后重新编辑。")
    view = report_view(organisation, year, with_departments=with_departments, today=today)
    before = dict(report.texts)
    report.format = view.fmt
    report.figures = view.figures
    # Only what differs from the draft is stored: an untouched section keeps following the
    # figures (a ledger corrected later changes the draft's numbers too).
    drafted = draft_texts(view.figures, organisation_name=organisation.name, year=year, fmt=view.fmt)
    edited = {**report.texts, **cleaned}
    report.texts = {key: edited[key] for key in SECTION_KEYS if edited.get(key) and edited[key] != drafted[key]}
    report.computed_at = timezone.now()
    report.version += 1
    report.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="annual_report.save",
        obj=report,
        changes={"year": year, "with_departments": with_departments, "texts": sorted(audit.diff(before, report.texts))},
    )
    return report


def _annual_column(organisation: Organisation) -> CatalogColumn:
    column = CatalogColumn.objects.filter(organisation=organisation, key=ColumnKey.ANNUAL_REPORT).first()
    if column is None:
        publishing.catalog_ensure(actor=None, organisation=organisation)
        column = CatalogColumn.objects.get(organisation=organisation, key=ColumnKey.ANNUAL_REPORT)
    return column


class ChecksFailed(DomainError):
    """A reconciliation check fails: the report cannot be published. ``failing`` lists them."""

    def __init__(self, failing: list[dict[str, Any]]) -> None:
        self.failing = failing
        cells = "；".join(c["message"] for c in failing[:5])
        more = f"等{len(failing)}处" if len(failing) > 5 else ""
        super().__init__(f"年度报告未通过核对，不能发布：{cells}{more}。请更正数据后再发布。")


@transaction.atomic
def annual_report_publish(
    *,
    actor: User | None,
    organisation: Organisation,
    year: int,
    with_departments: bool = False,
    today: dt.date,
) -> AnnualReport:
    """Send the report for publication: refused while any reconciliation check fails
    (ChecksFailed names the cells). The HTML report becomes an information item in the
    body's 年报 column and enters publishing's review workflow (编审发 / 三审); the
    body's reviewers approve and publish it there like any other item.

    The item is drafted by the platform (``actor=None`` in publishing's services): the
    report is generated, not written, and the office officer who sent it is recorded here;
    this also leaves every reviewer of the body free to review it."""
    role = _role(actor, organisation)
    check_year(year, today=today)
    report = _locked_report(organisation, year, with_departments)
    if report.is_locked:
        raise DomainError(f"{year}年度报告已送审或已发布（{report.state_label}），不能重复发布。")
    view = report_view(organisation, year, with_departments=with_departments, today=today)
    if view.failing:
        raise ChecksFailed(view.failing)
    title = render.report_title(organisation.name, year)
    body = str(render.body_html(view.figures, view.texts, view.fmt))
    item: InfoItem | None = report.item
    if item is None:
        item = publishing.item_create(
            actor=None,
            organisation=organisation,
            column=_annual_column(organisation),
            title=title,
            formed_on=today,
            body_html=body,
            summary=f"{organisation.name}{year}年政府信息公开工作年度报告（条例第四十九条、第五十条）。",
        )
    else:
        if item.state not in (ItemState.DRAFT, ItemState.REJECTED, ItemState.WITHDRAWN):
            raise DomainError(f"年度报告对应的信息{item.get_state_display()}，不能再次送审。")
        publishing.item_update(actor=None, item=item, title=title, formed_on=today, body_html=body)
    item = publishing.item_submit(actor=None, item=item)
    report.format, report.figures = view.fmt, view.figures
    report.status, report.item = ReportStatus.SUBMITTED, item
    report.computed_at = report.submitted_at = timezone.now()
    report.version += 1
    report.save()
    audit.record(
        actor=actor,
        role=role,
        organisation=organisation,
        action="annual_report.publish",
        obj=report,
        changes={"year": year, "with_departments": with_departments, "item": item.pk, "format": view.fmt},
    )
    return report
