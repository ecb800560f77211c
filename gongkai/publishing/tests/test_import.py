"""`gongkai import documents`: real documents become published items with every invariant
of the single-item path; runs are idempotent, resumable and audited once."""

import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.core import audit, workdays
from gongkai.core.errors import NotPermitted
from gongkai.core.models import AuditRecord, User
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing import importing, richtext, selectors, services
from gongkai.publishing.models import CatalogColumn, IndexSequence, InfoItem, ItemState, ItemVersion, Validity
from gongkai.publishing.tests.factories import make_desk, published
from gongkai.search.models import SearchOutbox

pytestmark = pytest.mark.django_db

CORPUS = Path(settings.SHARED_DIR) / "data" / "corpus.jsonl.gz"
CHINA = ZoneInfo("Asia/Shanghai")


def corpus_slice(first: int = 50, last: int = 10) -> list[dict[str, Any]]:
    """The first `first` records (local regulations) and the last `last` (State Council
    documents with 索引号, 文号 and 主题分类) of the real corpus."""
    if not CORPUS.exists():
        pytest.fail(f"the shared corpus is missing: {CORPUS}")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return records[:first] + records[len(records) - last :]


def write_jsonl(path: Path, records: list[Any], *, gz: bool = True) -> Path:
    text = "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def record(external_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": external_id,
        "title": f"测试文件{external_id}",
        "category": "行政法规",
        "organ": "国务院",
        "publish_date": "2019-02-15",
        "body": "## 第一章 总则\n\n第一条 为了规范管理，制定本条例。",
    }
    return {**base, **fields}


HANDMADE = [
    record(
        "gov-1",
        category="政策文件",
        subcategory="科技、教育\\科技",
        doc_number="国发〔2019〕5号",
        index_number="000014349/2019-00007",
        written_date="2019-01-27",
        source_url="http://www.gov.cn/zhengce/content/2019-02/15/content_5365945",
    ),
    record("bad-number", doc_number="某某部门通知第几号"),
    record("same-index", category="政策文件", subcategory="科技、教育\\科技", index_number="000014349/2019-00007"),
    record("no-dates", category="案例", publish_date=None, body="加班费的仲裁时效应当如何认定"),
    record("law-1", category="法律", organ="全国人民代表大会常务委员会", doc_number="主席令第十号"),
    record("escaped", body='第一条 <script>alert("x")</script> 不得执行。'),
    record("law-1", title="同一文件又出现一次"),
]


@pytest.fixture
def laws(tree: Tree) -> CatalogColumn:
    services.catalog_ensure(actor=None, organisation=tree.city)
    return services.column_create(actor=None, organisation=tree.city, title="法律法规", slug="laws")


def run(path: Path, org: Any, column: str = "laws", *extra: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "import", "documents", str(path), "--org", str(org.pk), "--column", column, *extra, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def import_records(
    records: list[dict[str, Any]], column: CatalogColumn, *, actor: User | None = None, **options: Any
) -> importing.ImportResult:
    documents = (importing.document_from_record(r, line=n) for n, r in enumerate(records, start=1))
    return importing.documents_import(
        actor=actor, organisation=column.organisation, column=column, documents=documents, source="测试", **options
    )


# --- the real corpus -------------------------------------------------------------------


def test_a_slice_of_the_real_corpus_is_published(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    records = corpus_slice()
    out, err = run(write_jsonl(tmp_path / "slice.jsonl.gz", records), tree.city)
    assert "新增 60 条" in out and "跳过已有 0 条" in out
    assert "100%" in err and "60/60" in err  # the progress bar, on stderr

    items = {i.external_id: i for i in InfoItem.objects.filter(column=laws)}
    assert set(items) == {r["id"] for r in records}
    assert selectors.public_items().filter(column=laws).count() == 60
    calendar = workdays.calendar()
    for r in records:
        item = items[r["id"]]
        assert item.state == ItemState.PUBLISHED and item.is_live and item.organisation == tree.city
        assert item.title == r["title"] and item.issuing_organ == (r.get("organ") or "")
        assert item.body_html == richtext.clean(richtext.from_plain(r["body"]))
        assert item.body_text == richtext.to_text(item.body_html) and item.body_text
        published_on, written_on = r.get("publish_date") or "", r.get("written_date") or ""
        if published_on or written_on:
            assert item.formed_on == date.fromisoformat(published_on or written_on)
            assert item.date_written == date.fromisoformat(written_on or published_on)
        else:
            assert item.formed_on == timezone.localdate() and item.date_written is None
        if published_on:
            assert item.published_at == datetime.combine(date.fromisoformat(published_on), time(9), tzinfo=CHINA)
        else:
            assert item.published_at is not None and item.published_at <= timezone.now()
        due = calendar.add_workdays(item.formed_on, services.DISCLOSURE_WORKDAYS)
        assert (item.due_on, item.due_provisional) == (due.date, due.provisional)
        expected = Validity.IN_FORCE if r["category"] != "政策文件" else Validity.NOT_APPLICABLE
        assert item.validity == expected
    numbers = [i.index_number for i in items.values()]
    assert None not in numbers and len(set(numbers)) == 60

    policy = [r for r in records if r["category"] == "政策文件"]
    for r in policy:
        item = items[r["id"]]
        assert item.index_number == r["index_number"]  # the document's own 索引号 is kept
        assert item.subject is not None and item.subject.name == r["subcategory"]
        assert item.doc_number == r["doc_number"] and item.doc_year is not None
        assert item.source_url == r["source_url"]
    queued = SearchOutbox.objects.filter(item_id__in=[i.pk for i in items.values()], op="upsert")
    assert queued.count() == 60  # the index follows through the outbox
    versions = ItemVersion.objects.filter(item__column=laws)
    assert versions.count() == 60 and set(versions.values_list("number", "published")) == {(1, True)}
    version = versions.get(item=items[policy[0]["id"]])
    assert version.snapshot == services.snapshot_of(items[policy[0]["id"]])


def test_running_again_adds_nothing_and_records_nothing(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "slice.jsonl.gz", corpus_slice(30, 5))
    run(path, tree.city)
    state = (InfoItem.objects.count(), ItemVersion.objects.count(), AuditRecord.objects.count())
    numbers = dict(InfoItem.objects.values_list("external_id", "index_number"))
    out, _ = run(path, tree.city)
    assert "新增 0 条，跳过已有 35 条" in out
    assert (InfoItem.objects.count(), ItemVersion.objects.count(), AuditRecord.objects.count()) == state
    assert dict(InfoItem.objects.values_list("external_id", "index_number")) == numbers


def test_an_interrupted_run_is_completed_by_running_it_again(
    tree: Tree, laws: CatalogColumn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = corpus_slice(45, 0)
    path = write_jsonl(tmp_path / "slice.jsonl.gz", records)
    real_reader = importing.read_corpus

    def interrupted(*args: Any, **kwargs: Any) -> Iterator[importing.ImportDocument]:
        for n, document in enumerate(real_reader(*args, **kwargs)):
            if n == 32:
                raise KeyboardInterrupt  # Ctrl-C while the fourth batch is being read
            yield document

    monkeypatch.setattr(importing, "read_corpus", interrupted)
    with pytest.raises(CommandError, match=r"导入已中断：本次已写入 \d+ 条。重新运行同一命令即可从中断处继续"):
        run(path, tree.city, "laws", "--batch-size", "10")
    done = InfoItem.objects.count()
    assert 0 < done < 45 and done % 10 == 0  # whole batches only
    first = AuditRecord.objects.get(action="import.documents")
    assert first.changes["interrupted"] is True and first.changes["imported"] == done

    monkeypatch.setattr(importing, "read_corpus", real_reader)
    out, _ = run(path, tree.city, "laws", "--batch-size", "10")
    assert f"新增 {45 - done} 条，跳过已有 {done} 条" in out
    assert set(InfoItem.objects.values_list("external_id", flat=True)) == {r["id"] for r in records}
    numbers = list(InfoItem.objects.values_list("index_number", flat=True))
    assert len(set(numbers)) == 45
    second = AuditRecord.objects.filter(action="import.documents").latest("seq")
    assert second.changes["interrupted"] is False and second.changes["skipped"] == done
    assert audit.verify().ok


# --- handmade records: the rules -------------------------------------------------------


@time_machine.travel(datetime(2026, 3, 2, 10, 30, tzinfo=CHINA), tick=False)
def test_handmade_records_follow_the_rules(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    out, _ = run(write_jsonl(tmp_path / "handmade.jsonl", HANDMADE, gz=False), tree.city)
    assert "读取 7 条，新增 6 条，跳过已有 1 条" in out
    # "主席令第十号" writes its serial in Chinese numerals: not a parsable 文号 either.
    assert "文号无法识别 2 条（已导入，未填文号）：bad-number、law-1" in out
    items = {i.external_id: i for i in InfoItem.objects.all()}

    gov = items["gov-1"]
    assert gov.doc_number == "国发〔2019〕5号" and gov.doc_issuer == "国发" and gov.doc_serial == 5
    assert gov.index_number == "000014349/2019-00007"
    assert gov.date_written == date(2019, 1, 27) and gov.formed_on == date(2019, 2, 15)
    assert gov.subject is not None and gov.subject.name == "科技、教育\\科技"

    bad = items["bad-number"]
    assert bad.doc_number == "" and bad.doc_number_key == "" and bad.is_live

    same = items["same-index"]  # its 索引号 is already held by gov-1: a new one is assigned
    code = tree.city.index_code or f"{tree.city.pk:06d}"
    assert same.index_number is not None and same.index_number.startswith(f"{code}/2019-000")
    assert same.subject == gov.subject

    undated = items["no-dates"]
    assert undated.formed_on == date(2026, 3, 2) and undated.date_written is None
    assert undated.published_at == timezone.now()
    assert undated.index_number == f"{code}/2026-00001"
    assert undated.validity == Validity.NOT_APPLICABLE

    law = items["law-1"]
    assert law.validity == Validity.IN_FORCE and law.title == "测试文件law-1"  # the repeat was skipped
    assert law.doc_number == "" and law.doc_serial is None
    assert "&lt;script&gt;" in items["escaped"].body_html and "<script" not in items["escaped"].body_html

    record_ = AuditRecord.objects.get(action="import.documents")
    assert record_.changes["imported"] == 6 and record_.changes["invalid_doc_numbers"] == 2
    assert record_.changes["column"] == "laws" and record_.changes["skipped"] == 1
    assert not AuditRecord.objects.filter(action__startswith="item.").exists()


def test_own_index_numbers_and_sequence_numbers_never_collide(tree: Tree, laws: CatalogColumn) -> None:
    code = tree.city.index_code or f"{tree.city.pk:06d}"
    # An item published through the services holds the body's first number of 2019 ...
    desk = make_desk(tree.city, "city")
    with time_machine.travel(datetime(2019, 6, 3, 10, tzinfo=CHINA)):
        existing = published(desk, "手工发布的信息", formed_on=date(2019, 6, 3))
    assert existing.index_number == f"{code}/2019-00001"
    # ... an earlier import kept a document's own number ahead of the sequence ...
    import_records([record("claims-ahead", index_number=f"{code}/2019-00003")], laws)
    # ... and now a record claims the next free number, another the one already held.
    records = [
        record("claims-next", index_number=f"{code}/2019-00002"),
        record("claims-held", index_number=f"{code}/2019-00001"),
        record("plain"),
    ]
    result = import_records(records, laws)
    assert (result.index_numbers_kept, result.index_numbers_assigned) == (1, 2)
    numbers = dict(InfoItem.objects.filter(column=laws).values_list("external_id", "index_number"))
    assert numbers["claims-next"] == f"{code}/2019-00002"
    # Serial 2 is taken in this batch and serial 3 by the earlier import: both are skipped.
    assert {numbers["claims-held"], numbers["plain"]} == {f"{code}/2019-00004", f"{code}/2019-00005"}
    assert IndexSequence.objects.get(organisation=tree.city, year=2019).last == 5
    # The single-item path continues after the imported numbers.
    with time_machine.travel(datetime(2019, 7, 1, 10, tzinfo=CHINA)):
        later = published(desk, "之后发布的信息", formed_on=date(2019, 7, 1))
    assert later.index_number == f"{code}/2019-00006"


def test_one_audit_record_per_run_whatever_the_batches(tree: Tree, laws: CatalogColumn) -> None:
    before = AuditRecord.objects.count()
    result = import_records(HANDMADE, laws, batch_size=2)
    assert result.imported == 6
    assert AuditRecord.objects.count() == before + 1
    assert AuditRecord.objects.latest("seq").action == "import.documents"


def test_queries_do_not_grow_with_the_number_of_documents(tree: Tree, laws: CatalogColumn) -> None:
    def count(prefix: str, n: int, year: int) -> int:
        docs = [record(f"{prefix}{i}", publish_date=f"{year}-03-01") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert import_records(docs, laws, batch_size=100).imported == n
        return len(queries)

    small, large = count("small", 5, 2017), count("large", 60, 2018)
    # The same statements for 5 and for 60 documents; SQLite splits a large INSERT by
    # its limit on bind parameters, which may add a statement or two.
    assert small <= large <= small + 4, (small, large)


def test_limit_reads_only_the_first_records(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "handmade.jsonl.gz", HANDMADE)
    out, _ = run(path, tree.city, "laws", "--limit", "2", "--no-progress")
    assert "读取 2 条，新增 2 条" in out
    assert set(InfoItem.objects.values_list("external_id", flat=True)) == {"gov-1", "bad-number"}


# --- refusals: clear Chinese errors, nothing written ------------------------------------


def nothing_written(records_before: int) -> bool:
    return not InfoItem.objects.exists() and AuditRecord.objects.count() == records_before


def test_unknown_column_lists_the_available_ones(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    before = AuditRecord.objects.count()
    path = write_jsonl(tmp_path / "handmade.jsonl.gz", HANDMADE)
    with pytest.raises(CommandError) as caught:
        run(path, tree.city, "state-council")
    message = str(caught.value)
    assert "达州市人民政府没有标识为“state-council”的栏目" in message
    assert "laws" in message and "other-docs" in message and "guide" in message
    assert nothing_written(before)


def test_a_column_of_another_body_is_not_found(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="没有标识为“laws”的栏目。可用的栏目标识：（该机构还没有目录栏目）"):
        run(write_jsonl(tmp_path / "h.jsonl.gz", HANDMADE), tree.tongchuan)


def test_unknown_organisation(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到机构“99999”"):
        call_command("import", "documents", str(tmp_path / "x.jsonl"), "--org", "99999", "--column", "laws")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([record("a"), record("b"), "{这不是 JSON", record("c")], "第 3 行不是有效的 JSON"),
        ([record("a"), {"title": "没有编号"}], "第 2 行缺少 id 或 title"),
        ([record("a"), record("b", publish_date="2019-02-30")], "第 2 行：publish_date“2019-02-30”不是有效日期"),
        ([record("a"), ["not", "an", "object"]], "第 2 行不是 JSON 对象"),
        ([record("a", title="长" * 301)], "title 超过 300 个字符"),
    ],
)
def test_a_bad_line_stops_the_run_before_anything_is_written(
    tree: Tree, laws: CatalogColumn, tmp_path: Path, lines: list[Any], message: str
) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(CommandError, match=message):
        run(write_jsonl(tmp_path / "bad.jsonl", lines, gz=False), tree.city)
    assert nothing_written(before)


def test_missing_and_corrupt_files(tree: Tree, laws: CatalogColumn, tmp_path: Path) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(CommandError, match=r"无法打开文件“.*missing\.jsonl\.gz”：文件不存在。"):
        run(tmp_path / "missing.jsonl.gz", tree.city)
    with pytest.raises(CommandError, match="这是一个目录"):
        run(tmp_path, tree.city)
    corrupt = tmp_path / "corrupt.jsonl.gz"
    corrupt.write_bytes(gzip.compress(json.dumps(record("a")).encode() + b"\n")[:30])
    with pytest.raises(CommandError, match=r"读取文件.*时出错：文件已损坏或不完整"):
        run(corrupt, tree.city)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "a", "title": "政策"}\n'.encode("gb18030"))
    with pytest.raises(CommandError, match="内容不是 UTF-8 编码"):
        run(latin, tree.city)
    assert nothing_written(before)


def test_a_batch_that_fails_is_rolled_back_whole(tree: Tree, laws: CatalogColumn) -> None:
    def documents() -> Iterator[importing.ImportDocument]:
        for n, r in enumerate([record(f"ok{i}") for i in range(4)] + [record("x"), record("y")], start=1):
            yield importing.document_from_record(r, line=n)
        raise importing.ImportFileError("第 7 行不是有效的 JSON")

    with pytest.raises(importing.ImportFileError):
        importing.documents_import(
            actor=None, organisation=tree.city, column=laws, documents=documents(), source="测试", batch_size=4
        )
    # The first batch (4) is committed; the second (x, y) never is, and its index
    # numbers were not taken from the sequence.
    assert set(InfoItem.objects.values_list("external_id", flat=True)) == {"ok0", "ok1", "ok2", "ok3"}
    assert IndexSequence.objects.get(organisation=tree.city, year=2019).last == 4


def test_only_the_role_that_publishes_may_import(tree: Tree, laws: CatalogColumn) -> None:
    desk = make_desk(tree.city, "city")
    for actor in (desk.editor, desk.first, tree.tc_editor, tree.sysadmin):
        with pytest.raises(NotPermitted):
            import_records(HANDMADE[:1], laws, actor=actor)
    assert not InfoItem.objects.exists()
    result = import_records(HANDMADE[:1], laws, actor=desk.final)
    assert result.imported == 1
    record_ = AuditRecord.objects.get(action="import.documents")
    assert record_.actor == desk.final and record_.role == "reviewer_final"
    assert InfoItem.objects.get().created_by == desk.final


def test_parts_of_one_code_are_told_apart_by_their_subtitle() -> None:
    record = {"id": "lrb-x", "title": "中华人民共和国民法典", "subtitle": "婚姻家庭编", "body": "第一条 x"}
    assert importing.document_from_record(record, line=1).title == "中华人民共和国民法典（婚姻家庭编）"
    record["subtitle"] = "民法典"
    assert importing.document_from_record(record, line=1).title == "中华人民共和国民法典"
