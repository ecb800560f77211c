"""The demo's content: catalogs for every body, the corpus in the city's two reference
columns, the seed document with a readable annex table; loading twice adds nothing."""

import gzip
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from gongkai.core import audit
from gongkai.core.models import AuditRecord, Organisation
from gongkai.demo import content, loader
from gongkai.publishing import selectors
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem, Validity

REAL_SHARED = Path(settings.SHARED_DIR)


def _slice(first: int, last: int) -> list[str]:
    corpus = REAL_SHARED / "data" / "corpus.jsonl.gz"
    if not corpus.exists():
        pytest.fail(f"the shared corpus is missing: {corpus}")
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        lines = handle.readlines()
    return lines[:first] + lines[len(lines) - last :]


@pytest.fixture
def shared(settings: Any, tmp_path: Path) -> Path:
    """A shared folder with 20 laws and regulations, 5 State Council documents and the seed."""
    root = tmp_path / "shared"
    (root / "data").mkdir(parents=True)
    (root / "seed").mkdir()
    with gzip.open(root / "data" / "corpus.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(_slice(20, 5))
    seed = REAL_SHARED / "seed" / content.SEED_FILE
    if not seed.exists():
        pytest.fail(f"the seed document is missing: {seed}")
    shutil.copy(seed, root / "seed" / content.SEED_FILE)
    settings.SHARED_DIR = root
    return root


@pytest.fixture
def orgs(db: None, shared: Path, settings: Any, tmp_path: Path) -> None:
    """Dazhou's bodies from the demo loader, run while the shared folder is empty (should
    the loader itself call load_content, the corpus and the seed are left for the test)."""
    settings.SHARED_DIR = tmp_path / "empty"
    loader.load()
    settings.SHARED_DIR = shared


class _Table(HTMLParser):
    """Rows of the first table: lists of (tag, text) per cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str]]] = []
        self.cell: str | None = None
        self.text = ""
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell, self.text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell:
            self.rows[-1].append((self.cell, self.text))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell:
            self.text += data


def _messages() -> tuple[list[str], Any]:
    messages: list[str] = []
    return messages, messages.append


def test_content_is_loaded_into_catalogs_columns_and_the_seed(orgs: None) -> None:
    messages, progress = _messages()
    counts = content.load_content(progress)

    for organisation in Organisation.objects.all():
        keys = set(CatalogColumn.objects.filter(organisation=organisation).values_list("key", flat=True))
        assert {ColumnKey.GUIDE, ColumnKey.OTHER_DOCS, ColumnKey.ANNUAL_REPORT} <= keys, organisation.name
    city = Organisation.objects.get(name="达州市人民政府")
    laws = CatalogColumn.objects.get(organisation=city, slug="laws")
    state_council = CatalogColumn.objects.get(organisation=city, slug="state-council")
    assert (laws.title, state_council.title) == ("法律法规", "国务院文件")

    policy = [line for line in _slice(20, 5) if '"category": "政策文件"' in line]
    assert counts["state-council_imported"] == len(policy) == 4  # the fifth from the end is a regulation
    assert counts["laws_imported"] == 21 and counts["seed_imported"] == 1
    organs = set(InfoItem.objects.filter(column=state_council).values_list("issuing_organ", flat=True))
    assert organs and organs <= {"国务院", "国务院办公厅"}
    assert not InfoItem.objects.filter(column=laws, subject__isnull=False).exists()
    assert InfoItem.objects.filter(column=state_council, subject__isnull=False).count() == 4
    assert set(InfoItem.objects.filter(column=laws).values_list("validity", flat=True)) == {Validity.IN_FORCE}
    assert any("国务院文件：新增 4 篇" in m for m in messages)
    assert any(re.search(r"演示内容加载完成，用时 [\d.]+ 秒", m) for m in messages)


def test_the_seed_is_the_offices_published_notice(orgs: None) -> None:
    content.load_content(lambda _message: None)
    item = InfoItem.objects.get(external_id=content.SEED_EXTERNAL_ID)
    assert item.organisation.name == "达州市人民政府办公室"
    assert item.column.key == ColumnKey.OTHER_DOCS
    assert item.title == "达州市人民政府办公室关于印发2022年全市政务公开重点工作安排的通知"
    assert item.doc_number == "达市府办发〔2022〕37号" and item.doc_year == 2022 and item.doc_serial == 37
    assert str(item.date_written) == "2022-05-26" and str(item.formed_on) == "2022-05-26"
    assert item.index_number and item.index_number.endswith("/2022-00001")
    assert selectors.public_items().filter(pk=item.pk).exists()
    assert item.body_text.startswith("各县（市、区）人民政府，达州高新区管委会")
    assert "<h2>2022年全市政务公开重点工作安排</h2>" in item.body_html
    assert "<h3>一、加强重点领域信息公开，增强政策公开透明度</h3>" in item.body_html
    assert "备注：省政府办公厅对“完成时限”有具体要求的" in item.body_text


def test_the_annex_is_a_readable_table(orgs: None) -> None:
    content.load_content(lambda _message: None)
    body = InfoItem.objects.get(external_id=content.SEED_EXTERNAL_ID).body_html
    table = _Table()
    table.feed(body)
    assert table.tables == 1
    header, rows = table.rows[0], table.rows[1:]
    assert header == [("th", h) for h in ("序号", "工作任务", "重点工作任务", "责任单位", "完成时限")]
    assert len(rows) == 71  # the 71 tasks; the header repeated at each page break is gone
    assert all(len(row) == 5 and {tag for tag, _ in row} == {"td"} for row in rows)
    cells = [[text for _, text in row] for row in rows]
    assert [row[0] for row in cells if row[0]] == ["1", "2", "3", "4", "5"]  # each group's serial once
    assert cells[0][1].startswith("加强重点领域信息公开，增强政策公开透明度")
    assert cells[1][:2] == ["", ""]  # merged cells stay empty
    after_break = next(row for row in cells if row[2].startswith("围绕重点领域改革"))
    assert after_break[:2] == ["", ""]  # the group repeated after a page break is merged too
    group_two = next(row for row in cells if row[0] == "2")
    assert group_two[1].startswith("加强政府信息资源公开，提升信息公开服务质量效")
    assert group_two[1].endswith("规范发布法定主动公开内容")
    gazette = next(row for row in cells if row[2].startswith("完善市政府公报数据库"))
    assert gazette[3:] == ["", ""]  # its units and deadline are merged with the task above


def test_loading_twice_adds_nothing(orgs: None) -> None:
    content.load_content(lambda _message: None)
    state = (CatalogColumn.objects.count(), InfoItem.objects.count(), AuditRecord.objects.count())
    again = content.load_content(lambda _message: None)
    assert {k: v for k, v in again.items() if not k.endswith("_skipped")} == {
        "columns_created": 0,
        "state-council_imported": 0,
        "laws_imported": 0,
        "invalid_doc_numbers": 0,
        "seed_imported": 0,
    }
    assert again["laws_skipped"] == 21 and again["state-council_skipped"] == 4
    assert (CatalogColumn.objects.count(), InfoItem.objects.count(), AuditRecord.objects.count()) == state
    assert audit.verify().ok


def test_a_missing_shared_folder_is_reported_not_fatal(orgs: None, settings: Any, tmp_path: Path) -> None:
    settings.SHARED_DIR = tmp_path / "nowhere"
    messages, progress = _messages()
    counts = content.load_content(progress)
    assert counts["seed_imported"] == 0
    assert any("未找到共享数据文件" in m and "跳过法律法规和国务院文件的导入" in m for m in messages)
    assert any("未找到种子文件" in m for m in messages)
    assert not InfoItem.objects.filter(column__slug__in=["laws", "state-council"]).exists()
    assert not InfoItem.objects.filter(external_id=content.SEED_EXTERNAL_ID).exists()
    assert CatalogColumn.objects.filter(slug__in=["laws", "state-council"]).count() == 2
    assert not Organisation.objects.exclude(catalog_columns__key=ColumnKey.OTHER_DOCS).exists()


def test_a_damaged_corpus_is_reported_and_the_seed_still_loads(orgs: None, shared: Path) -> None:
    lines = [*_slice(3, 0), "{这一行坏了\n"]
    with gzip.open(shared / "data" / "corpus.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(lines)
    messages, progress = _messages()
    counts = content.load_content(progress)
    assert any("未能全部导入：第 4 行不是有效的 JSON" in m for m in messages)
    assert counts["seed_imported"] == 1
    assert not InfoItem.objects.filter(column__slug="laws").exists()  # the first pass reads every line
