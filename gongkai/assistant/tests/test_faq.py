"""FAQ entries: normalised matching, the services (scope, audit), and the Excel import."""

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from gongkai.assistant import faq_excel, services
from gongkai.assistant.faq import faq_lookup, normalise
from gongkai.assistant.models import AskedQuestion, FaqEntry, QuestionTriage
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord
from gongkai.publishing import services as publishing
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk, make_desk
from gongkai.web.tests.factories import Platform

from .surfaces import publish_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_desk(platform: Platform) -> Desk:
    """A body of the county, which has a site of its own."""
    return make_desk(platform.county_dept, "yi")


@pytest.fixture
def items(desk: Desk) -> dict[str, InfoItem]:
    return publish_corpus(desk)


def make_entry(desk: Desk, items: dict[str, InfoItem], **extra: Any) -> FaqEntry:
    values: dict[str, Any] = {
        "organisation": desk.org,
        "question": "社保断缴了还能补缴吗？",
        "answer": "可以补缴。具体以社保经办机构的规定为准。",
        "variants": ["社保断了能补交吗", "社保断缴了，还能补缴吗"],
        "sources": [items["fund"]],
        "review_due": dt.date(2030, 1, 1),
    }
    values.update(extra)
    return services.faq_create(actor=desk.editor, **values)


def test_normalise_folds_width_case_space_and_punctuation() -> None:
    assert normalise("社保断缴了，还能补缴吗？") == normalise(" 社保断缴了还能补缴吗 ")
    assert normalise("ＡＢＣ 社保！") == "abc社保"
    assert normalise("社保断缴") != normalise("社保断缴了")


def test_exact_normalised_match_answers(desk: Desk, items: dict[str, InfoItem]) -> None:
    entry = make_entry(desk, items)
    for asked in ("社保断缴了还能补缴吗", "社保断了能补交吗？", "社保断缴了, 还能补缴吗!"):
        found = faq_lookup(asked)
        assert found is not None and found.entry_id == entry.pk
    found = faq_lookup("社保断了能补交吗")
    assert found is not None
    assert found.answer.startswith("可以补缴") and found.organisation == desk.org.name
    assert [(s.external_id, s.url) for s in found.sources] == [("t-fund", f"/gk/item/{items['fund'].pk}/")]
    assert faq_lookup("社保断缴了还能补缴") is None  # close is not equal: retrieval's job
    assert faq_lookup("") is None


def test_scope_inactive_and_withdrawn_sources(desk: Desk, items: dict[str, InfoItem], platform: Platform) -> None:
    entry = make_entry(desk, items)
    assert faq_lookup("社保断缴了还能补缴吗", scope=[desk.org.pk]) is not None
    assert faq_lookup("社保断缴了还能补缴吗", scope=[platform.county.pk]) is None
    publishing.item_withdraw(actor=desk.final, item=items["fund"], reason="内容有误")
    found = faq_lookup("社保断缴了还能补缴吗")
    assert found is not None and found.sources == []
    services.faq_update(
        actor=desk.editor,
        entry=entry,
        organisation=desk.org,
        question=entry.question,
        answer=entry.answer,
        active=False,
    )
    assert faq_lookup("社保断缴了还能补缴吗") is None


def test_lookup_query_count(desk: Desk, items: dict[str, InfoItem], django_assert_num_queries: Any) -> None:
    make_entry(desk, items)
    with django_assert_num_queries(3):
        assert faq_lookup("社保断缴了还能补缴吗") is not None
    with django_assert_num_queries(1):
        assert faq_lookup("没有这个问题") is None


def test_public_question_uses_the_faq(desk: Desk, items: dict[str, InfoItem]) -> None:
    make_entry(desk, items)
    asked = services.question_ask("社保断缴了还能补缴吗？")
    assert asked.source == "faq" and not asked.answer.refused
    assert [s.text for s in asked.answer.sentences] == ["可以补缴。", "具体以社保经办机构的规定为准。"]
    assert asked.answer.cited_external_ids == ["t-fund"]
    assert asked.question is not None and asked.question.cited_external_ids == ["t-fund"]


def test_create_update_delete_are_audited_and_scoped(desk: Desk, county_desk: Desk, items: dict[str, InfoItem]) -> None:
    entry = make_entry(desk, items)
    assert set(entry.phrases.values_list("key", flat=True)) == {
        normalise("社保断缴了还能补缴吗"),
        normalise("社保断了能补交吗"),
    }
    assert entry.variants == ["社保断了能补交吗"]  # the variant equal to the question is dropped
    with pytest.raises(NotPermitted):
        services.faq_update(actor=county_desk.editor, entry=entry, organisation=desk.org, question="x", answer="y")
    with pytest.raises(NotPermitted):
        make_entry(county_desk, items, organisation=desk.org)
    with pytest.raises(DomainError, match="已有相同的常见问题"):
        make_entry(desk, items, question="社保断缴了，还能补缴吗")
    services.faq_update(
        actor=desk.editor,
        entry=entry,
        organisation=desk.org,
        question=entry.question,
        answer="可以。",
        variants=["断缴社保怎么补"],
    )
    assert faq_lookup("社保断了能补交吗") is None and faq_lookup("断缴社保怎么补") is not None
    services.faq_delete(actor=desk.editor, entry=entry)
    assert not FaqEntry.objects.exists()
    actions = list(AuditRecord.objects.filter(action__startswith="assistant.").values_list("action", flat=True))
    assert actions == ["assistant.faq_create", "assistant.faq_update", "assistant.faq_delete"]


def test_review_overdue_flag(desk: Desk, items: dict[str, InfoItem]) -> None:
    assert make_entry(desk, items, review_due=dt.date(2020, 1, 1)).review_overdue
    assert not make_entry(desk, items, question="另一个问题", review_due=None).review_overdue


def test_turning_a_question_into_an_faq_marks_it_handled(desk: Desk, items: dict[str, InfoItem]) -> None:
    asked = services.question_ask("明天达州天气怎么样，会下雨吗")
    assert asked.question is not None and asked.answer.refused
    entry = make_entry(desk, items, from_question=asked.question)
    triage = QuestionTriage.objects.get(question=asked.question)
    assert triage.handled_at is not None and triage.faq == entry and triage.handled_by == desk.editor


# --- Excel import ------------------------------------------------------------------------------


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header or ["问题", "相似问法", "答案", "来源文件", "复核日期"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_creates_then_updates_by_question(desk: Desk, items: dict[str, InfoItem]) -> None:
    content = workbook(
        [
            [
                "退休了能提取公积金吗？",
                "退休能取公积金吗|退休后公积金能取吗",
                "可以提取。",
                "t-fund",
                dt.date(2027, 6, 30),
            ],
            [
                "低保向哪里申请？",
                "",
                "向户籍所在地乡镇人民政府提出。",
                "t-allowance|甲市府发〔2024〕3号",
                "2027年1月1日",
            ],
        ]
    )
    parsed = faq_excel.parse(content)
    assert parsed.errors == []
    result = services.faq_import(actor=desk.editor, organisation=desk.org, rows=parsed.rows)
    assert (result.created, result.updated) == (2, 0)
    entry = FaqEntry.objects.get(question="低保向哪里申请？")
    assert entry.review_due == dt.date(2027, 1, 1)
    assert set(entry.sources.values_list("external_id", flat=True)) == {"t-allowance", "t-fund"}
    assert faq_lookup("退休后公积金能取吗") is not None
    again = faq_excel.parse(workbook([["退休了，能提取公积金吗", "", "可以，应当提交退休证明。", "", ""]]))
    result = services.faq_import(actor=desk.editor, organisation=desk.org, rows=again.rows)
    assert (result.created, result.updated) == (0, 1)
    updated = FaqEntry.objects.get(question="退休了，能提取公积金吗")
    assert updated.answer == "可以，应当提交退休证明。" and updated.variants == [] and updated.review_due is None
    assert faq_lookup("退休能取公积金吗") is None
    assert FaqEntry.objects.count() == 2


def test_import_reports_every_bad_row_in_chinese_and_writes_nothing(desk: Desk, items: dict[str, InfoItem]) -> None:
    content = workbook(
        [
            ["好问题", "", "好答案", "t-fund", "2027-01-01"],
            ["", "", "没有问题", "", ""],
            ["没有答案", "", "", "", ""],
            ["来源不存在", "", "答", "no-such-id", ""],
            ["日期不对", "", "答", "", "下个月"],
            ["好问题？", "", "重复", "", ""],
        ]
    )
    parsed = faq_excel.parse(content)
    assert parsed.errors == [
        "第3行：“问题”为空。",
        "第4行：“答案”为空。",
        "第5行：“来源文件”中找不到已公开的文件：no-such-id。",
        "第6行：“复核日期”不是有效日期（如 2026-12-31）。",
        "第7行：“问题”与第2行重复。",
    ]
    assert not FaqEntry.objects.exists()


def test_import_rejects_bad_files(desk: Desk) -> None:
    assert faq_excel.parse(b"not a workbook").errors == ["无法读取该文件，请上传 Excel（.xlsx）文件。"]
    assert faq_excel.parse(workbook([["a"]], header=["问法", "回答"])).errors == ["第1行（表头）缺少列：问题、答案。"]
    assert faq_excel.parse(workbook([])).errors == ["表格中没有数据行。"]


def test_import_only_cites_public_items(desk: Desk, items: dict[str, InfoItem]) -> None:
    publishing.item_withdraw(actor=desk.final, item=items["fund"], reason="内容有误")
    parsed = faq_excel.parse(workbook([["问", "", "答", "t-fund", ""]]))
    assert parsed.errors == ["第2行：“来源文件”中找不到已公开的文件：t-fund。"]


def test_stored_question_masking_kept(desk: Desk, items: dict[str, InfoItem]) -> None:
    services.ask("我的电话13812345678，退休能提取公积金吗")
    stored = AskedQuestion.objects.get()
    assert "13812345678" not in stored.question_masked
    assert QuestionTriage.objects.get(question=stored).had_personal_data


def test_cli_and_eval_use_the_faq_like_the_api(
    desk: Desk, items: dict[str, InfoItem], client: Any, tmp_path: Any
) -> None:
    """The FAQ answers the same question the same way on every surface: API, CLI and eval."""
    import json
    from io import StringIO

    from django.core.management import call_command

    make_entry(desk, items, sources=[items["allowance"]])
    question = "社保断缴了，还能补缴吗？"
    api = client.post("/api/v1/assistant/ask", {"question": question}, content_type="application/json").json()
    assert api["source"] == "faq" and [c["external_id"] for c in api["citations"]] == ["t-allowance"]
    out = StringIO()
    call_command("ask", question, "--json", stdout=out)
    cli = json.loads(out.getvalue())
    assert cli["source"] == "faq" and cli["refused"] is False
    assert cli["cited_external_ids"] == ["t-allowance"]
    assert "".join(s["text"] for s in cli["answer"]) == api["answer"] == "可以补缴。具体以社保经办机构的规定为准。"
    out = StringIO()
    call_command("ask", question, stdout=out)
    assert "引用：t-allowance" in out.getvalue() and "来源：常见问题" in out.getvalue()
    path = tmp_path / "eval.jsonl"
    row = {"question": question, "relevant_external_ids": ["t-allowance"], "answerable": True}
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("ask", "eval", str(path), "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == {"question": question, "refused": False, "cited_external_ids": ["t-allowance"]}
    assert lines[1]["cited_right@1"] == 1.0
    # The eval run is not a citizen's question: only the API's and the CLI's are stored.
    assert AskedQuestion.objects.count() == 3
