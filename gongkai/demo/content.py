"""The demo's content: every body's statutory catalog, the real corpus of laws and State
Council documents (../shared/data/corpus.jsonl.gz) on 达州市人民政府, and the seed
document (达市府办发〔2022〕37号) as 达州市人民政府办公室's published item with its annex
table. Loading twice adds nothing: columns are looked up first, documents by external id.

Called by the demo loader after the organisations exist (`load_content(progress)`).
"""

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from tqdm import tqdm

from gongkai.core.models import Organisation
from gongkai.publishing import importing, services
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem, Validity

Progress = Callable[[str], None]

CITY = "达州市人民政府"
CITY_OFFICE = "达州市人民政府办公室"


@dataclass(frozen=True)
class ExtraColumn:
    slug: str
    title: str
    position: int
    description: str


# Platform-wide reference columns on the city government (after its statutory columns).
LAWS = ExtraColumn("laws", "法律法规", 900, "法律、行政法规、地方性法规、部门规章和司法解释（来自国家法律法规数据库）")
STATE_COUNCIL = ExtraColumn("state-council", "国务院文件", 910, "国务院政策文件（来自中国政府网政策文件库）")

SEED_FILE = "000_f368b6cade0a67ca.txt"
SEED_EXTERNAL_ID = "seed-dazhou-2022-37"
SEED_DOC_NUMBER = "达市府办发〔2022〕37号"
SEED_WRITTEN = date(2022, 5, 26)
SEED_SUBJECT = "综合政务\\政务公开"
ANNEX_MARKER = "附件"

_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")
_SERIAL_AND_TASK = re.compile(r"^(\d+)\s+(\S.*)$")


def corpus_path() -> Path:
    return Path(settings.SHARED_DIR) / "data" / "corpus.jsonl.gz"


def seed_path() -> Path:
    return Path(settings.SHARED_DIR) / "seed" / SEED_FILE


def _column(organisation: Organisation, extra: ExtraColumn) -> tuple[CatalogColumn, bool]:
    found = CatalogColumn.objects.filter(organisation=organisation, slug=extra.slug).first()
    if found is not None:
        return found, False
    created = services.column_create(
        actor=None,
        organisation=organisation,
        title=extra.title,
        slug=extra.slug,
        position=extra.position,
        description=extra.description,
    )
    return created, True


def _import_corpus(
    path: Path, city: Organisation, laws: CatalogColumn, state_council: CatalogColumn, progress: Progress
) -> dict[str, int]:
    categories = importing.count_categories(path)
    policy = categories[importing.POLICY_CATEGORY]
    total = sum(categories.values())
    counts: dict[str, int] = {}
    for column, wanted, size in (
        (state_council, lambda category: category == importing.POLICY_CATEGORY, policy),
        (laws, lambda category: category != importing.POLICY_CATEGORY, total - policy),
    ):
        with tqdm(total=size, unit="篇", desc=column.title, disable=None) as bar:
            result = importing.documents_import(
                actor=None,
                organisation=city,
                column=column,
                documents=(d for d in importing.read_corpus(path) if wanted(d.category)),
                source=str(path),
                progress=bar.update,
            )
        progress(
            f"{column.title}：新增 {result.imported} 篇，已有 {result.skipped} 篇"
            f"（{result.seconds:.1f} 秒）；文号无法识别 {len(result.invalid_doc_numbers)} 篇。"
        )
        counts[f"{column.slug}_imported"] = result.imported
        counts[f"{column.slug}_skipped"] = result.skipped
        counts["invalid_doc_numbers"] = counts.get("invalid_doc_numbers", 0) + len(result.invalid_doc_numbers)
    return counts


# --- the seed document --------------------------------------------------------------


def _annex_table(lines: list[str]) -> str:
    """The responsibility table as HTML: one header row; the header repeated at each page
    break is dropped; merged cells (empty fields) stay empty; group cells repeated after a
    page break are emptied as well, as the merged cell they continue."""
    header: list[str] | None = None
    rows: list[list[str]] = []
    group_serial, group_task = "", ""
    for line in lines:
        cells = [cell.strip() for cell in line.split("\t")]
        if header is None:
            header = cells
            continue
        if cells == header:
            continue
        cells += [""] * (len(header) - len(cells))
        split = _SERIAL_AND_TASK.match(cells[0])
        if split and len(header) > 1:  # "2 加强政府信息资源公开…" fell into the serial cell
            cells[0] = split[1]
            cells[1] = f"{split[2]} {cells[1]}".strip()
        if cells[0] and cells[0] == group_serial:  # the group repeated after a page break
            cells[0] = ""
            if cells[1] and group_task.startswith(cells[1]):
                cells[1] = ""
        elif cells[0]:
            group_serial, group_task = cells[0], cells[1]
        rows.append(cells)
    if header is None:
        return ""
    head = "".join(f'<th scope="col">{html.escape(cell)}</th>' for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def seed_document(text: str) -> importing.ImportDocument:
    """The seed file as a document: the first line is the title (its line breaks from the
    PDF removed), the second the 文号; the body runs from the salutation to the annex."""
    lines = [line.strip() for line in text.splitlines()]
    content = [line for line in lines if line]
    title = re.sub(r"\s+", "", content[0])
    marker = lines.index(ANNEX_MARKER)
    parts: list[str] = []
    previous = ""
    for line in [line for line in lines[:marker] if line][2:]:
        escaped = html.escape(line)
        if _DATE_LINE.match(previous):
            parts.append(f"<h2>{escaped}</h2>")  # the title of the arrangement after the signature
        elif _CHAPTER.match(line):
            parts.append(f"<h3>{escaped}</h3>")
        else:
            parts.append(f"<p>{escaped}</p>")
        previous = line
    # Annex rows keep their tabs: a row whose last cells are merged ends in tabs.
    annex = [line.strip(" \u3000\r") for line in text.splitlines()[marker + 1 :] if line.strip()]
    table_lines = [line for line in annex if "\t" in line]
    notes = [line for line in annex if "\t" not in line]
    parts.append(f"<h2>{ANNEX_MARKER}</h2>")
    if notes:
        parts.append(f"<h3>{html.escape(notes[0])}</h3>")  # the table's title
    parts.append(_annex_table(table_lines))
    parts.extend(f"<p>{html.escape(note)}</p>" for note in notes[1:])
    return importing.ImportDocument(
        external_id=SEED_EXTERNAL_ID,
        title=title,
        body_html="\n".join(parts),
        doc_number=SEED_DOC_NUMBER,
        date_written=SEED_WRITTEN,
        formed_on=SEED_WRITTEN,
        # The publication day is not in the file: shown as published the day it was written.
        published_at=datetime.combine(SEED_WRITTEN, importing.PUBLISH_TIME, tzinfo=importing.CHINA),
        subject=SEED_SUBJECT,
        validity=Validity.NOT_APPLICABLE,
    )


def _load_seed(path: Path, progress: Progress) -> int:
    office = Organisation.objects.filter(name=CITY_OFFICE).first()
    if office is None:
        progress(f"未找到机构“{CITY_OFFICE}”，跳过种子文件。")
        return 0
    if InfoItem.objects.filter(external_id=SEED_EXTERNAL_ID).exists():
        return 0
    column = CatalogColumn.objects.get(organisation=office, key=ColumnKey.OTHER_DOCS)
    document = seed_document(path.read_text(encoding="utf-8"))
    result = importing.documents_import(
        actor=None, organisation=office, column=column, documents=[document], source=str(path)
    )
    progress(f"种子文件：{document.title}（{SEED_DOC_NUMBER}）已发布在{office.name}·{column.title}。")
    return result.imported


def load_content(progress: Progress) -> dict[str, int]:
    """Catalogs, corpus and seed; the counts of what was added (all 0 on a second run)."""
    started = time.perf_counter()
    counts = {"columns_created": 0}
    with transaction.atomic():
        for organisation in Organisation.objects.order_by("path"):
            counts["columns_created"] += len(services.catalog_ensure(actor=None, organisation=organisation))
    city = Organisation.objects.filter(name=CITY).first()
    if city is None:
        progress(f"未找到机构“{CITY}”，请先加载演示机构。跳过法律法规和国务院文件。")
        return counts
    laws, created_laws = _column(city, LAWS)
    state_council, created_state = _column(city, STATE_COUNCIL)
    counts["columns_created"] += int(created_laws) + int(created_state)
    progress(f"目录栏目：新增 {counts['columns_created']} 个。")

    shared = Path(settings.SHARED_DIR)
    corpus, seed = corpus_path(), seed_path()
    if not corpus.exists():
        progress(f"未找到共享数据文件 {corpus}（共享目录 {shared}），跳过法律法规和国务院文件的导入。")
    else:
        try:
            counts.update(_import_corpus(corpus, city, laws, state_council, progress))
        except importing.ImportFileError as exc:  # what was written before the bad line stays
            progress(f"共享数据文件 {corpus} 未能全部导入：{exc} 修正后重新加载即可继续。")
    if not seed.exists():
        progress(f"未找到种子文件 {seed}，跳过。")
        counts["seed_imported"] = 0
    else:
        counts["seed_imported"] = _load_seed(seed, progress)
    progress(f"演示内容加载完成，用时 {time.perf_counter() - started:.1f} 秒。")
    return counts
