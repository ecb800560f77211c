"""Letters of the request desk: numbering, rendering of every kind (.docx and PDF), the office's
templates, permissions and the audit record."""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Role
from gongkai.core.tests.factories import make_org, make_user
from gongkai.requests import letter_services, letters, services
from gongkai.requests.fees import fee_by_volume
from gongkai.requests.letters import amount_upper, docx_text
from gongkai.requests.models import DisclosureRequest, Letter, LetterKind, LetterSeries, LetterTemplate, ResultCode

from .factories import TODAY, desk, make_request

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


def pdf_text(letter: Letter) -> str:
    with letter.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """PDF text with the line breaks of the layout taken out."""
    return "".join(text.split())


def letter_docx_text(letter: Letter) -> str:
    with letter.docx.open("rb") as fh:
        return docx_text(fh.read())


def docx_with_text(*paragraphs: str) -> bytes:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def issue(req: DisclosureRequest, actor: Any, kind: str = LetterKind.REPLY, **kw: Any) -> Letter:
    if kind == LetterKind.REPLY:
        kw.setdefault("result_code", ResultCode.DISCLOSED)
    kw.setdefault("today", TODAY)
    return letter_services.letter_issue(actor=actor, request=req, kind=kind, **kw)


# --- numbering ---------------------------------------------------------------------------------


def test_numbers_follow_each_other_in_the_body_series() -> None:
    org, officer, _head = desk("达州市人民政府办公室")
    letter_services.letter_series_set(actor=officer, organisation=org, prefix="达市府办信复", today=TODAY)
    req = make_request(org, officer)
    numbers = [issue(req, officer).number for _ in range(3)]
    assert numbers == ["达市府办信复〔2025〕1号", "达市府办信复〔2025〕2号", "达市府办信复〔2025〕3号"]
    assert LetterSeries.objects.get(organisation=org, year=2025).last == 3


def test_default_prefix_is_the_short_name_and_xinfu() -> None:
    org = make_org("达州市教育局", short_name="市教育局")
    officer = make_user(org=org, role=Role.OFFICE_OFFICER)
    letter = issue(make_request(org, officer), officer)
    assert letter.number == "市教育局信复〔2025〕1号"


def test_a_new_year_starts_at_one_and_keeps_the_prefix() -> None:
    org, officer, _ = desk()
    letter_services.letter_series_set(actor=officer, organisation=org, prefix="达市教信复", today=TODAY)
    req = make_request(org, officer)
    issue(req, officer, today=D(2025, 12, 31))
    issue(req, officer, today=D(2025, 12, 31))
    first_2026 = issue(req, officer, today=D(2026, 1, 4))
    assert first_2026.number == "达市教信复〔2026〕1号"
    assert (first_2026.year, first_2026.seq) == (2026, 1)


def test_each_body_has_its_own_series() -> None:
    org_a, officer_a, _ = desk()
    org_b, officer_b, _ = desk()
    issue(make_request(org_a, officer_a), officer_a)
    issue(make_request(org_a, officer_a), officer_a)
    letter_b = issue(make_request(org_b, officer_b), officer_b)
    assert letter_b.seq == 1


def test_changing_the_prefix_continues_the_sequence() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    issue(req, officer)
    letter_services.letter_series_set(actor=officer, organisation=org, prefix="新前缀信复", today=TODAY)
    assert issue(req, officer).number == "新前缀信复〔2025〕2号"


@pytest.mark.parametrize("prefix", ["", "   ", "达市府办〔2025〕", "达市 府办", "x" * 31])
def test_bad_prefix_refused(prefix: str) -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError):
        letter_services.letter_series_set(actor=officer, organisation=org, prefix=prefix, today=TODAY)
    assert not LetterSeries.objects.filter(organisation=org).exists()


# --- every kind renders -------------------------------------------------------------------------

KIND_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    (LetterKind.CORRECTION, "", {"correction_items": "请写明文件名称或文号", "respond_by": D(2026, 1, 20)}, "第三十条"),
    (LetterKind.EXTENSION, "", {"reason": "所需信息数量较大"}, "第三十三条第二款"),
    (LetterKind.FEE, "", {"fee": {"method": "by_item", "items": 15}}, "第四十二条"),
    (LetterKind.REPLY, ResultCode.DISCLOSED, {}, "第三十六条第（二）项"),
    (LetterKind.REPLY, ResultCode.PARTLY_DISCLOSED, {"reason": "涉及个人隐私"}, "第三十七条"),
    (LetterKind.REPLY, ResultCode.WITHHELD_4, {}, "第十五条"),
    (LetterKind.REPLY, ResultCode.WITHHELD_6, {}, "第十六条第二款"),
    (LetterKind.REPLY, ResultCode.CANNOT_PROVIDE_1, {}, "第三十六条第（四）项"),
    (LetterKind.REPLY, ResultCode.CANNOT_PROVIDE_2, {}, "第三十八条"),
    (LetterKind.REPLY, ResultCode.NOT_PROCESSED_1, {}, "第三十九条第一款"),
    (LetterKind.REPLY, ResultCode.NOT_PROCESSED_2, {}, "第三十六条第（六）项"),
    (LetterKind.REPLY, ResultCode.OTHER_1, {}, "第三十条"),
]


@pytest.mark.parametrize(("kind", "code", "extra", "article"), KIND_CASES)
def test_each_kind_renders_docx_and_pdf(kind: str, code: str, extra: dict[str, Any], article: str) -> None:
    org, officer, head = desk("达州市人民政府办公室")
    letter_services.letter_series_set(actor=officer, organisation=org, prefix="达市府办信复", today=TODAY)
    req = make_request(org, officer, requester_name="王小明", address="达州市通川区凤凰大道100号")
    if kind == LetterKind.EXTENSION:
        req = services.request_extend(
            actor=head, request=req, days=15, approved_on=D(2025, 10, 20), reason="x", today=TODAY
        )
    letter = issue(req, officer, kind, result_code=code, extra=extra)
    number = "达市府办信复〔2025〕1号"
    text = letter_docx_text(letter)
    for needle in (number, article, "王小明", "达州市通川区凤凰大道100号", "2025年12月31日", org.name):
        assert needle in text, needle
    ptext = flat(pdf_text(letter))
    for needle in (number, article, "王小明", "2025年12月31日"):
        assert needle in ptext, needle
    if kind == LetterKind.REPLY:
        assert "60日内" in text and "6个月内" in text  # the remedy sentence
        assert letter.result_code == code
    assert letter.request_id == req.pk and letter.issued_by == officer
    assert letter.context["number"] == number
    json.dumps(letter.context)  # the snapshot is plain JSON


def test_third_party_letter_goes_to_the_third_party_without_the_requester() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer, requester_name="王小明")
    letter = issue(req, officer, LetterKind.THIRD_PARTY, extra={"third_party_name": "达州某某建设有限公司"})
    text = letter_docx_text(letter)
    assert text.splitlines()[3] == "达州某某建设有限公司："
    assert "第三十二条" in text and "15个工作日" in text
    assert "王小明" not in text and "王小明" not in flat(pdf_text(letter))


def test_fee_notice_shows_the_bands_and_the_amount() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    letter = issue(req, officer, LetterKind.FEE, extra={"fee": fee_by_volume(pages=120)})
    text = letter_docx_text(letter)
    # pages 31–100 at 10 yuan, 101–120 at 20 yuan (国办函〔2020〕109号)
    assert "第31至100页：70页，每页10元，计700元" in text
    assert "第101至120页：20页，每页20元，计400元" in text
    assert "合计人民币1100元（大写：壹仟壹佰元整）" in text
    assert "国办函〔2020〕109号" in text
    assert "合计人民币1100元" in flat(pdf_text(letter))


@pytest.mark.parametrize(
    ("yuan", "upper"),
    [(0, "零元整"), (500, "伍佰元整"), (1100, "壹仟壹佰元整"), (10010, "壹万零壹拾元整"), (100005, "壹拾万零伍元整")],
)
def test_amount_upper(yuan: int, upper: str) -> None:
    assert amount_upper(yuan) == upper


def test_every_result_code_has_articles_and_a_decision() -> None:
    for code in ResultCode:
        assert letters.ARTICLES[code].startswith("第")
        assert letters.DECISIONS[code]


def test_files_are_archived_under_media_root(media: Path) -> None:
    org, officer, _ = desk()
    letter = issue(make_request(org, officer), officer)
    for f in (letter.docx, letter.pdf):
        path = Path(f.path)
        assert path.is_file() and media in path.parents
    assert letter.docx.name.endswith(".docx") and letter.pdf.name.endswith(".pdf")
    assert zipfile.is_zipfile(letter.docx.path)
    assert Path(letter.pdf.path).read_bytes().startswith(b"%PDF")


def test_audit_record_has_no_personal_data() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer, requester_name="王小明", address="达州市通川区凤凰大道100号")
    letter = issue(req, officer, LetterKind.REPLY, result_code=ResultCode.WITHHELD_4)
    record = AuditRecord.objects.get(action="letter.issue")
    assert record.object_id == str(letter.pk)
    dumped = json.dumps([record.changes, record.object_repr], ensure_ascii=False)
    assert letter.number in dumped
    for personal in ("王小明", "凤凰大道", req.phone, req.id_number):
        assert personal not in dumped


# --- refusals -----------------------------------------------------------------------------------


def test_officer_of_another_body_is_refused() -> None:
    org, officer, _ = desk()
    _other_org, other_officer, _ = desk()
    req = make_request(org, officer)
    with pytest.raises(NotPermitted):
        issue(req, other_officer)
    assert not Letter.objects.exists()
    assert LetterSeries.objects.filter(organisation=org, last__gt=0).count() == 0


def test_editor_without_request_handling_is_refused() -> None:
    org, officer, _ = desk()
    editor = make_user(org=org, role=Role.EDITOR)
    with pytest.raises(NotPermitted):
        issue(make_request(org, officer), editor)


@pytest.mark.parametrize(
    ("kind", "code", "extra"),
    [
        ("bogus", "", {}),
        (LetterKind.REPLY, "", {}),
        (LetterKind.REPLY, "withheld_9", {}),
        (LetterKind.CORRECTION, ResultCode.DISCLOSED, {"correction_items": "x"}),
        (LetterKind.CORRECTION, "", {}),
        (LetterKind.THIRD_PARTY, "", {}),
        (LetterKind.FEE, "", {}),
        (LetterKind.FEE, "", {"fee": {"method": "by_item", "items": 3, "pages": 4}}),
    ],
)
def test_bad_input_is_refused_with_nothing_written(media: Path, kind: str, code: str, extra: dict[str, Any]) -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    with pytest.raises(DomainError) as exc:
        letter_services.letter_issue(actor=officer, request=req, kind=kind, result_code=code, extra=extra, today=TODAY)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))  # a Chinese message
    assert not Letter.objects.exists()
    assert not list((media / "letters").rglob("*")) if (media / "letters").exists() else True


# --- the office's templates ---------------------------------------------------------------------


def test_uploaded_template_is_used_for_the_kind() -> None:
    org, officer, _ = desk()
    data = docx_with_text(
        "{{ org_name }}专用补正通知", "文号：{{ number }}", "{{ requester_name }}：请补正：{{ correction_items }}"
    )
    letter_services.letter_template_save(
        actor=officer, organisation=org, kind=LetterKind.CORRECTION, data=data, original_name="补正.docx"
    )
    req = make_request(org, officer, requester_name="王小明")
    letter = issue(req, officer, LetterKind.CORRECTION, extra={"correction_items": "写明文号"})
    text = letter_docx_text(letter)
    assert f"{org.name}专用补正通知" in text
    assert "王小明：请补正：写明文号" in text
    assert "王小明：请补正：写明文号" in flat(pdf_text(letter))  # the PDF follows the office's template
    # other kinds still use the defaults
    assert "政府信息公开申请答复书" in letter_docx_text(issue(req, officer))


def test_reset_goes_back_to_the_default(media: Path) -> None:
    org, officer, _ = desk()
    data = docx_with_text("自定义 {{ number }}")
    template = letter_services.letter_template_save(
        actor=officer, organisation=org, kind=LetterKind.REPLY, result_group="withheld", data=data
    )
    stored = Path(template.file.path)
    assert stored.is_file()
    from django.db import transaction

    with transaction.atomic():
        assert letter_services.letter_template_reset(
            actor=officer, organisation=org, kind=LetterKind.REPLY, result_group="withheld"
        )
    assert not LetterTemplate.objects.exists()
    assert not letter_services.letter_template_reset(
        actor=officer, organisation=org, kind=LetterKind.REPLY, result_group="withheld"
    )
    req = make_request(org, officer)
    assert "政府信息公开申请答复书" in letter_docx_text(issue(req, officer, result_code=ResultCode.WITHHELD_1))


def test_non_docx_template_refused() -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError, match="不是 Word 文档"):
        letter_services.letter_template_save(
            actor=officer, organisation=org, kind=LetterKind.FEE, data=b"%PDF-1.4 not a docx"
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "x")
    with pytest.raises(DomainError, match="不是 Word 文档"):
        letter_services.letter_template_save(actor=officer, organisation=org, kind=LetterKind.FEE, data=buf.getvalue())
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        ("{{ number ", "占位符有误"),
        ("{% if number %}没有结束", "占位符有误"),
        ("{{ requester_phone }}", "未知的占位符 'requester_phone'"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "占位符有误"),
    ],
)
def test_broken_template_refused_with_a_chinese_message(media: Path, paragraph: str, message: str) -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError, match=message):
        letter_services.letter_template_save(
            actor=officer, organisation=org, kind=LetterKind.CORRECTION, data=docx_with_text("抬头", paragraph)
        )
    assert not LetterTemplate.objects.exists()
    assert not list(media.rglob("*.docx"))


def test_template_of_another_body_refused() -> None:
    org, _officer, _ = desk()
    _o, other_officer, _ = desk()
    with pytest.raises(NotPermitted):
        letter_services.letter_template_save(
            actor=other_officer, organisation=org, kind=LetterKind.FEE, data=docx_with_text("{{ number }}")
        )


def test_default_templates_render_with_the_sample_context() -> None:
    for _key, kind, group, _label in letters.template_slots():
        text = docx_text(
            letters.render_docx(letters.default_template(kind, group), letters.sample_context(kind, group))
        )
        assert "达市府办信复〔2026〕1号" in text
        assert letters.title(kind) in text
        assert "{{" not in text and "{%" not in text


def test_default_templates_are_built_by_the_script(tmp_path: Path) -> None:
    from gongkai.requests.letter_templates import build

    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            # the text and the layout; the package's metadata is not compared
            return {name: z.read(name) for name in z.namelist() if name.startswith("word/")}

    for key, blocks in build.TEMPLATES.items():
        committed = (letters.TEMPLATE_DIR / f"{key}.docx").read_bytes()
        assert members(build.build_docx(blocks)) == members(committed), key


def test_template_slots_cover_every_reply_group() -> None:
    keys = [s[0] for s in letters.template_slots()]
    assert len(keys) == 10 and len(set(keys)) == 10
    assert {k for k in keys if k.startswith("reply_")} == {
        "reply_disclosed",
        "reply_partly_disclosed",
        "reply_withheld",
        "reply_cannot_provide",
        "reply_not_processed",
        "reply_other",
    }


def test_pdf_keeps_bold_and_table_text_of_an_office_template() -> None:
    org, officer, _ = desk()
    doc = Document()
    doc.add_paragraph().add_run("加粗 {{ number }}").bold = True
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "申请人"
    table.cell(0, 1).text = "{{ requester_name }}"
    out = io.BytesIO()
    doc.save(out)
    letter_services.letter_template_save(
        actor=officer, organisation=org, kind=LetterKind.REPLY, result_group="disclosed", data=out.getvalue()
    )
    letter = issue(make_request(org, officer, requester_name="王小明"), officer)
    text = flat(pdf_text(letter))
    assert f"加粗{letter.number}" in text
    assert "申请人王小明" in text


def test_pdf_falls_back_to_the_builtin_cid_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "FONT_CANDIDATES", ())
    letters.pdf_font.cache_clear()
    try:
        assert letters.pdf_font() == "STSong-Light"
        data = letters.render_pdf([letters.Block(text="达市府办信复〔2026〕1号 王小明")], title="t", author="a")
    finally:
        letters.pdf_font.cache_clear()
    assert b"STSong-Light" in data
    assert "王小明" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_extension_notice_takes_days_due_date_and_reason_from_the_approval() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    with pytest.raises(DomainError, match="尚未经政府信息公开工作机构负责人批准延期"):
        issue(req, officer, LetterKind.EXTENSION)
    req = services.request_extend(
        actor=head, request=req, days=20, approved_on=D(2025, 10, 20), reason="需调取多个部门档案", today=TODAY
    )
    text = letter_docx_text(issue(req, officer, LetterKind.EXTENSION))
    assert req.due_on is not None
    assert "因需调取多个部门档案，" in text
    assert "答复期限延长20个工作日" in text
    assert f"将于{letters.cn_date(req.due_on)}前" in text
    assert "第三十三条第二款" in text


def test_correction_notice_takes_the_period_from_the_timeline() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_ask_correction(
        actor=officer, request=req, asked_on=D(2025, 9, 26), what="写明名称", respond_by=D(2025, 10, 17), today=TODAY
    )
    text = letter_docx_text(issue(req, officer, LetterKind.CORRECTION, extra={"correction_items": "写明名称"}))
    assert "请您于2025年10月17日前向本机关提交补正后的申请" in text


def test_markup_in_the_data_is_printed_as_text() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer, requester_name="王&<小>明", description="<b>清单</b> & 附件")
    letter = issue(req, officer)
    text = letter_docx_text(letter)
    assert "王&<小>明：" in text and "“<b>清单</b> & 附件”" in text
    assert "王&<小>明" in flat(pdf_text(letter))


def test_pdf_metadata_names_the_letter_not_the_requester() -> None:
    org, officer, _ = desk()
    letter = issue(make_request(org, officer, requester_name="王小明"), officer)
    with letter.pdf.open("rb") as fh:
        meta = PdfReader(io.BytesIO(fh.read())).metadata
    assert meta is not None
    assert meta.title == f"政府信息公开申请答复书 {letter.number}"
    assert meta.author == org.name
    assert "王小明" not in str(dict(meta))
